/**
 * Tenant isolation, enumerated from the schema itself: every query, mutation and subscription
 * (over SSE: its first message) argument that
 * takes an ID, directly or as a field of an input object (at any depth), is called with another
 * organization's ids (its node, its provider connection) and with random ids. The answers must
 * be the same once the id itself is blanked out: another organization's id is not told apart
 * from one that does not exist. A new field or argument that takes an id is covered without a
 * new test.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIntrospectionQuery, type IntrospectionInputTypeRef, type IntrospectionOutputTypeRef, type IntrospectionQuery, type IntrospectionType } from 'graphql';
import { startTestApi, type TestApi } from './api-harness.ts';
import { createConnectionRow, createNodeRow } from './support/node-timelines.ts';
import { sseSubscription } from './support/sse.ts';

/** Valid-looking values for string fields by name, so calls get past input checks to the lookup. */
const STRING_SAMPLES: Record<string, string> = { name: 'iso-1', serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04', token: 'a'.repeat(64), kind: 'HETZNER' };

let api: TestApi;
let types: Map<string, IntrospectionType>;
let schema: IntrospectionQuery['__schema'];
let foreignIds: Record<string, string>;

beforeAll(async () => {
  api = await startTestApi({ organization: 'isolation-a' });
  const other = await api.testDb.db.organization.create({ data: { name: 'isolation-b' } });
  const connectionId = await createConnectionRow(api.testDb.db, other.id, 'theirs');
  const nodeId = await createNodeRow(api.testDb.db, other.id, connectionId);
  foreignIds = { 'their node': nodeId, 'their provider connection': connectionId };
  const { body } = await api.graphql<IntrospectionQuery>(getIntrospectionQuery());
  schema = body.data!.__schema;
  types = new Map(schema.types.map((type) => [type.name, type]));
});
afterAll(async () => { await api.stop(); });

function named(ref: IntrospectionInputTypeRef | IntrospectionOutputTypeRef): string {
  return ref.kind === 'NON_NULL' || ref.kind === 'LIST' ? named(ref.ofType) : ref.name;
}

function typeName(ref: IntrospectionInputTypeRef): string {
  if (ref.kind === 'NON_NULL') return `${typeName(ref.ofType)}!`;
  if (ref.kind === 'LIST') return `[${typeName(ref.ofType)}]`;
  return ref.name;
}

/** A plausible value of an input type, with `idFor(path)` for every ID position. */
function sample(ref: IntrospectionInputTypeRef, path: string, fieldName: string, idFor: (path: string) => string): unknown {
  if (ref.kind === 'NON_NULL') return sample(ref.ofType, path, fieldName, idFor);
  if (ref.kind === 'LIST') return [sample(ref.ofType, `${path}[]`, fieldName, idFor)];
  if (ref.name === 'ID') return idFor(path);
  const type = types.get(ref.name)!;
  if (type.kind === 'ENUM') return type.enumValues[0]!.name;
  if (type.kind === 'INPUT_OBJECT') return Object.fromEntries(type.inputFields.map((field) => [field.name, sample(field.type, `${path}.${field.name}`, field.name, idFor)]));
  if (ref.name === 'Int') return 1;
  if (ref.name === 'Boolean') return false;
  if (ref.name === 'JSON') return {};
  return STRING_SAMPLES[fieldName] ?? 'iso-1';
}

/** Every path (argument, or argument.field…) at which an ID goes in. */
function idPaths(ref: IntrospectionInputTypeRef, path: string, seen = new Set<string>()): string[] {
  if (ref.kind === 'NON_NULL') return idPaths(ref.ofType, path, seen);
  if (ref.kind === 'LIST') return idPaths(ref.ofType, `${path}[]`, seen);
  if (ref.name === 'ID') return [path];
  const type = types.get(ref.name)!;
  if (type.kind !== 'INPUT_OBJECT' || seen.has(type.name)) return [];
  return type.inputFields.flatMap((field) => idPaths(field.type, `${path}.${field.name}`, new Set([...seen, type.name])));
}

interface Target { operation: 'query' | 'mutation' | 'subscription'; field: string; document: string; args: ReadonlyArray<{ name: string; type: IntrospectionInputTypeRef }>; path: string }

function targets(): Target[] {
  const found: Target[] = [];
  for (const [operation, root] of [['query', schema.queryType?.name], ['mutation', schema.mutationType?.name], ['subscription', schema.subscriptionType?.name]] as const) {
    const type = root ? types.get(root) : undefined;
    if (!type || type.kind !== 'OBJECT') continue;
    for (const field of type.fields) {
      const kind = types.get(named(field.type))!.kind;
      // A mutation's result union: its typed errors carry the code (NOT_FOUND) to compare.
      const selection = kind === 'UNION' ? '{ __typename ... on Error { code message } }' : ['OBJECT', 'INTERFACE'].includes(kind) ? '{ __typename }' : '';
      const document = `${operation}(${field.args.map((arg) => `$${arg.name}: ${typeName(arg.type)}`).join(', ')}) { ${field.name}(${field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ')}) ${selection} }`;
      for (const arg of field.args) for (const path of idPaths(arg.type, arg.name)) found.push({ operation, field: field.name, document, args: field.args, path });
    }
  }
  return found;
}

/** Hang guard for a subscription's first message (an unknown id is refused at once). */
const FIRST_MESSAGE_GUARD_MS = 30_000;

async function call(target: Target, id: string): Promise<string> {
  const variables = Object.fromEntries(target.args.map((arg) => [arg.name, sample(arg.type, arg.name, arg.name, (path) => (path === target.path ? id : randomUUID()))]));
  if (target.operation === 'subscription') {
    // Over SSE (what `curl -N` does): the first message, or the end of the stream.
    const controller = new AbortController();
    const guard = setTimeout(() => controller.abort(), FIRST_MESSAGE_GUARD_MS);
    try {
      for await (const message of sseSubscription(api.app.url, target.document, variables, api.token, controller.signal)) {
        return `${message.event} ${JSON.stringify(message.data).replaceAll(id, '<id>')}`;
      }
      return 'ended without a message';
    } catch (error) {
      if (controller.signal.aborted) return 'no message';
      throw error;
    } finally {
      clearTimeout(guard);
      controller.abort();
    }
  }
  const { status, body } = await api.graphql(target.document, variables);
  return `${status} ${JSON.stringify(body).replaceAll(id, '<id>')}`;
}

describe('tenant isolation, from the schema', () => {
  it('finds the id-taking fields (node, providerConnection, the node and connection mutations)', () => {
    const fields = new Set(targets().map((target) => target.field));
    for (const field of ['node', 'providerConnection', 'cancelNode', 'retryNode', 'releaseNode', 'archiveNode', 'createNode', 'deleteProviderConnection', 'rotateProviderToken', 'validateProviderConnection', 'nodeEvents', 'nodeChanged']) {
      expect(fields.has(field), field).toBe(true);
    }
  });

  it('answers another organization’s ids exactly as random ids, at every id-taking position', async () => {
    const differences: string[] = [];
    let notFound = 0;
    for (const target of targets()) {
      for (const [whose, id] of Object.entries(foreignIds)) {
        const [foreign, random] = [await call(target, id), await call(target, randomUUID())];
        if (foreign !== random) differences.push(`${target.operation} ${target.field} (${target.path}) with ${whose}: ${foreign.slice(0, 300)} ≠ ${random.slice(0, 300)}`);
        if (random.includes('NOT_FOUND')) notFound += 1;
      }
    }
    expect(differences).toEqual([]);
    // The comparison reached the lookups (not only input validation).
    expect(notFound).toBeGreaterThan(targets().length);
  }, 120_000);

  it('changed nothing of the other organization', async () => {
    const node = await api.testDb.db.node.findUnique({ where: { id: foreignIds['their node']! } });
    expect(node).toMatchObject({ phase: 'QUEUED', cancelRequestedAt: null, releasedAt: null });
    expect(await api.testDb.db.providerConnection.findUnique({ where: { id: foreignIds['their provider connection']! } })).not.toBeNull();
  });
});
