/**
 * The node mutations over GraphQL (createNode, cancelNode, retryNode, releaseNode): input
 * validation with typed errors naming the field, organization scoping, and one acquisition end
 * to end through the real API, the real worker jobs and the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiToken } from '@hangar/core/api-tokens';
import { recordCredentialCheck } from '@hangar/core/provider-connections';
import { HAPPY_PATH } from '@hangar/domain/phases';
import { startAcquisitionEnv, type AcquisitionEnv } from '../../../packages/core/test/support/acquisition-env.ts';
import { errorSelection, payloadOf, typedErrorOf, type TypedError } from './support/results.ts';

type GraphQLError = { message: string; extensions?: { code?: string; field?: string } };

function invalid(...path: string[]) {
  return { __typename: 'ValidationError', code: 'VALIDATION_FAILED', path: ['input', ...path] };
}
type Result<T> = { data?: T | null; errors?: GraphQLError[] };

let env: AcquisitionEnv;
let otherToken: string;

async function graphql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, token = env.apiToken, status = 200): Promise<Result<T>> {
  const response = await fetch(`${env.app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(status);
  return (await response.json()) as Result<T>;
}

const NODE_FIELDS = 'id name phase attempt providerServerId ipv4 ipv6 readyAt cancelRequestedAt releasedAt health canRelease archivedAt error { code message retryable hint provider { code providerCode httpStatus } }';
const CREATE = `mutation($input: CreateNodeInput!) { createNode(input: $input) { ... on CreateNodePayload { node { ${NODE_FIELDS} } } ${errorSelection({ validation: true, conflict: true, provider: true })} } }`;
type NodePayload = { node: Record<string, unknown> & { id: string } };

/** `cancelNode`, `retryNode` or `releaseNode` on one node, selecting `fields` of the node. */
function nodeMutation(mutation: 'cancelNode' | 'retryNode' | 'releaseNode', fields = 'id phase'): string {
  const input = `${mutation[0]?.toUpperCase()}${mutation.slice(1)}Input`;
  return `mutation($id: ID!) { ${mutation}(input: { id: $id }) { ... on ${input.replace('Input', 'Payload')} { node { ${fields} } } ${errorSelection({ conflict: true })} } }`;
}

async function created(overrides: Record<string, unknown> = {}): Promise<string> {
  return payloadOf<NodePayload>(await graphql(CREATE, { input: input(overrides) }), 'createNode').node.id;
}

let names = 0;
function input(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  names += 1;
  return { providerConnectionId: env.connection.id, name: `api-${names}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04', ...overrides };
}

async function createError(overrides: Record<string, unknown>, token?: string): Promise<TypedError> {
  return typedErrorOf(await graphql(CREATE, { input: input(overrides) }, token), 'createNode');
}

async function pollPhase(id: string, phase: string, timeoutMs = 90_000): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const result = await graphql<{ node: Record<string, unknown> }>(`query($id: ID!) { node(id: $id) { ${NODE_FIELDS} events { totalCount nodes { seq phase kind message progress attempt } } } }`, { id });
    const node = result.data?.node;
    if (node?.phase === phase) return node;
    if (Date.now() > until) throw new Error(`node ${id} is ${String(node?.phase)}, not ${phase}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  env = await startAcquisitionEnv({ deadlineScale: 0.05 });
  const other = await env.testDb.db.organization.create({ data: { name: 'other-org' } });
  otherToken = (await mintApiToken(env.testDb.db, { organizationId: other.id, name: 'other' })).token;
});
afterAll(async () => {
  await env?.stop();
});

describe('createNode validation', () => {
  it('names the field of an invalid input', async () => {
    for (const name of ['Web-1', '-web', 'web_1', 'a'.repeat(64), '']) {
      expect(await createError({ name })).toMatchObject(invalid('name'));
    }
    expect(await createError({ serverType: 'cx99' })).toMatchObject(invalid('serverType'));
    const notHere = await createError({ serverType: 'cx22', location: 'ash' });
    expect(notHere).toMatchObject(invalid('serverType'));
    expect(notHere.message).toMatch(/not offered in ash/);
    expect(await createError({ serverType: 'cx11' })).toMatchObject(invalid('serverType'));
    expect(await createError({ location: 'mars1' })).toMatchObject(invalid('location'));
    expect(await createError({ image: 'ubuntu-20.04' })).toMatchObject(invalid('image'));
    expect(await createError({ labels: [{ key: 'team', value: 'web' }, { key: 'hangar.dev/node-id', value: 'x' }] })).toMatchObject(invalid('labels', '1', 'key'));
    expect(await createError({ labels: [{ key: 'team', value: 'not ok!' }] })).toMatchObject(invalid('labels', '0', 'value'));
    expect(await createError({ labels: [{ key: 'team', value: 'a' }, { key: 'team', value: 'b' }] })).toMatchObject(invalid('labels', '1', 'key'));
    expect(await createError({ labels: Array.from({ length: 33 }, (_, i) => ({ key: `k${i}`, value: 'v' })) })).toMatchObject(invalid('labels'));
    // A hostile key is refused without being echoed.
    const hostile = await createError({ labels: [{ key: `x${'\u0000'.repeat(3)}${'y'.repeat(100_000)}`, value: 'v' }] });
    expect(hostile).toMatchObject(invalid('labels', '0', 'key'));
    expect(hostile.message).not.toMatch(/yyyy/);
    expect(await createError({ sshKeyNames: ['a', 'a'] })).toMatchObject(invalid('sshKeyNames'));
    // Labels that are not key/value entries do not fit the schema: a top-level BAD_REQUEST.
    const untyped = await graphql(CREATE, { input: input({ labels: { team: 7 } }) }, env.apiToken, 400);
    expect(untyped.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(await env.testDb.db.node.count({ where: { name: { startsWith: 'api-' } } })).toBe(0);
  });

  it('refuses a connection that is not VALID, saying its status and the fix', async () => {
    await recordCredentialCheck(env.deps, env.connection.id, { status: 'INVALID', error: { code: 'PROVIDER_AUTH_FAILED', message: 'token revoked', retryable: false, providerCode: 'unauthorized', httpStatus: 401, requestId: null } });
    try {
      const error = await createError({});
      expect(error).toMatchObject(invalid('providerConnectionId'));
      expect(error.message).toMatch(/INVALID/);
      expect(error.message).toMatch(/rotateProviderToken/);
    } finally {
      await recordCredentialCheck(env.deps, env.connection.id, { status: 'VALID', error: null });
    }
  });

  it('another organization’s connection, or a malformed id, is NOT_FOUND', async () => {
    for (const [overrides, token] of [[{}, otherToken], [{ providerConnectionId: 'not-a-uuid' }], [{ providerConnectionId: '00000000-0000-4000-8000-000000000000' }]] as const) {
      expect(await createError(overrides, token)).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    }
  });

  it('a catalog the provider cannot serve is the PROVIDER_* code, and nothing is created', async () => {
    const { project, connection } = await env.newConnection();
    await env.addFault({ projectId: project.id, method: 'GET', path: '/server_types', error: { code: 'maintenance', message: 'catalog under maintenance' } });
    const error = await createError({ providerConnectionId: connection.id });
    expect(error).toMatchObject({ __typename: 'ProviderError', code: 'PROVIDER_MAINTENANCE', providerCode: 'maintenance', httpStatus: 403, retryable: true });
    expect(error.hint).toMatch(/maintenance window/);
    expect(error.message).toMatch(/maintenance/);
    expect(await env.testDb.db.node.count({ where: { providerConnectionId: connection.id } })).toBe(0);
    await env.clearFaults();
  });

  it('a provider out of request budget is a RateLimitedError with retryAfterSeconds', async () => {
    const { project, connection } = await env.newConnection();
    await env.addFault({ projectId: project.id, method: 'GET', path: '/server_types', error: { code: 'rate_limit_exceeded', message: 'limit reached' } });
    const error = await createError({ providerConnectionId: connection.id });
    expect(error).toMatchObject({ __typename: 'RateLimitedError', code: 'PROVIDER_RATE_LIMITED', retryAfterSeconds: expect.any(Number), provider: { code: 'PROVIDER_RATE_LIMITED' } });
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(await env.testDb.db.node.count({ where: { providerConnectionId: connection.id } })).toBe(0);
    await env.clearFaults();
  });

  it('a name taken by a live node is CONFLICT on name; a cancelled node frees its name', async () => {
    const firstId = await created({ name: 'dup' });
    // The node, its event and its job are one transaction: a refused insert sends no job. Counted
    // as the nodes that have node_provision jobs (singleton key = node id): the first node's own
    // follow-up jobs (its first step hands its slot back) may be sent meanwhile.
    const jobs = async () => (await env.testDb.db.$queryRaw<Array<{ n: number }>>`SELECT count(DISTINCT singleton_key)::int AS n FROM pgboss.job WHERE name = 'node_provision'`)[0]?.n;
    const before = await jobs();
    expect(before).toBeGreaterThan(0);
    expect(await createError({ name: 'dup' })).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', path: ['input', 'name'] });
    expect(await jobs()).toBe(before);
    const cancelled = payloadOf<NodePayload>(await graphql(nodeMutation('cancelNode', 'phase cancelRequestedAt'), { id: firstId }), 'cancelNode');
    expect(cancelled.node.cancelRequestedAt).toEqual(expect.any(String));
    await pollPhase(firstId, 'CANCELLED');
    const againId = await created({ name: 'dup' });
    const audit = await env.testDb.db.auditEvent.findMany({ where: { targetId: firstId }, orderBy: { id: 'asc' } });
    expect(audit.map((row) => row.action)).toEqual(['node.create', 'node.cancel']);
    payloadOf(await graphql(nodeMutation('cancelNode'), { id: againId }), 'cancelNode');
  });
});

describe('organization scoping', () => {
  it('every node mutation and query answers NOT_FOUND for another organization’s node', async () => {
    const id = await created();
    for (const mutation of ['cancelNode', 'retryNode', 'releaseNode'] as const) {
      expect(typedErrorOf(await graphql(nodeMutation(mutation), { id }, otherToken), mutation), mutation).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
      expect(typedErrorOf(await graphql(nodeMutation(mutation), { id: 'nope' }), mutation), mutation).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    }
    const query = await graphql('query($id: ID!) { node(id: $id) { id } }', { id }, otherToken);
    expect(query.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Nothing happened to the node.
    const node = await env.testDb.db.node.findUniqueOrThrow({ where: { id } });
    expect(node.cancelRequestedAt).toBeNull();
    payloadOf(await graphql(nodeMutation('cancelNode'), { id }), 'cancelNode');
    await pollPhase(id, 'CANCELLED');
  });

  it('mutations need an API token', async () => {
    const response = await fetch(`${env.app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: CREATE, variables: { input: input() } }) });
    const body = (await response.json()) as Result<unknown>;
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('an acquisition through the API', () => {
  it('createNode → READY → releaseNode → RELEASED, with the state conflicts a person can hit', async () => {
    const { node } = payloadOf<NodePayload>(await graphql(CREATE, { input: input({ labels: [{ key: 'team', value: 'api' }, { key: 'example.com/tier', value: '' }] }) }), 'createNode');
    expect(node).toMatchObject({ phase: 'QUEUED', attempt: 1, error: null, health: null, canRelease: false, archivedAt: null });
    const id = node.id;
    const labels = await graphql<{ node: { labels: unknown } }>('query($id: ID!) { node(id: $id) { labels { key value } } }', { id });
    expect(labels.data?.node.labels).toEqual([{ key: 'example.com/tier', value: '' }, { key: 'team', value: 'api' }]);

    const ready = await pollPhase(id, 'READY');
    expect(ready).toMatchObject({ health: 'HEALTHY', canRelease: true, error: null });
    expect(ready.ipv4).toEqual(expect.any(String));
    expect(ready.ipv6).toEqual(expect.any(String));
    const { nodes: events, totalCount } = ready.events as { totalCount: number; nodes: Array<{ kind: string; phase: string }> };
    expect(totalCount).toBe(events.length);
    expect(events.filter((event) => event.kind === 'PHASE_ENTERED').map((event) => event.phase)).toEqual(HAPPY_PATH);

    const conflicts = [
      typedErrorOf(await graphql(nodeMutation('cancelNode'), { id }), 'cancelNode'),
      typedErrorOf(await graphql(nodeMutation('retryNode'), { id }), 'retryNode'),
    ];
    for (const error of conflicts) expect(error).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', path: [] });
    expect(conflicts[0]?.message).toMatch(/releaseNode/);

    const releasing = payloadOf<NodePayload>(await graphql(nodeMutation('releaseNode'), { id }), 'releaseNode');
    expect(releasing.node.phase).toBe('RELEASING');
    const released = await pollPhase(id, 'RELEASED');
    expect(released.releasedAt).toEqual(expect.any(String));
    expect((await env.simServers(id)).filter((server) => !server.deleted)).toEqual([]);
    const audit = await env.testDb.db.auditEvent.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((row) => row.action)).toEqual(['node.create', 'node.release']);
    expect(audit.every((row) => row.apiTokenId !== null)).toBe(true);
  });

  it('a failed node shows its error with the hint, and retryNode starts attempt 2', async () => {
    await env.addFault({ method: 'POST', path: '/servers', error: { code: 'resource_unavailable', message: 'cx22 sold out in fsn1' }, times: 1 });
    const id = await created();
    const failed = await pollPhase(id, 'FAILED');
    expect(failed.error).toMatchObject({
      code: 'PROVIDER_CAPACITY_UNAVAILABLE',
      retryable: true,
      hint: expect.stringMatching(/another location or server type/),
      provider: { code: 'PROVIDER_CAPACITY_UNAVAILABLE', providerCode: 'resource_unavailable', httpStatus: 412 },
    });
    const retried = payloadOf<NodePayload>(await graphql(nodeMutation('retryNode', 'phase attempt error { code }'), { id }), 'retryNode');
    expect(retried.node).toEqual({ phase: 'QUEUED', attempt: 2, error: null });
    expect((await env.testDb.db.auditEvent.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } })).map((row) => row.action)).toEqual(['node.create', 'node.retry']);
    await pollPhase(id, 'READY');
    payloadOf(await graphql(nodeMutation('releaseNode'), { id }), 'releaseNode');
    await pollPhase(id, 'RELEASED');
  });
});
