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

type GraphQLError = { message: string; extensions?: { code?: string; field?: string } };
type Result<T> = { data?: T | null; errors?: GraphQLError[] };

let env: AcquisitionEnv;
let otherToken: string;

async function graphql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, token = env.apiToken): Promise<Result<T>> {
  const response = await fetch(`${env.app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Result<T>;
}

const NODE_FIELDS = 'id name phase attempt providerServerId ipv4 ipv6 readyAt cancelRequestedAt releasedAt heartbeatOverdue error { code message retryable hint provider { code providerCode httpStatus } }';
const CREATE = `mutation($input: CreateNodeInput!) { createNode(input: $input) { ${NODE_FIELDS} } }`;

let names = 0;
function input(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  names += 1;
  return { providerConnectionId: env.connection.id, name: `api-${names}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04', ...overrides };
}

async function createError(overrides: Record<string, unknown>, token?: string): Promise<GraphQLError> {
  const result = await graphql(CREATE, { input: input(overrides) }, token);
  expect(result.data ?? null).toBeNull();
  expect(result.errors).toHaveLength(1);
  return result.errors?.[0] as GraphQLError;
}

async function pollPhase(id: string, phase: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const result = await graphql<{ node: Record<string, unknown> }>(`query($id: ID!) { node(id: $id) { ${NODE_FIELDS} events { seq phase kind message progress attempt } } }`, { id });
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
      expect(await createError({ name })).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'name' } });
    }
    expect(await createError({ serverType: 'cx99' })).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'serverType' } });
    const notHere = await createError({ serverType: 'cx22', location: 'ash' });
    expect(notHere).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'serverType' } });
    expect(notHere.message).toMatch(/not offered in ash/);
    expect(await createError({ serverType: 'cx11' })).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'serverType' } });
    expect(await createError({ location: 'mars1' })).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'location' } });
    expect(await createError({ image: 'ubuntu-20.04' })).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'image' } });
    expect(await createError({ labels: ['a'] })).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'labels' } });
    expect(await createError({ labels: { 'hangar.dev/node-id': 'x' } })).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'labels' } });
    expect(await createError({ labels: { team: 7 } })).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'labels' } });
    expect(await createError({ sshKeyNames: ['a', 'a'] })).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'sshKeyNames' } });
    expect(await env.testDb.db.node.count({ where: { name: { startsWith: 'api-' } } })).toBe(0);
  });

  it('refuses a connection that is not VALID, saying its status and the fix', async () => {
    await recordCredentialCheck(env.deps, env.connection.id, { status: 'INVALID', error: { code: 'PROVIDER_AUTH_FAILED', message: 'token revoked', retryable: false, providerCode: 'unauthorized', httpStatus: 401, requestId: null } });
    try {
      const error = await createError({});
      expect(error).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'providerConnectionId' } });
      expect(error.message).toMatch(/INVALID/);
      expect(error.message).toMatch(/rotateProviderToken/);
    } finally {
      await recordCredentialCheck(env.deps, env.connection.id, { status: 'VALID', error: null });
    }
  });

  it('another organization’s connection, or a malformed id, is NOT_FOUND', async () => {
    expect(await createError({}, otherToken)).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(await createError({ providerConnectionId: 'not-a-uuid' })).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(await createError({ providerConnectionId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });

  it('a catalog the provider cannot serve is the PROVIDER_* code, and nothing is created', async () => {
    const { project, connection } = await env.newConnection();
    await env.addFault({ projectId: project.id, method: 'GET', path: '/server_types', error: { code: 'maintenance', message: 'catalog under maintenance' } });
    const error = await createError({ providerConnectionId: connection.id });
    expect(error.extensions?.code).toBe('PROVIDER_MAINTENANCE');
    expect(error.message).toMatch(/maintenance/);
    expect(await env.testDb.db.node.count({ where: { providerConnectionId: connection.id } })).toBe(0);
    await env.clearFaults();
  });

  it('a name taken by a live node is CONFLICT on name; a cancelled node frees its name', async () => {
    const first = await graphql<{ createNode: { id: string; name: string } }>(CREATE, { input: input({ name: 'dup' }) });
    expect(first.errors).toBeUndefined();
    // The node, its event and its job are one transaction: a refused insert sends no job.
    const jobs = async () => (await env.testDb.db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'node_provision'`)[0]?.n;
    const before = await jobs();
    expect(before).toBeGreaterThan(0);
    expect(await createError({ name: 'dup' })).toMatchObject({ extensions: { code: 'CONFLICT', field: 'name' } });
    expect(await jobs()).toBe(before);
    const cancelled = await graphql<{ cancelNode: { phase: string } }>('mutation($id: ID!) { cancelNode(id: $id) { phase cancelRequestedAt } }', { id: first.data?.createNode.id });
    expect(cancelled.errors).toBeUndefined();
    await pollPhase(first.data?.createNode.id as string, 'CANCELLED');
    const again = await graphql(CREATE, { input: input({ name: 'dup' }) });
    expect(again.errors).toBeUndefined();
    const audit = await env.testDb.db.auditEvent.findMany({ where: { targetId: first.data?.createNode.id }, orderBy: { id: 'asc' } });
    expect(audit.map((row) => row.action)).toEqual(['node.create', 'node.cancel']);
    await graphql('mutation($id: ID!) { cancelNode(id: $id) { phase } }', { id: (again.data as { createNode: { id: string } }).createNode.id });
  });
});

describe('organization scoping', () => {
  it('every node mutation and query answers NOT_FOUND for another organization’s node', async () => {
    const created = await graphql<{ createNode: { id: string } }>(CREATE, { input: input() });
    const id = created.data?.createNode.id as string;
    for (const mutation of ['cancelNode', 'retryNode', 'releaseNode']) {
      const result = await graphql(`mutation($id: ID!) { ${mutation}(id: $id) { id phase } }`, { id }, otherToken);
      expect(result.errors?.[0]?.extensions?.code, mutation).toBe('NOT_FOUND');
      const malformed = await graphql(`mutation($id: ID!) { ${mutation}(id: $id) { id } }`, { id: 'nope' });
      expect(malformed.errors?.[0]?.extensions?.code, mutation).toBe('NOT_FOUND');
    }
    const query = await graphql('query($id: ID!) { node(id: $id) { id } }', { id }, otherToken);
    expect(query.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Nothing happened to the node.
    const node = await env.testDb.db.node.findUniqueOrThrow({ where: { id } });
    expect(node.cancelRequestedAt).toBeNull();
    await graphql('mutation($id: ID!) { cancelNode(id: $id) { phase } }', { id });
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
    const created = await graphql<{ createNode: Record<string, unknown> }>(CREATE, { input: input({ labels: { team: 'api' } }) });
    expect(created.errors).toBeUndefined();
    expect(created.data?.createNode).toMatchObject({ phase: 'QUEUED', attempt: 1, error: null, heartbeatOverdue: false });
    const id = created.data?.createNode.id as string;

    const ready = await pollPhase(id, 'READY');
    expect(ready).toMatchObject({ heartbeatOverdue: false, error: null });
    expect(ready.ipv4).toEqual(expect.any(String));
    expect(ready.ipv6).toEqual(expect.any(String));
    const events = ready.events as Array<{ kind: string; phase: string }>;
    expect(events.filter((event) => event.kind === 'PHASE_ENTERED').map((event) => event.phase)).toEqual(HAPPY_PATH);

    const conflicts = [
      await graphql('mutation($id: ID!) { cancelNode(id: $id) { phase } }', { id }),
      await graphql('mutation($id: ID!) { retryNode(id: $id) { phase } }', { id }),
    ];
    for (const result of conflicts) expect(result.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(conflicts[0]?.errors?.[0]?.message).toMatch(/releaseNode/);

    const releasing = await graphql<{ releaseNode: { phase: string } }>('mutation($id: ID!) { releaseNode(id: $id) { phase } }', { id });
    expect(releasing.data?.releaseNode.phase).toBe('RELEASING');
    const released = await pollPhase(id, 'RELEASED');
    expect(released.releasedAt).toEqual(expect.any(String));
    expect((await env.simServers(id)).filter((server) => !server.deleted)).toEqual([]);
    const audit = await env.testDb.db.auditEvent.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((row) => row.action)).toEqual(['node.create', 'node.release']);
    expect(audit.every((row) => row.apiTokenId !== null)).toBe(true);
  });

  it('a failed node shows its error with the hint, and retryNode starts attempt 2', async () => {
    await env.addFault({ method: 'POST', path: '/servers', error: { code: 'resource_unavailable', message: 'cx22 sold out in fsn1' }, times: 1 });
    const created = await graphql<{ createNode: { id: string } }>(CREATE, { input: input() });
    const id = created.data?.createNode.id as string;
    const failed = await pollPhase(id, 'FAILED');
    expect(failed.error).toMatchObject({
      code: 'PROVIDER_CAPACITY_UNAVAILABLE',
      retryable: true,
      hint: expect.stringMatching(/another location or server type/),
      provider: { code: 'PROVIDER_CAPACITY_UNAVAILABLE', providerCode: 'resource_unavailable', httpStatus: 412 },
    });
    const retried = await graphql<{ retryNode: { phase: string; attempt: number; error: unknown } }>('mutation($id: ID!) { retryNode(id: $id) { phase attempt error { code } } }', { id });
    expect(retried.data?.retryNode).toEqual({ phase: 'QUEUED', attempt: 2, error: null });
    expect((await env.testDb.db.auditEvent.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } })).map((row) => row.action)).toEqual(['node.create', 'node.retry']);
    await pollPhase(id, 'READY');
    await graphql('mutation($id: ID!) { releaseNode(id: $id) { phase } }', { id });
    await pollPhase(id, 'RELEASED');
  });
});
