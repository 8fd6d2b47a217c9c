import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';

/**
 * Validates answers against the official OpenAPI 3.0 document in spec/cloud.spec.json (a copy
 * in this repo, so tests never reach outside it). OpenAPI's `nullable` becomes a JSON Schema
 * null type, `$ref`s to components are inlined, and OpenAPI's numeric formats are checked.
 */
const SPEC_URL = new URL('../../spec/cloud.spec.json', import.meta.url);

// ajv-formats is CommonJS; depending on the loader the plugin is the module or its `default`.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as FormatsPlugin;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>;
  components: { schemas: Record<string, Json> };
}

const ANNOTATIONS = new Set(['nullable', 'example', 'examples', 'deprecated', 'xml', 'externalDocs', 'discriminator']);
const REF_PREFIX = '#/components/schemas/';

export const spec = JSON.parse(readFileSync(SPEC_URL, 'utf8')) as OpenApiDocument;

function toJsonSchema(node: Json, seen: string[] = []): Json {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, seen));
  if (node === null || typeof node !== 'object') return node;
  const ref = node.$ref;
  if (typeof ref === 'string') {
    if (!ref.startsWith(REF_PREFIX)) throw new Error(`unsupported $ref ${ref}`);
    const name = ref.slice(REF_PREFIX.length);
    if (seen.includes(name)) throw new Error(`recursive $ref ${ref}`);
    const target = spec.components.schemas[name];
    if (target === undefined) throw new Error(`dangling $ref ${ref}`);
    return toJsonSchema(target, [...seen, name]);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key)) continue;
    // Inside `properties` every key is a property name, not a keyword.
    out[key] = key === 'properties' && value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).map(([prop, schema]) => [prop, toJsonSchema(schema, seen)]))
      : toJsonSchema(value, seen);
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    if (out.type === undefined) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) });
ajv.addFormat('decimal', { type: 'string', validate: (s: string) => /^-?[0-9]+(\.[0-9]+)?$/.test(s) });

const compiled = new Map<string, ValidateFunction>();

/** The spec's response key for a status: the exact code, else its range (4xx, 5xx). */
export function responseKey(responses: Record<string, unknown>, status: number): string | null {
  if (String(status) in responses) return String(status);
  const range = `${String(status)[0]}xx`;
  if (range in responses) return range;
  return 'default' in responses ? 'default' : null;
}

/**
 * Checks one answer. Returns a list of problems (empty when the answer conforms): an undocumented
 * status, a body where none is documented (or the reverse), or schema violations.
 */
export function validateResponse(method: string, pathTemplate: string, status: number, contentType: string | undefined, body: string): string[] {
  const operation = spec.paths[pathTemplate]?.[method.toLowerCase()];
  if (!operation) return [`${method} ${pathTemplate} is not in the spec`];
  const key = responseKey(operation.responses, status);
  if (key === null) return [`${method} ${pathTemplate}: status ${status} is not documented`];
  const schema = operation.responses[key]?.content?.['application/json']?.schema;
  if (schema === undefined) return body === '' ? [] : [`${method} ${pathTemplate} ${status}: spec documents no body, got ${body.slice(0, 80)}`];
  if (!contentType?.startsWith('application/json')) return [`${method} ${pathTemplate} ${status}: content-type ${contentType ?? '(none)'}`];
  const cacheKey = `${method} ${pathTemplate} ${key}`;
  let validate = compiled.get(cacheKey);
  if (!validate) {
    validate = ajv.compile(toJsonSchema(schema) as object);
    compiled.set(cacheKey, validate);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [`${method} ${pathTemplate} ${status}: body is not JSON`];
  }
  if (validate(parsed)) return [];
  return (validate.errors ?? []).map((e) => `${method} ${pathTemplate} ${status}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Maps a concrete path (/servers/4711) to the spec template (/servers/{id}) among `templates`. */
export function templateOf(path: string, templates: readonly string[]): string | null {
  for (const template of templates) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(path)) return template;
  }
  return null;
}
