/**
 * Relay connections over the real API and Postgres: nodes (with filters), a node's events,
 * provider connections and the audit trail page forward and backward with full PageInfo and
 * totalCount; a page size out of bounds or a cursor this API did not issue is a top-level
 * VALIDATION_FAILED naming the argument (never a clamp, an empty page or a 500, never an echo).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiToken } from '@hangar/core/api-tokens';
import { startTestApi, type TestApi } from './api-harness.ts';

let api: TestApi;
let connectionId: string;
let otherConnectionId: string;
let otherToken: string;
/** Node names, newest first (the order `nodes` lists them in). */
const newestFirst: string[] = [];

interface Page<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
}

const PAGE_INFO = 'totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { name } } nodes { name }';

async function nodesPage(args: Record<string, unknown>, token?: string): Promise<Page<{ name: string }>> {
  const { body } = await api.graphql<{ nodes: Page<{ name: string }> }>(
    `query($first: Int, $after: String, $last: Int, $before: String, $filter: NodeFilter) { nodes(first: $first, after: $after, last: $last, before: $before, filter: $filter) { ${PAGE_INFO} } }`,
    args,
    token,
  );
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data?.nodes as Page<{ name: string }>;
}

function names(page: Page<{ name: string }>): string[] {
  expect(page.edges.map((edge) => edge.node.name)).toEqual(page.nodes.map((node) => node.name));
  return page.nodes.map((node) => node.name);
}

function connection(organizationId: string, name: string) {
  return api.testDb.db.providerConnection.create({
    data: { organizationId, name, kind: 'HETZNER', apiEndpoint: 'http://127.0.0.1:9/v1', tokenSealed: 'x', tokenKeyId: 'k', tokenHint: '…0000', tokenFingerprint: `f-${name}`, credentialStatus: 'VALID' },
  });
}

beforeAll(async () => {
  api = await startTestApi();
  connectionId = (await connection(api.organizationId, 'main')).id;
  otherConnectionId = (await connection(api.organizationId, 'second')).id;
  const base = Date.parse('2026-01-01T00:00:00Z');
  const specs = [
    ['web-1', 'READY', connectionId],
    ['web-2', 'FAILED', connectionId],
    ['db-1', 'READY', otherConnectionId],
    ['Web-3-never', 'RELEASED', connectionId],
    ['batch-1', 'QUEUED', connectionId],
  ] as const;
  for (const [index, [name, phase, providerConnectionId]] of specs.entries()) {
    const node = await api.testDb.db.node.create({
      data: { organizationId: api.organizationId, providerConnectionId, name: name.toLowerCase(), serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04', phase, createdAt: new Date(base + index * 1000) },
    });
    await api.testDb.db.acquisitionEvent.createMany({ data: [1, 2, 3, 4, 5].map((seq) => ({ nodeId: node.id, seq, phase: 'QUEUED' as const, kind: 'INFO' as const, message: `event ${seq}` })) });
    newestFirst.unshift(name.toLowerCase());
  }
  const other = await api.testDb.db.organization.create({ data: { name: 'other' } });
  otherToken = (await mintApiToken(api.testDb.db, { organizationId: other.id, name: 'other' })).token;
  const foreign = await connection(other.id, 'foreign');
  await api.testDb.db.node.create({ data: { organizationId: other.id, providerConnectionId: foreign.id, name: 'web-foreign', serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' } });
});
afterAll(async () => {
  await api?.stop();
});

describe('nodes: Relay paging', () => {
  it('first/after walks forward, newest first, with full PageInfo and totalCount', async () => {
    const first = await nodesPage({ first: 2 });
    expect(names(first)).toEqual(newestFirst.slice(0, 2));
    expect(first.totalCount).toBe(5);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0]?.cursor, endCursor: first.edges[1]?.cursor });
    const second = await nodesPage({ first: 2, after: first.pageInfo.endCursor });
    expect(names(second)).toEqual(newestFirst.slice(2, 4));
    expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const third = await nodesPage({ first: 2, after: second.pageInfo.endCursor });
    expect(names(third)).toEqual(newestFirst.slice(4));
    expect(third.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('last/before walks backward from the end', async () => {
    const last = await nodesPage({ last: 2 });
    expect(names(last)).toEqual(newestFirst.slice(3));
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = await nodesPage({ last: 2, before: last.pageInfo.startCursor });
    expect(names(before)).toEqual(newestFirst.slice(1, 3));
    expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const start = await nodesPage({ last: 2, before: before.pageInfo.startCursor });
    expect(names(start)).toEqual(newestFirst.slice(0, 1));
    expect(start.pageInfo.hasPreviousPage).toBe(false);
  });

  it('filters by phase, connection and name (case-insensitive), within the organization only', async () => {
    expect(names(await nodesPage({ filter: { phase: ['READY'] } }))).toEqual(['db-1', 'web-1']);
    const byConnection = await nodesPage({ filter: { providerConnectionId: otherConnectionId } });
    expect([names(byConnection), byConnection.totalCount]).toEqual([['db-1'], 1]);
    expect(names(await nodesPage({ filter: { nameContains: 'WEB' } }))).toEqual(['web-3-never', 'web-2', 'web-1']);
    expect(names(await nodesPage({ filter: { nameContains: 'web', phase: ['READY', 'FAILED'], providerConnectionId: connectionId } }))).toEqual(['web-2', 'web-1']);
    // Another organization sees only its own; our connection id (or a malformed one) matches nothing for it.
    expect(names(await nodesPage({}, otherToken))).toEqual(['web-foreign']);
    expect((await nodesPage({ filter: { providerConnectionId: connectionId } }, otherToken)).totalCount).toBe(0);
    expect((await nodesPage({ filter: { providerConnectionId: 'not-a-uuid' } })).totalCount).toBe(0);
    // `%` and `_` are text, not patterns.
    expect((await nodesPage({ filter: { nameContains: '%' } })).totalCount).toBe(0);
  });
});

describe('bounds and cursors are validated', () => {
  async function topLevelError(query: string, variables: Record<string, unknown>) {
    const { status, body } = await api.graphql(query, variables);
    expect(status).toBe(200);
    expect(body.data?.[Object.keys(body.data ?? {})[0] ?? ''] ?? null).toBeNull();
    expect(body.errors).toHaveLength(1);
    return body.errors?.[0] as { message: string; extensions?: Record<string, unknown> };
  }
  const NODES = 'query($first: Int, $after: String, $last: Int, $before: String) { nodes(first: $first, after: $after, last: $last, before: $before) { totalCount } }';

  it.each([
    [{ first: 100_000 }, 'first'],
    [{ first: 101 }, 'first'],
    [{ first: 0 }, 'first'],
    [{ last: 1_000 }, 'last'],
    [{ first: 2, last: 2 }, 'last'],
    [{ first: 2, before: 'x' }, 'before'],
    [{ after: 'x', before: 'x' }, 'before'],
  ])('%j is VALIDATION_FAILED on %s', async (variables, field) => {
    expect((await topLevelError(NODES, variables)).extensions).toEqual({ code: 'VALIDATION_FAILED', field });
  });

  it('a negative size is VALIDATION_FAILED too', async () => {
    expect((await topLevelError(NODES, { first: -1 })).extensions).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it.each([
    ['garbage', 'garbage'],
    ['base64 of something else', Buffer.from('hello').toString('base64')],
    ['a cursor-shaped non-id', Buffer.from('GPC:S:not-a-uuid').toString('base64')],
    ['a cursor of another kind (a number)', Buffer.from('GPC:N:42').toString('base64')],
    ['NUL bytes', 'a\u0000b'],
    ['10 MB', 'A'.repeat(10 * 1024 * 1024)],
  ])('a forged after cursor (%s) is VALIDATION_FAILED, never echoed', async (_label, cursor) => {
    const error = await topLevelError(NODES, { first: 2, after: cursor });
    expect(error.extensions).toEqual({ code: 'VALIDATION_FAILED', field: 'after' });
    expect(error.message).not.toContain(cursor.slice(0, 12));
  });

  it('an events cursor is not a nodes cursor, and the other way round', async () => {
    const page = await api.graphql<{ nodes: { nodes: Array<{ events: { pageInfo: { endCursor: string } } }>; pageInfo: { endCursor: string } } }>(
      '{ nodes(first: 1) { pageInfo { endCursor } nodes { events(first: 2) { pageInfo { endCursor } } } } }',
    );
    const nodeCursor = page.body.data?.nodes.pageInfo.endCursor as string;
    const eventCursor = page.body.data?.nodes.nodes[0]?.events.pageInfo.endCursor as string;
    expect((await topLevelError(NODES, { first: 2, after: eventCursor })).extensions).toEqual({ code: 'VALIDATION_FAILED', field: 'after' });
    const nested = await api.graphql('query($after: String) { nodes(first: 1) { nodes { events(first: 2, after: $after) { totalCount } } } }', { after: nodeCursor });
    expect(nested.body.errors?.[0]?.extensions).toEqual({ code: 'VALIDATION_FAILED', field: 'after' });
  });
});

describe('a node’s events', () => {
  it('page by seq, oldest first, both ways', async () => {
    type Events = { node: { events: Page<{ seq: number }> } };
    const id = (await api.testDb.db.node.findFirstOrThrow({ where: { name: 'web-1' } })).id;
    const query = 'query($id: ID!, $first: Int, $after: String, $last: Int) { node(id: $id) { events(first: $first, after: $after, last: $last) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { seq } } } }';
    const first = (await api.graphql<Events>(query, { id, first: 2 })).body.data?.node.events as Page<{ seq: number }>;
    expect(first.nodes.map((event) => event.seq)).toEqual([1, 2]);
    expect(first.totalCount).toBe(5);
    const next = (await api.graphql<Events>(query, { id, first: 2, after: first.pageInfo.endCursor })).body.data?.node.events as Page<{ seq: number }>;
    expect(next.nodes.map((event) => event.seq)).toEqual([3, 4]);
    const last = (await api.graphql<Events>(query, { id, last: 2 })).body.data?.node.events as Page<{ seq: number }>;
    expect(last.nodes.map((event) => event.seq)).toEqual([4, 5]);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});

describe('provider connections and the audit trail', () => {
  it('providerConnections pages oldest first', async () => {
    const { body } = await api.graphql<{ providerConnections: Page<{ name: string }> }>('{ providerConnections(first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { name } } }');
    expect(body.data?.providerConnections).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true }, nodes: [{ name: 'main' }] });
    const after = body.data?.providerConnections.pageInfo.endCursor;
    const next = await api.graphql<{ providerConnections: Page<{ name: string }> }>('query($after: String) { providerConnections(first: 1, after: $after) { pageInfo { hasNextPage } nodes { name } } }', { after });
    expect(next.body.data?.providerConnections).toMatchObject({ pageInfo: { hasNextPage: false }, nodes: [{ name: 'second' }] });
  });

  it('auditEvents lists who did what, newest first, filtered, and only for the organization', async () => {
    const db = api.testDb.db;
    await db.auditEvent.createMany({
      data: [
        { organizationId: api.organizationId, apiTokenId: api.apiTokenId, action: 'node.create', targetType: 'Node', targetId: 'n-1', details: { name: 'web-1' } },
        { organizationId: api.organizationId, apiTokenId: null, action: 'node.server_reconciled', targetType: 'Node', targetId: 'n-1' },
        { organizationId: api.organizationId, apiTokenId: api.apiTokenId, action: 'provider_connection.create', targetType: 'ProviderConnection', targetId: 'c-1' },
      ],
    });
    type Audit = { auditEvents: Page<{ action: string; targetId: string; actor: { name: string } | null; details: unknown }> };
    const query = 'query($filter: AuditEventFilter, $first: Int) { auditEvents(first: $first, filter: $filter) { totalCount pageInfo { hasNextPage } nodes { action targetId actor { name } details } } }';
    const all = (await api.graphql<Audit>(query, {})).body.data?.auditEvents;
    expect(all?.nodes.map((event) => event.action)).toEqual(['provider_connection.create', 'node.server_reconciled', 'node.create']);
    expect(all?.nodes[1]?.actor).toBeNull();
    expect(all?.nodes[2]).toMatchObject({ actor: { name: 'test' }, details: { name: 'web-1' } });
    const onNode = (await api.graphql<Audit>(query, { filter: { targetId: 'n-1', actions: ['node.create'] } })).body.data?.auditEvents;
    expect(onNode?.nodes.map((event) => event.action)).toEqual(['node.create']);
    expect(onNode?.totalCount).toBe(1);
    const paged = (await api.graphql<Audit>(query, { first: 1 })).body.data?.auditEvents;
    expect(paged).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    expect((await api.graphql<Audit>(query, {}, otherToken)).body.data?.auditEvents.totalCount).toBe(0);
    const tooLong = await api.graphql(query, { filter: { targetType: 'x'.repeat(65) } });
    expect(tooLong.body.errors?.[0]?.extensions).toEqual({ code: 'VALIDATION_FAILED', field: 'filter.targetType' });
  });
});
