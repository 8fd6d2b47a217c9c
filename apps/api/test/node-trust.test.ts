/**
 * Issue 11 ("no action can strand a billable server"), through the real API, the real worker
 * jobs and the Hetzner simulator over HTTP: a token of another project is refused while the
 * connection holds servers (and the node then releases cleanly), release verifies a server's
 * absence by id and by label, archiveNode, Node.canRelease, and retryNode with a new placement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiToken } from '@hangar/core/api-tokens';
import { NODE_ID_LABEL } from '@hangar/core/server-labels';
import { startAcquisitionEnv, type AcquisitionEnv } from '../../../packages/core/test/support/acquisition-env.ts';
import { createProject, type SimProject } from '../../../packages/providers/test/support/simulator.ts';
import { errorSelection, payloadOf, typedErrorOf } from './support/results.ts';

type Result<T = Record<string, unknown>> = { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };

let env: AcquisitionEnv;
let otherOrgToken: string;
/** Generous: the machine is loaded; a test waits for a state, it does not measure time. */
const SETTLE_MS = 120_000;

async function graphql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, token = env.apiToken): Promise<Result<T>> {
  const response = await fetch(`${env.app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Result<T>;
}

const NODE_FIELDS = 'id name phase location serverType image providerServerId health canRelease archivedAt';
const ROTATE = `mutation($id: ID!, $token: String!) { rotateProviderToken(input: { id: $id, token: $token }) {
  ... on RotateProviderTokenPayload { providerConnection { id tokenHint credentialStatus } } ${errorSelection({ validation: true, conflict: true, provider: true })} } }`;
const RELEASE = `mutation($id: ID!) { releaseNode(input: { id: $id }) { ... on ReleaseNodePayload { node { ${NODE_FIELDS} } } ${errorSelection({ conflict: true })} } }`;
const ARCHIVE = `mutation($id: ID!) { archiveNode(input: { id: $id }) { ... on ArchiveNodePayload { node { ${NODE_FIELDS} } } ${errorSelection({ conflict: true })} } }`;
const RETRY = `mutation($input: RetryNodeInput!) { retryNode(input: $input) { ... on RetryNodePayload { node { ${NODE_FIELDS} } } ${errorSelection({ validation: true, conflict: true, provider: true })} } }`;
const NODE = `query($id: ID!) { node(id: $id) { ${NODE_FIELDS} events(first: 100) { nodes { seq phase kind message } } } }`;
const NODES = `query($filter: NodeFilter) { nodes(first: 100, filter: $filter) { nodes { id } } }`;

type NodeView = { id: string; phase: string; location: string; serverType: string; providerServerId: string | null; health: string | null; canRelease: boolean; archivedAt: string | null };

async function nodeView(id: string): Promise<NodeView & { events: { nodes: Array<{ seq: number; phase: string; kind: string; message: string }> } }> {
  const result = await graphql<{ node: NodeView & { events: { nodes: Array<{ seq: number; phase: string; kind: string; message: string }> } } }>(NODE, { id });
  expect(result.errors).toBeUndefined();
  return result.data!.node;
}

/** A server the simulator project still has (not deleted). */
async function liveServers(projectId: number): Promise<Array<{ id: number; labels: Record<string, string> }>> {
  return (await env.simServers(undefined, projectId)).filter((server) => !server.deleted);
}

/** Calls the simulator's Hetzner API with a project token, as someone outside Hangar would. */
async function hetzner(project: SimProject, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${env.sim.url}/v1${path}`, { method, headers: { authorization: `Bearer ${project.token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}

beforeAll(async () => {
  env = await startAcquisitionEnv({ deadlineScale: 0.05 });
  const other = await env.testDb.db.organization.create({ data: { name: `trust-other-${Math.random().toString(36).slice(2, 8)}` } });
  otherOrgToken = (await mintApiToken(env.testDb.db, { organizationId: other.id, name: 'other' })).token;
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

describe('token rotation keeps sight of every server', () => {
  it('refuses another project’s token while a READY node holds a server; nothing changes and the node then releases cleanly', async () => {
    const node = await env.createNode();
    const ready = await env.waitForPhase(node.id, 'READY', SETTLE_MS);
    const serverId = ready.providerServerId!;
    expect(serverId).toBeTruthy();
    const before = await env.testDb.db.providerConnection.findUniqueOrThrow({ where: { id: env.connection.id } });
    const elsewhere = await createProject(env.sim);

    const refused = typedErrorOf(await graphql(ROTATE, { id: env.connection.id, token: elsewhere.token }), 'rotateProviderToken');
    expect(refused).toMatchObject({ __typename: 'ConflictError', code: 'PROVIDER_TOKEN_CANNOT_MANAGE_SERVERS' });
    expect(refused.message).toContain(`server ${serverId}`);
    expect(refused.message).toMatch(/another provider project/);
    expect(refused.message).not.toContain(elsewhere.token);

    // A read-only token of the right project cannot delete the server: refused too.
    const readOnly = typedErrorOf(await graphql(ROTATE, { id: env.connection.id, token: env.project.readOnlyToken }), 'rotateProviderToken');
    expect(readOnly).toMatchObject({ __typename: 'ConflictError', code: 'PROVIDER_TOKEN_CANNOT_MANAGE_SERVERS' });
    expect(readOnly.message).toMatch(/PROVIDER_READ_ONLY_TOKEN/);

    // Nothing changed: the same token, status and check; no rotation in the audit trail.
    const after = await env.testDb.db.providerConnection.findUniqueOrThrow({ where: { id: env.connection.id } });
    expect(after).toMatchObject({ tokenFingerprint: before.tokenFingerprint, tokenSealed: before.tokenSealed, tokenHint: before.tokenHint, credentialStatus: 'VALID' });
    expect(await env.testDb.db.auditEvent.count({ where: { targetId: env.connection.id, action: 'provider_connection.rotate_token' } })).toBe(0);

    // The same project's token sees the server: accepted.
    const same = payloadOf<{ providerConnection: { credentialStatus: string } }>(await graphql(ROTATE, { id: env.connection.id, token: env.project.token }), 'rotateProviderToken');
    expect(same.providerConnection.credentialStatus).toBe('VALID');

    // Release deletes the server with the token in force; no server is left in either project.
    payloadOf(await graphql(RELEASE, { id: node.id }), 'releaseNode');
    await env.waitForPhase(node.id, 'RELEASED', SETTLE_MS);
    const released = await nodeView(node.id);
    expect(released.events.nodes.at(-1)?.message).toBe(`released: the provider confirmed the delete of server ${serverId}`);
    expect((await liveServers(env.project.id)).filter((server) => server.labels[NODE_ID_LABEL] === node.id)).toEqual([]);
    expect(await liveServers(elsewhere.id)).toEqual([]);
  });

  it('refuses while a node is creating its server (its server cannot be checked yet)', async () => {
    const { connection, project } = await env.newConnection();
    await env.testDb.db.node.create({
      data: { organizationId: env.actor.organizationId, providerConnectionId: connection.id, name: 'mid-create', serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04', phase: 'CREATING_SERVER' },
    });
    const refused = typedErrorOf(await graphql(ROTATE, { id: connection.id, token: project.token }), 'rotateProviderToken');
    expect(refused).toMatchObject({ __typename: 'ConflictError', code: 'PROVIDER_TOKEN_CANNOT_MANAGE_SERVERS' });
    expect(refused.message).toMatch(/"mid-create" is creating its server right now/);
    await env.testDb.db.node.deleteMany({ where: { providerConnectionId: connection.id } });
  });

  it('accepts any token while the connection holds no server', async () => {
    const { connection } = await env.newConnection();
    const elsewhere = await createProject(env.sim);
    const rotated = payloadOf<{ providerConnection: { credentialStatus: string; tokenHint: string } }>(await graphql(ROTATE, { id: connection.id, token: elsewhere.token }), 'rotateProviderToken');
    expect(rotated.providerConnection).toMatchObject({ credentialStatus: 'VALID', tokenHint: `…${elsewhere.token.slice(-4)}` });
  });
});

describe('release verifies before it says a server is gone', () => {
  it('finds a server whose labels were removed outside Hangar by its id, and deletes it', async () => {
    const node = await env.createNode();
    const ready = await env.waitForPhase(node.id, 'READY', SETTLE_MS);
    const serverId = ready.providerServerId!;
    expect((await hetzner(env.project, 'PUT', `/servers/${serverId}`, { labels: {} })).status).toBe(200);

    payloadOf(await graphql(RELEASE, { id: node.id }), 'releaseNode');
    await env.waitForPhase(node.id, 'RELEASED', SETTLE_MS);
    const messages = (await nodeView(node.id)).events.nodes.map((event) => event.message);
    expect(messages).toContain(`server ${serverId} deleted`);
    expect(messages.at(-1)).toBe(`released: the provider confirmed the delete of server ${serverId}`);
    const server = (await env.simServers(undefined, env.project.id)).find((one) => String(one.id) === serverId);
    expect(server?.deleted).toBe(true);
  });

  it('says what it looked up when the server was deleted outside Hangar', async () => {
    const node = await env.createNode();
    const ready = await env.waitForPhase(node.id, 'READY', SETTLE_MS);
    const serverId = ready.providerServerId!;
    expect((await hetzner(env.project, 'DELETE', `/servers/${serverId}`)).status).toBeLessThan(300);
    await expect.poll(async () => (await liveServers(env.project.id)).some((server) => String(server.id) === serverId), { timeout: SETTLE_MS }).toBe(false);

    payloadOf(await graphql(RELEASE, { id: node.id }), 'releaseNode');
    await env.waitForPhase(node.id, 'RELEASED', SETTLE_MS);
    const last = (await nodeView(node.id)).events.nodes.at(-1)?.message;
    expect(last).toBe(
      `released: the provider has no server for it (checked with the connection's token: server ${serverId} looked up by id: not found; servers labelled ${NODE_ID_LABEL}=${node.id}: none)`,
    );
  });
});

describe('archiveNode and canRelease', () => {
  it('archives a node at rest with no server: it leaves the default list, a filter shows it, the timeline stays', async () => {
    const node = await env.createNode();
    await env.waitForPhase(node.id, 'READY', SETTLE_MS);
    expect((await nodeView(node.id)).canRelease).toBe(true);
    const busy = typedErrorOf(await graphql(ARCHIVE, { id: node.id }), 'archiveNode');
    expect(busy).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect(busy.message).toMatch(/release it first/);

    payloadOf(await graphql(RELEASE, { id: node.id }), 'releaseNode');
    await env.waitForPhase(node.id, 'RELEASED', SETTLE_MS);
    const released = await nodeView(node.id);
    expect(released).toMatchObject({ canRelease: false, health: null, providerServerId: null });
    const eventsBefore = released.events.nodes.length;

    const archived = payloadOf<{ node: NodeView }>(await graphql(ARCHIVE, { id: node.id }), 'archiveNode').node;
    expect(archived.archivedAt).not.toBeNull();
    // Archiving twice answers the node as it is.
    expect(payloadOf<{ node: NodeView }>(await graphql(ARCHIVE, { id: node.id }), 'archiveNode').node.archivedAt).toBe(archived.archivedAt);
    const listed = (filter?: Record<string, unknown>) => graphql<{ nodes: { nodes: Array<{ id: string }> } }>(NODES, { filter }).then((result) => result.data!.nodes.nodes.map((one) => one.id));
    expect(await listed()).not.toContain(node.id);
    expect(await listed({ archived: false })).not.toContain(node.id);
    expect(await listed({ archived: true })).toContain(node.id);
    const timeline = (await nodeView(node.id)).events.nodes;
    expect(timeline.length).toBe(eventsBefore + 1);
    expect(timeline.at(-1)).toMatchObject({ phase: 'RELEASED', kind: 'INFO' });
  });

  it('answers NOT_FOUND for another organization’s node, a forged id or a hostile string, without echoing it', async () => {
    const node = await env.createNode();
    for (const [id, token] of [[node.id, otherOrgToken], ['00000000-0000-4000-8000-000000000000', env.apiToken], [`x\u0000${'y'.repeat(10 * 1024 * 1024)}`, env.apiToken]] as const) {
      const response = await graphql(ARCHIVE, { id }, token);
      const error = typedErrorOf(response, 'archiveNode');
      expect(error).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
      expect(error.message).not.toMatch(/yyyy/);
    }
    await env.waitForPhase(node.id, 'READY', SETTLE_MS);
    payloadOf(await graphql(RELEASE, { id: node.id }), 'releaseNode');
    await env.waitForPhase(node.id, 'RELEASED', SETTLE_MS);
  });
});

describe('retryNode may change the placement', () => {
  it('retries a FAILED node in another location and server type, checked against the catalog', async () => {
    await env.addFault({ method: 'POST', path: '/servers', error: 'resource_unavailable', times: 1 });
    const node = await env.createNode();
    const failed = await env.waitForPhase(node.id, 'FAILED', SETTLE_MS);
    expect((failed.error as { code: string }).code).toBe('PROVIDER_CAPACITY_UNAVAILABLE');
    expect((await nodeView(node.id)).canRelease).toBe(false);
    const shown = await graphql<{ node: { error: { retryable: boolean; hint: string } } }>('query($id: ID!) { node(id: $id) { error { retryable hint } } }', { id: node.id });
    expect(shown.data?.node.error.retryable).toBe(true);
    expect(shown.data?.node.error.hint).toMatch(/another location or server type/);
    expect(shown.data?.node.error.hint).not.toMatch(/automatically/);

    // A placement outside the catalog is a ValidationError naming the field; nothing changes.
    const bad = typedErrorOf(await graphql(RETRY, { input: { id: node.id, serverType: 'cx99' } }), 'retryNode');
    expect(bad).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED', path: ['input', 'serverType'] });
    const hostile = typedErrorOf(await graphql(RETRY, { input: { id: node.id, location: `nbg1\u0000${'z'.repeat(10 * 1024 * 1024)}` } }), 'retryNode');
    expect(hostile).toMatchObject({ __typename: 'ValidationError', path: ['input', 'location'] });
    expect(hostile.message).not.toMatch(/zzzz/);
    expect(typedErrorOf(await graphql(RETRY, { input: { id: node.id, location: 'nbg1' } }, otherOrgToken), 'retryNode')).toMatchObject({ code: 'NOT_FOUND' });
    expect(await env.testDb.db.node.findUniqueOrThrow({ where: { id: node.id } })).toMatchObject({ phase: 'FAILED', location: 'fsn1', serverType: 'cx22' });

    const retried = payloadOf<{ node: NodeView }>(await graphql(RETRY, { input: { id: node.id, location: 'nbg1', serverType: 'cx32' } }), 'retryNode').node;
    expect(retried).toMatchObject({ location: 'nbg1', serverType: 'cx32', image: 'ubuntu-24.04' });
    const ready = await env.waitForPhase(node.id, 'READY', SETTLE_MS);
    const [server] = (await env.simServers(node.id)).filter((one) => !one.deleted);
    expect(server).toBeDefined();
    const described = (await (await hetzner(env.project, 'GET', `/servers/${ready.providerServerId}`)).json()) as { server: { server_type: { name: string }; datacenter: { location: { name: string } } } };
    expect(described.server.server_type.name).toBe('cx32');
    expect(described.server.datacenter.location.name).toBe('nbg1');
    const retryEvent = (await nodeView(node.id)).events.nodes.find((event) => event.message.startsWith('retrying: attempt 2'));
    expect(retryEvent?.message).toMatch(/with cx32, nbg1 \(was cx22, fsn1\)/);

    payloadOf(await graphql(RELEASE, { id: node.id }), 'releaseNode');
    await env.waitForPhase(node.id, 'RELEASED', SETTLE_MS);
  });
});
