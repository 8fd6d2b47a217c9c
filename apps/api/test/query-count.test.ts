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
let operations = 0;
/** How far ahead the token's lastUsedAt is dated (a day: longer than any run). */
const LAST_USED_AHEAD_MS = 86_400_000;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const log = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
  deps = await createTestDeps(testDb, log);
  const counting = testDb.db.$extends({
    query: { $allOperations: ({ args, query }) => { operations += 1; return query(args); } },
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

async function countOperations(query: string): Promise<number> {
  operations = 0;
  const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { errors?: unknown };
  expect(body.errors).toBeUndefined();
  return operations;
}

const NODES_PAGE = '{ nodes(first: 50) { edges { cursor node { id name phase providerConnection { name credentialStatus } events { seq kind } } } pageInfo { hasNextPage } } }';

describe('SQL statements per operation', () => {
  it('the nodes page costs the same for 2 nodes as for 12 (no N+1)', async () => {
    await addNodes(2);
    const few = await countOperations(NODES_PAGE);
    await addNodes(10);
    const many = await countOperations(NODES_PAGE);
    expect(many).toBe(few);
    expect(few).toBeLessThanOrEqual(6);
  });

  it('one node with its connection and timeline is a fixed handful of statements', async () => {
    const node = await testDb.db.node.findFirstOrThrow({ where: { organizationId } });
    expect(await countOperations(`{ node(id: "${node.id}") { id providerConnection { name } events { seq } } }`)).toBeLessThanOrEqual(5);
  });
});
