import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiToken } from '@hangar/core/api-tokens';
import { createLogger } from '@hangar/core/logger';
import { createTestDeps, type TestDeps } from '@hangar/core/testing/test-deps';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import type { Db } from '@hangar/db/client';
import { PrismaClient } from '@hangar/db/generated/prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';
import { getNamedType, isLeafType, isObjectType, type GraphQLObjectType } from 'graphql';
import { buildApp, type App } from '../src/app.ts';
import { schema } from '../src/schema/index.ts';
import { NODES_PAGE_QUERY } from '../bench/bench-support.ts';

// Pins how many SQL statements an operation costs, so an N+1 cannot creep into a resolver:
// the API runs on a Prisma client that counts every operation it sends and logs every SQL
// statement (relations are joined into their operation's statement: relationJoins).
let testDb: TestDatabase;
let deps: TestDeps;
let app: App;
let token: string;
let organizationId: string;
let connectionId: string;
/** `<model>.<operation>` of every Prisma operation since the last reset. */
let operations: string[] = [];
/** Every SQL statement sent since the last reset. */
let statements: string[] = [];
let logged: PrismaClient<'query'>;
/** The API token's lookup (with its organization): one raw statement, the first of every request. */
const AUTH = '$.$queryRaw';
/** How far ahead the token's lastUsedAt is dated (a day: longer than any run). */
const LAST_USED_AHEAD_MS = 86_400_000;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const log = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
  deps = await createTestDeps(testDb, log);
  logged = new PrismaClient({ adapter: new PrismaPg({ connectionString: testDb.url }), log: [{ emit: 'event', level: 'query' }] });
  logged.$on('query', (event) => { statements.push(event.query); });
  const counting = logged.$extends({
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
  await logged.$disconnect();
  await deps.stop();
  await testDb.drop();
});

async function addNodes(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const node = await testDb.db.node.create({ data: { organizationId, providerConnectionId: connectionId, name: `n-${Date.now()}-${i}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04', phase: 'RELEASED' } });
    await testDb.db.acquisitionEvent.createMany({ data: [1, 2, 3].map((seq) => ({ nodeId: node.id, seq, phase: 'QUEUED' as const, kind: 'INFO' as const, message: 'm' })) });
  }
}

/** The table each SQL statement of the last request read (the first it names). */
function tablesRead(): Array<string | undefined> {
  return statements.map((sql) => /FROM "public"\."(\w+)"|FROM "(\w+)"/.exec(sql)?.slice(1).find(Boolean));
}

/** The Prisma operations one request sends (the first is the API token's lookup: `$.$queryRaw`, one statement). */
async function countOperations(query: string): Promise<string[]> {
  operations = [];
  statements = [];
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
    expect(few).toEqual([AUTH, 'Node.findMany', 'Node.count']);
    // In SQL: the relations are joined into the page's statement (relationJoins, prisma/schema.prisma).
    expect(tablesRead()).toEqual(['ApiToken', 'Node', 'Node']);
    const page = statements.find((sql) => sql.includes('LEFT JOIN LATERAL')) ?? '';
    for (const table of ['ProviderConnection', 'AcquisitionEvent']) expect(page).toContain(`FROM "public"."${table}"`);
  });

  it('a later page, a backward page and a filtered page cost the same as the first', async () => {
    const first = await countOperations('{ nodes(first: 3) { pageInfo { endCursor } nodes { id } } }');
    const body = await query<{ nodes: { pageInfo: { endCursor: string; startCursor: string } } }>('{ nodes(first: 3) { pageInfo { startCursor endCursor } } }');
    expect(first).toEqual([AUTH, 'Node.findMany']);
    expect(await countOperations(`{ nodes(first: 3, after: "${body.nodes.pageInfo.endCursor}") { nodes { id } } }`)).toEqual([AUTH, 'Node.findMany']);
    expect(await countOperations(`{ nodes(last: 3, before: "${body.nodes.pageInfo.endCursor}") { nodes { id } } }`)).toEqual([AUTH, 'Node.findMany']);
    expect(await countOperations('{ nodes(last: 3, filter: { phase: [RELEASED], nameContains: "n-" }) { totalCount nodes { id } } }')).toEqual([AUTH, 'Node.findMany', 'Node.count']);
  });

  it('the benchmark’s page of 50 is two SQL statements: the token, the nodes with their connections joined', async () => {
    await addNodes(50);
    expect(await countOperations(NODES_PAGE_QUERY)).toEqual([AUTH, 'Node.findMany']);
    expect(tablesRead()).toEqual(['ApiToken', 'Node']);
    expect(statements[1]).toContain('LEFT JOIN LATERAL');
    expect(statements[1]).toContain('FROM "public"."ProviderConnection"');
  });

  it('a page reads only the columns its selected fields read', async () => {
    const nodeStatement = () => statements.find((sql) => sql.includes('FROM "public"."Node"')) ?? '';
    await countOperations('{ nodes(first: 5) { edges { cursor node { id name } } } }');
    expect(nodeStatement()).toContain('"name"');
    for (const column of ['labels', 'alternatives', 'price', 'error', 'userDataSealed', 'sshKeyIds']) expect(nodeStatement()).not.toContain(`"${column}"`);
    await countOperations('{ nodes(first: 5) { nodes { ...Row } } } fragment Row on Node { labels { key } costSoFar { currency } }');
    for (const column of ['labels', 'price', 'serverCreatedAt', 'phaseEnteredAt']) expect(nodeStatement()).toContain(`"${column}"`);
    expect(nodeStatement()).not.toContain('"alternatives"');
    // The included provider connection too: never its sealed token for a page that shows its name.
    await countOperations('{ nodes(first: 5) { nodes { id providerConnection { name } } } }');
    expect(nodeStatement()).toContain(`'name', "t1"."name"`);
    for (const column of ['tokenSealed', 'tokenKeyId', 'credentialError', 'apiEndpoint']) expect(nodeStatement()).not.toContain(`"${column}"`);
    // A field that does not declare what it reads (credentialError) loads its whole row.
    await countOperations('{ nodes(first: 5) { nodes { id providerConnection { credentialError { code } } } } }');
    expect(nodeStatement()).toContain('"credentialError"');
  });

  it('every field of a node reads the same through a page as through node(id), which loads whole rows', async () => {
    const node = await testDb.db.node.findFirstOrThrow({ where: { organizationId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    await testDb.db.node.update({
      where: { id: node.id },
      data: {
        phase: 'FAILED', labels: { team: 'a', tier: 'b' }, alternatives: [{ serverType: 'cx32', location: 'nbg1' }], requestedLocation: 'hel1', placementIndex: 1,
        price: { serverType: 'cx22', location: 'fsn1', hourly: { net: '0.0080', gross: '0.0095', currency: 'EUR' }, monthly: { net: '4.5100', gross: '5.3700', currency: 'EUR' } },
        serverCreatedAt: new Date(Date.now() - 3_600_000), providerServerId: '42', providerServerName: 'n-42', ipv4: '203.0.113.9', ipv6: '2001:db8::/64',
        error: { code: 'PROVIDER_UNAVAILABLE', message: 'down', retryable: true }, sshKeyNames: ['k'], sshKeyIds: ['7'], networkIds: ['3'], firewallIds: ['4'],
        userDataKind: 'SCRIPT', userDataBytes: 12, userDataSha256: 'ab'.repeat(32), userDataSealed: 'sealed', lastHeartbeatAt: new Date(), lastHeartbeatHealthy: true, registeredAt: new Date(),
      },
    });
    const selection = selectionOf(schema.getType('Node') as GraphQLObjectType, 0);
    const viaPage = await query<{ nodes: { nodes: unknown[] } }>(`{ nodes(first: 1) { nodes ${selection} } }`);
    const viaNode = await query<{ node: unknown }>(`{ node(id: "${node.id}") ${selection} }`);
    expect(viaPage.nodes.nodes[0]).toEqual(viaNode.node);
    expect(viaNode.node).toMatchObject({ labels: [{ key: 'team', value: 'a' }, { key: 'tier', value: 'b' }], error: { code: 'PROVIDER_UNAVAILABLE' }, userData: { bytes: 12 } });
  });

  it('one node with its connection and timeline is a fixed handful of statements', async () => {
    const node = await testDb.db.node.findFirstOrThrow({ where: { organizationId } });
    expect(await countOperations(`{ node(id: "${node.id}") { id providerConnection { name } events { totalCount nodes { seq } } } }`)).toEqual([AUTH, 'Node.findFirst']);
    expect(tablesRead()).toEqual(['ApiToken', 'Node']);
  });

  it('the provider connections page and the audit trail are one statement each, plus their totalCount', async () => {
    expect(await countOperations('{ providerConnections(first: 10) { totalCount nodes { id name credentialStatus } } }')).toEqual([AUTH, 'ProviderConnection.findMany', 'ProviderConnection.count']);
    await testDb.db.auditEvent.createMany({ data: [1, 2, 3].map((i) => ({ organizationId, action: 'node.create', targetType: 'Node', targetId: `t-${i}` })) });
    expect(await countOperations('{ auditEvents(first: 10) { totalCount nodes { id action actor { name } } } }')).toEqual([AUTH, 'AuditEvent.findMany', 'AuditEvent.count']);
  });
});

async function query<T>(text: string): Promise<T> {
  const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });
  const body = (await response.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

/** A selection of every field of `type` that takes no required argument, objects one level down: leaves only there, so no provider call (costSoFar's "now" aside, a row's fields are deterministic). */
function selectionOf(type: GraphQLObjectType, depth: number): string {
  const fields = Object.values(type.getFields()).filter((field) => field.name !== 'costSoFar' && field.args.every((arg) => arg.type.toString().slice(-1) !== '!'));
  const parts = fields.flatMap((field) => {
    const named = getNamedType(field.type);
    if (isLeafType(named)) return [field.name];
    if (isObjectType(named) && depth < 1) return [`${field.name} ${selectionOf(named, depth + 1)}`];
    return [];
  });
  return `{ ${parts.join(' ')} }`;
}
