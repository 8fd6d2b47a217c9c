/**
 * Hostile input, generated from the schema itself (introspection), so it follows the contract as
 * it changes: every mutation and every query with arguments gets fast-check-generated arguments
 * (positional arguments and `input:` objects alike, walked recursively), mixed with hostile
 * strings (NUL, lone surrogates, bidi overrides, huge values, forged ids). Plus hostile documents
 * and requests: depth, aliases, batching, introspection, body size, malformed JSON, GET with
 * malformed variables/extensions. Every answer: never a 500, never INTERNAL_SERVER_ERROR, never
 * a code outside docs/error-codes.md, never a stack trace, never an echo of a large input.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIntrospectionQuery, type IntrospectionInputTypeRef, type IntrospectionQuery, type IntrospectionType } from 'graphql';
import { API_ERROR_CODES } from '@hangar/domain/api-errors';
import { PROVIDER_ERRORS } from '@hangar/domain/provider-errors';
import { NODE_ERRORS } from '@hangar/domain/node-errors';
import { startTestApi, type TestApi } from './api-harness.ts';

/** Runs per operation: enough to hit every branch of the generators, small enough for CI. */
const RUNS_PER_OPERATION = 12;
const SEED = 1313;
/** An input this long must never come back in an answer. */
const ECHO_MIN_CHARS = 200;
const HUGE = 'x'.repeat(1_000_000);

const DOCUMENTED = new Set([...Object.keys(API_ERROR_CODES), ...Object.keys(PROVIDER_ERRORS), ...Object.keys(NODE_ERRORS)]);

let api: TestApi;
let types: Map<string, IntrospectionType>;
let schema: IntrospectionQuery['__schema'];

beforeAll(async () => {
  api = await startTestApi();
  const { body } = await api.graphql<IntrospectionQuery>(getIntrospectionQuery());
  schema = body.data!.__schema;
  types = new Map(schema.types.map((type) => [type.name, type]));
});
afterAll(async () => { await api.stop(); });

const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfffy', 'evil\u202eexe.txt', 'zero\u200bwidth', '../../etc/passwd', '%00', "'; DROP TABLE nodes; --", '{"$ne":null}', '0000-00-00T00:00:00Z', '-4714-11-24T00:00:00Z', 'a'.repeat(100_000)),
  fc.uuid(),
  fc.constant('00000000-0000-4000-8000-000000000000'),
);

/** An arbitrary for an input type from introspection; null stays possible for nullable ones. */
function arbitraryFor(ref: IntrospectionInputTypeRef, depth = 0): fc.Arbitrary<unknown> {
  if (ref.kind === 'NON_NULL') return arbitraryFor(ref.ofType, depth);
  if (ref.kind === 'LIST') return fc.array(arbitraryFor(ref.ofType, depth + 1), { maxLength: 3 });
  const type = types.get(ref.name)!;
  if (type.kind === 'ENUM') return fc.oneof(fc.constantFrom(...type.enumValues.map((value) => value.name)), hostileString);
  if (type.kind === 'INPUT_OBJECT') {
    if (depth > 3) return fc.constant(null);
    const fields = Object.fromEntries(type.inputFields.map((field) => [field.name, arbitraryFor(field.type, depth + 1)]));
    return fc.oneof({ weight: 4, arbitrary: fc.record(fields, { requiredKeys: [] }) }, { weight: 1, arbitrary: hostileString });
  }
  switch (ref.name) {
    case 'Int': return fc.oneof(fc.integer(), fc.constantFrom(2 ** 31, -(2 ** 53), 0.5));
    case 'Float': return fc.double();
    case 'Boolean': return fc.boolean();
    case 'JSON': return fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(hostileString, hostileString, { maxKeys: 40 }));
    default: return hostileString;
  }
}

function typeName(ref: IntrospectionInputTypeRef): string {
  if (ref.kind === 'NON_NULL') return `${typeName(ref.ofType)}!`;
  if (ref.kind === 'LIST') return `[${typeName(ref.ofType)}]`;
  return ref.name;
}

interface Operation { kind: 'query' | 'mutation'; name: string; args: ReadonlyArray<{ name: string; type: IntrospectionInputTypeRef }>; selection: string }

function operationsOf(rootName: string | undefined, kind: Operation['kind']): Operation[] {
  const root = rootName ? types.get(rootName) : undefined;
  if (!root || root.kind !== 'OBJECT') return [];
  return root.fields.filter((field) => field.args.length > 0).map((field) => {
    let ref = field.type;
    while (ref.kind === 'NON_NULL' || ref.kind === 'LIST') ref = ref.ofType;
    const selection = ['OBJECT', 'INTERFACE', 'UNION'].includes(types.get(ref.name)!.kind) ? '{ __typename }' : '';
    return { kind, name: field.name, args: field.args, selection };
  });
}

type Answer = { status: number; text: string };

function assertSafe(answer: Answer, sent: unknown[]): void {
  expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
  expect(answer.text).not.toMatch(/\n\s+at |\\n\s+at /);
  const body = JSON.parse(answer.text) as { errors?: Array<{ extensions?: { code?: string } }> } | Array<unknown>;
  const errors = Array.isArray(body) ? [] : body.errors ?? [];
  for (const error of errors) {
    expect(error.extensions?.code, answer.text.slice(0, 300)).not.toBe('INTERNAL_SERVER_ERROR');
    expect(DOCUMENTED.has(error.extensions?.code ?? ''), `undocumented code ${error.extensions?.code}`).toBe(true);
  }
  for (const value of sent) {
    if (typeof value === 'string' && value.length >= ECHO_MIN_CHARS) expect(answer.text.includes(value.slice(0, ECHO_MIN_CHARS)), 'echoes a large input').toBe(false);
  }
}

function leaves(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [value];
}

async function send(body: unknown, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${api.app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
  return { status: response.status, text: await response.text() };
}

describe('every operation with arguments, with generated hostile arguments', () => {
  it('covers every mutation of the schema', () => {
    expect(operationsOf(schema.mutationType?.name, 'mutation').length).toBeGreaterThanOrEqual(5);
  });

  it('answers every generated input with a typed error or a result: never a 500, a stack, an undocumented code or an echo', async () => {
    const operations = [...operationsOf(schema.mutationType?.name, 'mutation'), ...operationsOf(schema.queryType?.name, 'query')];
    for (const operation of operations) {
      const variables = fc.record(Object.fromEntries(operation.args.map((arg) => [arg.name, arbitraryFor(arg.type)])));
      const document = `${operation.kind}(${operation.args.map((arg) => `$${arg.name}: ${typeName(arg.type)}`).join(', ')}) { ${operation.name}(${operation.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ')}) ${operation.selection} }`;
      await fc.assert(
        fc.asyncProperty(variables, async (values) => {
          assertSafe(await send({ query: document, variables: values }), leaves(values));
        }),
        { numRuns: RUNS_PER_OPERATION, seed: SEED, endOnFailure: true },
      );
    }
  }, 300_000);
});

describe('hostile documents and requests', () => {
  const cases: Array<[string, () => Promise<Answer>]> = [
    ['a deep query', () => send({ query: `{ ${'nodes { edges { node { providerConnection { '.repeat(8)}id${' } } } }'.repeat(8)} }` })],
    ['many aliases', () => send({ query: `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: viewer { organization { name } }`).join(' ')} }` })],
    ['a batch', () => send(Array.from({ length: 50 }, () => ({ query: '{ viewer { organization { name } } }' })))],
    ['introspection', () => send({ query: getIntrospectionQuery() })],
    ['a 10 MB body', () => send({ query: `{ node(id: "${'x'.repeat(10_000_000)}") { id } }` })],
    ['a 10 MB variable id', () => send({ query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id: 'x'.repeat(10_000_000) } })],
    ['malformed JSON', () => send('{"query": "{ viewer { organization { name } } }", "variables": {"x": SECRET-BODY-TEXT')],
    ['a forged cursor', () => send({ query: 'query($after: String) { nodes(after: $after) { edges { cursor } } }', variables: { after: Buffer.from(JSON.stringify(['2020-01-01T00:00:00Z', 'not-a-uuid'])).toString('base64url') } })],
    ['an unknown operationName', () => send({ query: '{ viewer { organization { name } } }', operationName: 'Nope' })],
    ['no query', () => send({ variables: {} })],
  ];
  for (const [what, run] of cases) {
    it(`${what}: a typed answer`, async () => {
      assertSafe(await run(), []);
    }, 60_000);
  }

  it.each([
    ['malformed variables', 'variables=%7Bnot-json'],
    ['malformed extensions', 'extensions=%7Bnot-json'],
    ['variables that are not an object', 'variables=%5B1%2C2%5D'],
  ])('GET with %s: a typed answer, no echo', async (_what, params) => {
    const response = await fetch(`${api.app.url}/graphql?query=${encodeURIComponent('{ viewer { organization { name } } }')}&${params}`, { headers: { authorization: `Bearer ${api.token}`, accept: 'application/json' } });
    const answer = { status: response.status, text: await response.text() };
    assertSafe(answer, []);
    expect(answer.text).not.toContain('not-json');
  });

  it('malformed JSON is not echoed in extensions.originalError', async () => {
    const answer = await send('{"query": "SECRET-BODY-TEXT');
    assertSafe(answer, []);
    expect(answer.text).not.toContain('SECRET-BODY-TEXT');
    expect(answer.text).not.toContain('originalError');
  });

  it('a 10 MB id is not echoed by node(id:)', async () => {
    const answer = await send({ query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id: `${HUGE}` } });
    assertSafe(answer, [HUGE]);
    expect(answer.text.length).toBeLessThan(2_000);
  });
});
