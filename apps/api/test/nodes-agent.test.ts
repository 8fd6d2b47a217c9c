/**
 * The machine-facing routes of the bootstrap contract, POST /agent/register and
 * POST /agent/heartbeat, over HTTP against the real API: clear 4xx answers for a machine's
 * mistakes (never a 500), single-use expiring tokens, and the phase moves they cause.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node } from '@hangar/db/generated/prisma/client';
import { hashSecret, newRegistrationToken } from '@hangar/core/bootstrap';
import { startTestApi, type TestApi } from './api-harness.ts';

let api: TestApi;
let connectionId: string;
let names = 0;

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${api.app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A node in `phase` holding a fresh registration token (as the phase driver leaves it). */
async function nodeWithToken(phase: Node['phase'], extra: Partial<Node> = {}): Promise<{ node: Node; token: string }> {
  const { token, hash } = newRegistrationToken();
  names += 1;
  const node = await api.testDb.db.node.create({
    data: {
      organizationId: api.organizationId,
      providerConnectionId: connectionId,
      name: `agent-${names}`,
      serverType: 'cx22',
      location: 'fsn1',
      image: 'ubuntu-24.04',
      phase,
      providerServerId: '4711',
      registrationTokenHash: hash,
      ...(extra as object),
    },
  });
  return { node, token };
}

const registration = (token: string, serverId: number | string = 4711) => ({ registrationToken: token, serverId, hostname: 'web-1', ipv4: '203.0.113.7', ipv6: '2001:db8::1' });

beforeAll(async () => {
  api = await startTestApi({ organization: 'agent-org' });
  const connection = await api.testDb.db.providerConnection.create({
    data: {
      organizationId: api.organizationId,
      name: 'sim',
      kind: 'HETZNER',
      apiEndpoint: 'http://127.0.0.1:1/v1',
      tokenSealed: api.deps.keyring.seal('x'.repeat(64)),
      tokenKeyId: api.deps.keyring.currentKeyId,
      tokenHint: '…xxxx',
      tokenFingerprint: 'f'.repeat(16),
      credentialStatus: 'VALID',
    },
  });
  connectionId = connection.id;
});
afterAll(async () => {
  await api?.stop();
});

describe('malformed calls', () => {
  it('answers 400/401/404/405/413 with a code and a message, never 500', async () => {
    expect(await post('/agent/register', '{not json')).toMatchObject({ status: 400, body: { error: { code: 'INVALID_JSON' } } });
    expect(await post('/agent/register', '')).toMatchObject({ status: 400, body: { error: { code: 'INVALID_JSON' } } });
    const missing = await post('/agent/register', {});
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'INVALID_BODY' } } });
    expect(String((missing.body.error as { message: string }).message)).toMatch(/registrationToken/);
    expect(await post('/agent/register', { registrationToken: 'rt_x', serverId: -1 })).toMatchObject({ status: 400 });
    expect(await post('/agent/register', { registrationToken: 'rt_x', serverId: 1, ipv4: 'not-an-ip' })).toMatchObject({ status: 400 });
    expect(await post('/agent/register', { registrationToken: 'rt_unknown', serverId: 1 })).toMatchObject({ status: 401, body: { error: { code: 'UNKNOWN_TOKEN' } } });
    expect(await post('/agent/register', 'x'.repeat(20_000))).toMatchObject({ status: 413 });
    expect(await post('/agent/nope', {})).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const get = await fetch(`${api.app.url}/agent/register`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await post('/agent/heartbeat', { healthy: true })).toMatchObject({ status: 401, body: { error: { code: 'MISSING_CREDENTIAL' } } });
    expect(await post('/agent/heartbeat', { healthy: true }, { authorization: 'Bearer nc_unknown' })).toMatchObject({ status: 401, body: { error: { code: 'UNKNOWN_CREDENTIAL' } } });
    expect(await post('/agent/heartbeat', { healthy: 'yes' }, { authorization: 'Bearer nc_unknown' })).toMatchObject({ status: 400 });
  });
});

describe('registration and heartbeats', () => {
  it('register → WAITING_FOR_READINESS, an unhealthy heartbeat changes nothing, the first healthy one → READY', async () => {
    const { node, token } = await nodeWithToken('PROVISIONING');
    const registered = await post('/agent/register', registration(token));
    expect(registered.status).toBe(200);
    expect(registered.body).toEqual({ nodeId: node.id, nodeCredential: expect.stringMatching(/^nc_[A-Za-z0-9_-]{40,}$/), heartbeatIntervalMs: expect.any(Number) });
    const credential = registered.body.nodeCredential as string;
    let row = await api.testDb.db.node.findUniqueOrThrow({ where: { id: node.id } });
    expect(row.phase).toBe('WAITING_FOR_READINESS');
    expect(row.nodeCredentialHash).toBe(hashSecret(credential));
    expect(row.registeredAt).toBeInstanceOf(Date);

    // Single use: the same token again is 410.
    expect(await post('/agent/register', registration(token))).toMatchObject({ status: 410, body: { error: { code: 'TOKEN_USED' } } });

    const auth = { authorization: `Bearer ${credential}` };
    expect(await post('/agent/heartbeat', { healthy: false, uptimeSeconds: 3 }, auth)).toMatchObject({ status: 200, body: { nodeId: node.id, phase: 'WAITING_FOR_READINESS' } });
    row = await api.testDb.db.node.findUniqueOrThrow({ where: { id: node.id } });
    expect(row).toMatchObject({ phase: 'WAITING_FOR_READINESS', lastHeartbeatHealthy: false });
    expect(await post('/agent/heartbeat', { healthy: true, uptimeSeconds: 4 }, auth)).toMatchObject({ status: 200, body: { phase: 'READY' } });
    row = await api.testDb.db.node.findUniqueOrThrow({ where: { id: node.id } });
    expect(row.phase).toBe('READY');
    expect(row.readyAt).toBeInstanceOf(Date);
    const before = row.lastHeartbeatAt?.getTime() ?? 0;
    // The next heartbeat comes at a later instant: wait for the clock to pass this one.
    while (Date.now() <= before) await new Promise((resolve) => setImmediate(resolve));
    expect(await post('/agent/heartbeat', { healthy: true }, auth)).toMatchObject({ status: 200, body: { phase: 'READY' } });
    row = await api.testDb.db.node.findUniqueOrThrow({ where: { id: node.id } });
    expect(row.lastHeartbeatAt?.getTime()).toBeGreaterThan(before);

    const events = await api.testDb.db.acquisitionEvent.findMany({ where: { nodeId: node.id }, orderBy: { seq: 'asc' } });
    expect(events.map((event) => [event.seq, event.phase, event.kind])).toEqual([
      [1, 'WAITING_FOR_READINESS', 'PHASE_ENTERED'],
      [2, 'READY', 'PHASE_ENTERED'],
    ]);
    // No secret reached the timeline or the log.
    const logs = api.logLines.join('');
    for (const secret of [token, credential]) {
      expect(logs).not.toContain(secret);
      expect(JSON.stringify(events.map((event) => event.message))).not.toContain(secret);
    }

    // The node is released: the machine is told to stop.
    await api.testDb.db.node.update({ where: { id: node.id }, data: { phase: 'RELEASED' } });
    expect(await post('/agent/heartbeat', { healthy: true }, auth)).toMatchObject({ status: 410, body: { error: { code: 'MACHINE_NOT_WANTED' } } });
  });

  it('a machine faster than the driver registers early: the fact is kept, the phase is not skipped', async () => {
    const { node, token } = await nodeWithToken('WAITING_FOR_SERVER');
    const registered = await post('/agent/register', registration(token));
    expect(registered.status).toBe(200);
    const credential = registered.body.nodeCredential as string;
    expect(await post('/agent/heartbeat', { healthy: true }, { authorization: `Bearer ${credential}` })).toMatchObject({ status: 200, body: { phase: 'WAITING_FOR_SERVER' } });
    const row = await api.testDb.db.node.findUniqueOrThrow({ where: { id: node.id } });
    expect(row).toMatchObject({ phase: 'WAITING_FOR_SERVER', lastHeartbeatHealthy: true });
    expect(row.registeredAt).toBeInstanceOf(Date);
    const events = await api.testDb.db.acquisitionEvent.findMany({ where: { nodeId: node.id } });
    expect(events.map((event) => [event.kind, event.phase])).toEqual([['INFO', 'WAITING_FOR_SERVER']]);
  });

  it('expired tokens, tokens of another server, and nodes that no longer want a machine are refused', async () => {
    // Expired: the phase has used its whole deadline on the phase clock (the wall clock does not count).
    const expired = await nodeWithToken('PROVISIONING', { phaseUsedMs: 2 ** 31 - 1, phaseClockAt: new Date() });
    expect(await post('/agent/register', registration(expired.token))).toMatchObject({ status: 410, body: { error: { code: 'TOKEN_EXPIRED' } } });
    // Not expired: the node's last clock renewal was an hour ago (no worker since: Hangar was
    // down), longer than every deadline on the wall clock, but the phase clock has time left.
    const afterOutage = await nodeWithToken('PROVISIONING', { phaseUsedMs: 0, phaseClockAt: new Date(Date.now() - 60 * 60_000) });
    expect(await post('/agent/register', registration(afterOutage.token))).toMatchObject({ status: 200 });
    const other = await nodeWithToken('PROVISIONING');
    expect(await post('/agent/register', registration(other.token, 9999))).toMatchObject({ status: 409, body: { error: { code: 'SERVER_MISMATCH' } } });
    for (const phase of ['FAILED', 'CANCELLED', 'RELEASING'] as const) {
      const gone = await nodeWithToken(phase);
      expect(await post('/agent/register', registration(gone.token))).toMatchObject({ status: 410, body: { error: { code: 'MACHINE_NOT_WANTED' } } });
    }
    // A node being cancelled takes the registration but does not move on.
    const cancelling = await nodeWithToken('PROVISIONING', { cancelRequestedAt: new Date() });
    expect((await post('/agent/register', registration(cancelling.token))).status).toBe(200);
    expect((await api.testDb.db.node.findUniqueOrThrow({ where: { id: cancelling.node.id } })).phase).toBe('PROVISIONING');
  });
});
