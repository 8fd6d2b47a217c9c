import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiToken } from '@hangar/core/api-tokens';
import { createLogger } from '@hangar/core/logger';
import { createTestDeps, type TestDeps } from '@hangar/core/testing/test-deps';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import type { Db } from '@hangar/db/client';
import { buildApp, type App } from '../src/app.ts';

// Pins how many SQL statements an operation costs, so an N+1 cannot creep into a resolver:
// the API runs on a Prisma client that counts every operation it sends.
let testDb: TestDatabase;
let deps: TestDeps;
let app: App;
let token: string;
let organizationId: string;
let connectionId: string;
/** `<model>.<operation>` of every Prisma operation since the last reset. */
let operations: string[] = [];
/** How far ahead the token's lastUsedAt is dated (a day: longer than any run). */
const LAST_USED_AHEAD_MS = 86_400_000;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const log = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
  deps = await createTestDeps(testDb, log);
  const counting = testDb.db.$extends({
    query: { $allOperations: ({ model, operation, args, query }) => { operations.push(`${model ?? '$'}.${operation}`); return query(args); } },
  }) as unknown as Db;
  app = buildApp({ deps: { ...deps, db: counting }, databaseUrl: testDb.url, port: 0 });
  await app.start();
  const organization = await testDb.db.organization.create({ data: { name: 'counted' } });
  organizationId = organization.id;
  const minted = await mintApiToken(testDb.db, { organizationId, name: 'counter' });
  token = minted.token;
  // Authentication writes lastUsedAt when it is a minute old; dated ahead, it never is while
  // this file runs, however slow the machine, so no count includes that write.
  await testDb.db.apiToken.update({ where: { id: minted.id }, data: { lastUsedAt: new Date(Date.now() + LAST_USED_AHEAD_MS) } });
  const connection = await testDb.db.providerConnection.create({
    data: { organizationId, name: 'h', kind: 'HETZNER', apiEndpoint: 'http://127.0.0.1:9/v1', tokenSealed: 'x', tokenKeyId: 'k', tokenHint: '…0000', tokenFingerprint: 'f', credentialStatus: 'VALID' },
  });
  connectionId = connection.id;
});
afterAll(async () => {
  await app.stop();
  await deps.stop();
  await testDb.drop();
});

async function addNodes(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const node = await testDb.db.node.create({ data: { organizationId, providerConnectionId: connectionId, name: `n-${Date.now()}-${i}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04', phase: 'RELEASED' } });
    await testDb.db.acquisitionEvent.createMany({ data: [1, 2, 3].map((seq) => ({ nodeId: node.id, seq, phase: 'QUEUED' as const, kind: 'INFO' as const, message: 'm' })) });
  }
}

/** The Prisma operations one request sends (the first is the API token's lookup). */
async function countOperations(query: string): Promise<string[]> {
  operations = [];
  const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { errors?: unknown };
  expect(body.errors).toBeUndefined();
  return [...operations];
}

// A page as the web app asks for it (20 is the default size); armor's cost limit multiplies by `first`.
const NODES_PAGE = `{ nodes(first: 20) {
  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor }
  nodes { id name phase labels { key value } providerConnection { name credentialStatus } events { totalCount nodes { seq kind } } } } }`;

describe('SQL statements per operation', () => {
  it('the nodes page costs the same for 2 nodes as for 12 (no N+1)', async () => {
    await addNodes(2);
    const few = await countOperations(NODES_PAGE);
    await addNodes(10);
    const many = await countOperations(NODES_PAGE);
    expect(many).toEqual(few);
    // The page (with connections and events joined in) and its totalCount.
    expect(few).toEqual(['ApiToken.findUnique', 'Node.findMany', 'Node.count']);
  });

  it('a later page, a backward page and a filtered page cost the same as the first', async () => {
    const first = await countOperations('{ nodes(first: 3) { pageInfo { endCursor } nodes { id } } }');
    const body = await query<{ nodes: { pageInfo: { endCursor: string; startCursor: string } } }>('{ nodes(first: 3) { pageInfo { startCursor endCursor } } }');
    expect(first).toEqual(['ApiToken.findUnique', 'Node.findMany']);
    expect(await countOperations(`{ nodes(first: 3, after: "${body.nodes.pageInfo.endCursor}") { nodes { id } } }`)).toEqual(['ApiToken.findUnique', 'Node.findMany']);
    expect(await countOperations(`{ nodes(last: 3, before: "${body.nodes.pageInfo.endCursor}") { nodes { id } } }`)).toEqual(['ApiToken.findUnique', 'Node.findMany']);
    expect(await countOperations('{ nodes(last: 3, filter: { phase: [RELEASED], nameContains: "n-" }) { totalCount nodes { id } } }')).toEqual(['ApiToken.findUnique', 'Node.findMany', 'Node.count']);
  });

  it('one node with its connection and timeline is a fixed handful of statements', async () => {
    const node = await testDb.db.node.findFirstOrThrow({ where: { organizationId } });
    expect(await countOperations(`{ node(id: "${node.id}") { id providerConnection { name } events { totalCount nodes { seq } } } }`)).toEqual(['ApiToken.findUnique', 'Node.findFirst']);
  });

  it('the provider connections page and the audit trail are one statement each, plus their totalCount', async () => {
    expect(await countOperations('{ providerConnections(first: 10) { totalCount nodes { id name credentialStatus } } }')).toEqual(['ApiToken.findUnique', 'ProviderConnection.findMany', 'ProviderConnection.count']);
    await testDb.db.auditEvent.createMany({ data: [1, 2, 3].map((i) => ({ organizationId, action: 'node.create', targetType: 'Node', targetId: `t-${i}` })) });
    expect(await countOperations('{ auditEvents(first: 10) { totalCount nodes { id action actor { name } } } }')).toEqual(['ApiToken.findUnique', 'AuditEvent.findMany', 'AuditEvent.count']);
  });
});

async function query<T>(text: string): Promise<T> {
  const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });
  const body = (await response.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}
