/**
 * Generates the Hetzner Cloud API types from the official OpenAPI document.
 *
 *   node packages/providers/scripts/generate-hetzner-types.ts          write the file
 *   node packages/providers/scripts/generate-hetzner-types.ts --check  exit 1 if the committed file is stale
 *
 * Input:  packages/providers/spec/cloud.spec.json (a verbatim copy of Hetzner's cloud.spec.json)
 * Output: packages/providers/src/hetzner/generated/hetzner.ts
 *
 * The spec names its error responses "4xx"/"5xx"; openapi-fetch only knows the upper-case
 * status ranges ("4XX"/"5XX"), so without the rename every `error` would be typed `never`.
 * The output is a pure function of the spec bytes and the openapi-typescript version (both are
 * written into the header), so the same input always gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The spec the types are generated from. */
export const SPEC_PATH = join(PACKAGE_DIR, 'spec', 'cloud.spec.json');
/** The committed, generated file. */
export const OUTPUT_PATH = join(PACKAGE_DIR, 'src', 'hetzner', 'generated', 'hetzner.ts');

const STATUS_RANGE_RE = /^[1-5]xx$/;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Renames lower-case status ranges ("4xx") to the form openapi-fetch understands ("4XX"),
 * keeping the key order so the output stays stable. Returns how many keys were renamed.
 */
export function normaliseStatusRanges(spec: JsonObject): number {
  let renamed = 0;
  const paths = spec['paths'];
  if (!isObject(paths)) throw new Error('spec has no "paths" object');
  for (const pathItem of Object.values(paths)) {
    if (!isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation) || !isObject(operation['responses'])) continue;
      const responses = operation['responses'];
      const rebuilt: JsonObject = {};
      for (const [status, response] of Object.entries(responses)) {
        if (STATUS_RANGE_RE.test(status)) {
          rebuilt[status.toUpperCase()] = response;
          renamed += 1;
        } else {
          rebuilt[status] = response;
        }
      }
      operation['responses'] = rebuilt;
    }
  }
  return renamed;
}

function openapiTypescriptVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(require.resolve('openapi-typescript/package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Produces the generated file's full text from the spec's bytes. */
export async function generateHetznerTypes(specText: string): Promise<string> {
  const spec = JSON.parse(specText) as JsonObject;
  const renamed = normaliseStatusRanges(spec);
  if (renamed === 0) throw new Error('no "4xx"/"5xx" responses found: has the spec format changed?');
  const ast = await openapiTS(spec as unknown as Parameters<typeof openapiTS>[0], { silent: true });
  const body = astToString(ast);
  const sha256 = createHash('sha256').update(specText).digest('hex');
  const header = [
    '// GENERATED FILE, do not edit.',
    '// Source: packages/providers/spec/cloud.spec.json',
    `// Spec sha256: ${sha256}`,
    `// Generator: packages/providers/scripts/generate-hetzner-types.ts with openapi-typescript ${openapiTypescriptVersion()}`,
    `// Error responses renamed "4xx"/"5xx" -> "4XX"/"5XX": ${renamed}`,
    '// Regenerate: node packages/providers/scripts/generate-hetzner-types.ts',
    '',
  ].join('\n');
  return `${header}\n${body}`;
}

/** Outcome of comparing the committed file with a fresh generation. */
export type CheckResult = { upToDate: boolean; expectedBytes: number; actualBytes: number | null };

/** Compares `outputPath` with what the spec at `specPath` generates. */
export async function checkHetznerTypes(specPath = SPEC_PATH, outputPath = OUTPUT_PATH): Promise<CheckResult> {
  const expected = await generateHetznerTypes(readFileSync(specPath, 'utf8'));
  const actual = existsSync(outputPath) ? readFileSync(outputPath, 'utf8') : null;
  return {
    upToDate: actual === expected,
    expectedBytes: Buffer.byteLength(expected),
    actualBytes: actual === null ? null : Buffer.byteLength(actual),
  };
}

async function main(argv: string[]): Promise<number> {
  const shown = relative(process.cwd(), OUTPUT_PATH);
  if (argv.includes('--check')) {
    const result = await checkHetznerTypes();
    if (result.upToDate) {
      console.log(`${shown} is up to date`);
      return 0;
    }
    console.error(`${shown} is stale (or missing): run node packages/providers/scripts/generate-hetzner-types.ts`);
    return 1;
  }
  const text = await generateHetznerTypes(readFileSync(SPEC_PATH, 'utf8'));
  writeFileSync(OUTPUT_PATH, text);
  console.log(`wrote ${shown} (${Buffer.byteLength(text)} bytes)`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
