/**
 * The acquisition engine end to end: createNode (core use case), the real node_provision job on
 * pg-boss, the Hetzner simulator over HTTP (fast speed) playing the provider and the machine,
 * the real API answering the machine's /agent calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAPPY_PATH } from '@hangar/domain/phases';
import type { NodeError } from '@hangar/domain/node-errors';
import { ATTEMPT_LABEL, CONNECTION_ID_LABEL, NODE_ID_LABEL, ORGANIZATION_ID_LABEL } from '../src/server-labels.ts';
import { cancelNode, releaseNode, retryNode } from '../src/nodes.ts';
import { phasesOf, secretsIn, startAcquisitionEnv, type AcquisitionEnv } from './support/acquisition-env.ts';

let env: AcquisitionEnv;

beforeAll(async () => {
  env = await startAcquisitionEnv({ deadlineScale: 0.05 });
});
afterAll(async () => {
  await env?.stop();
});

describe('happy path', () => {
  it('enters the phases in order, shows monotonic progress and ends READY with addresses', async () => {
    const created = await env.createNode({ labels: { team: 'web' } });
    expect(created.phase).toBe('QUEUED');
    const node = await env.waitForPhase(created.id, 'READY');

    const events = await env.events(node.id);
    expect(phasesOf(events)).toEqual(HAPPY_PATH);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    const progress = events.filter((event) => event.kind === 'PROGRESS').map((event) => event.progress as number);
    expect(progress.length).toBeGreaterThan(0);
    for (const [index, value] of progress.entries()) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(100);
      if (index > 0) expect(value).toBeGreaterThan(progress[index - 1] as number);
    }
    expect(events.filter((event) => event.kind === 'PROGRESS').every((event) => event.phase === 'WAITING_FOR_SERVER')).toBe(true);

    expect(node.ipv4).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(node.ipv6).toMatch(/^[0-9a-f:]+::1$/);
    expect(node.readyAt).toBeInstanceOf(Date);
    expect(node.registeredAt).toBeInstanceOf(Date);
    expect(node.lastHeartbeatHealthy).toBe(true);
    expect(node.error).toBeNull();

    const servers = await env.simServers(node.id);
    expect(servers).toHaveLength(1);
    const [server] = servers;
    expect(String(server?.id)).toBe(node.providerServerId);
    expect(server?.name).toBe(node.providerServerName);
    expect(server?.name).toMatch(new RegExp(`^${created.name}-[0-9a-f]{8}$`));
    expect(server?.labels).toMatchObject({
      [NODE_ID_LABEL]: node.id,
      [ORGANIZATION_ID_LABEL]: env.actor.organizationId,
      [CONNECTION_ID_LABEL]: env.connection.id,
      [ATTEMPT_LABEL]: '1',
      team: 'web',
    });
    expect(server?.boot?.state).toBe('heartbeating');
    expect(server?.boot?.nodeId).toBe(node.id);

    // Secrets are stored hashed only and never reach the timeline or the logs.
    expect(node.registrationTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(node.nodeCredentialHash).toMatch(/^[0-9a-f]{64}$/);
    expect(secretsIn(JSON.stringify(events.map(({ message, error }) => ({ message, error }))))).toEqual([]);
    expect(secretsIn(env.logLines.join(''))).toEqual([]);
  });
});

describe('release', () => {
  it('RELEASING → RELEASED deletes the server at the provider and keeps the row', async () => {
    const created = await env.createNode();
    await env.waitForPhase(created.id, 'READY');
    const releasing = await releaseNode(env.deps, env.actor, created.id);
    expect(releasing.phase).toBe('RELEASING');
    const released = await env.waitForPhase(created.id, 'RELEASED');
    expect(released.releasedAt).toBeInstanceOf(Date);
    expect(released.providerServerId).toBeNull();
    const servers = await env.simServers(created.id);
    expect(servers).toHaveLength(1);
    expect(servers.every((server) => server.deleted)).toBe(true);
    const events = await env.events(created.id);
    expect(phasesOf(events).slice(-2)).toEqual(['RELEASING', 'RELEASED']);
    expect(events.some((event) => event.kind === 'INFO' && /deleting server/.test(event.message))).toBe(true);
    // The machine is told to stop: its heartbeats now get 410.
    const audit = await env.testDb.db.auditEvent.findMany({ where: { targetId: created.id }, orderBy: { id: 'asc' } });
    expect(audit.map((row) => row.action)).toEqual(['node.create', 'node.release']);
  });
});

describe('cancel', () => {
  it('cancel during WAITING_FOR_SERVER ends CANCELLED with zero servers at the simulator', async () => {
    const fault = await env.addFault({ neverRunning: true, times: 1 });
    const created = await env.createNode();
    await env.waitForPhase(created.id, 'WAITING_FOR_SERVER');
    const requested = await cancelNode(env.deps, env.actor, created.id);
    expect(requested.cancelRequestedAt).toBeInstanceOf(Date);
    const node = await env.waitForPhase(created.id, 'CANCELLED');
    expect(node.providerServerId).toBeNull();
    const servers = await env.simServers(created.id);
    expect(servers.length).toBe(1);
    expect(servers.filter((server) => !server.deleted)).toEqual([]);
    const events = await env.events(created.id);
    expect(phasesOf(events)).toEqual(['QUEUED', 'VALIDATING', 'CREATING_SERVER', 'WAITING_FOR_SERVER', 'CANCELLED']);
    expect(events.filter((event) => event.kind === 'INFO').map((event) => event.message)).toEqual([
      expect.stringMatching(/cancel requested/),
      expect.stringMatching(/^deleting server \d+/),
      expect.stringMatching(/^server \d+ deleted$/),
    ]);
    // Cancelling again is a no-op; releasing a cancelled node is a conflict.
    expect((await cancelNode(env.deps, env.actor, created.id)).phase).toBe('CANCELLED');
    await expect(releaseNode(env.deps, env.actor, created.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await env.clearFaults();
    void fault;
  });

  it('a QUEUED node is cancelled at once', async () => {
    const worker = env.worker;
    await worker?.stop();
    try {
      const created = await env.createNode();
      const node = await cancelNode(env.deps, env.actor, created.id);
      expect(node.phase).toBe('CANCELLED');
      expect(phasesOf(await env.events(created.id))).toEqual(['QUEUED', 'CANCELLED']);
    } finally {
      await worker?.start();
    }
  });
});

describe('provider failures', () => {
  it('invalid_input on create fails at once with PROVIDER_INVALID_REQUEST, no retries', async () => {
    await env.addFault({ method: 'POST', path: '/servers', error: { code: 'invalid_input', message: 'invalid input in field server_type' }, times: 1 });
    const created = await env.createNode();
    const node = await env.waitForPhase(created.id, 'FAILED');
    const error = node.error as unknown as NodeError;
    expect(error.code).toBe('PROVIDER_INVALID_REQUEST');
    expect(error.retryable).toBe(false);
    expect(error.provider?.providerCode).toBe('invalid_input');
    expect(error.provider?.httpStatus).toBe(422);
    const events = await env.events(created.id);
    expect(events.filter((event) => event.kind === 'RETRY')).toEqual([]);
    expect(phasesOf(events)).toEqual(['QUEUED', 'VALIDATING', 'CREATING_SERVER', 'FAILED']);
    expect(await env.simServers(created.id)).toEqual([]);
  });

  it('resource_unavailable fails with PROVIDER_CAPACITY_UNAVAILABLE and a hint', async () => {
    await env.addFault({ method: 'POST', path: '/servers', error: { code: 'resource_unavailable', message: 'server type cx22 unavailable in fsn1' }, times: 1 });
    const created = await env.createNode();
    const node = await env.waitForPhase(created.id, 'FAILED');
    const error = node.error as unknown as NodeError;
    expect(error.code).toBe('PROVIDER_CAPACITY_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.hint).toMatch(/another location or server type/);
    expect(error.provider?.providerCode).toBe('resource_unavailable');
  });

  it('two 503s on create are retried (RETRY events) and the node reaches READY', async () => {
    await env.addFault({ method: 'POST', path: '/servers', error: { code: 'unavailable', message: 'service unavailable', status: 503 }, times: 2 });
    const created = await env.createNode();
    await env.waitForPhase(created.id, 'READY');
    const events = await env.events(created.id);
    const retries = events.filter((event) => event.kind === 'RETRY');
    expect(retries.map((event) => event.attempt)).toEqual([1, 2]);
    expect(retries.every((event) => event.phase === 'CREATING_SERVER' && /PROVIDER_UNAVAILABLE/.test(event.message) && /retry \d of \d+ in /.test(event.message))).toBe(true);
    expect(phasesOf(events)).toEqual(HAPPY_PATH);
    expect((await env.simServers(created.id)).filter((server) => !server.deleted)).toHaveLength(1);
  });

  it('a create action failing at 40% ends PROVIDER_ACTION_FAILED and the server is deleted', async () => {
    await env.addFault({ actionError: { atProgress: 40, code: 'host_failure', message: 'host failed' }, times: 1 });
    const created = await env.createNode();
    const node = await env.waitForPhase(created.id, 'FAILED');
    const error = node.error as unknown as NodeError;
    expect(error.code).toBe('PROVIDER_ACTION_FAILED');
    expect(error.message).toMatch(/host failed/);
    expect(node.providerServerId).toBeNull();
    const servers = await env.simServers(created.id);
    expect(servers).toHaveLength(1);
    expect(servers.every((server) => server.deleted)).toBe(true);
    const events = await env.events(created.id);
    expect(phasesOf(events)).toEqual(['QUEUED', 'VALIDATING', 'CREATING_SERVER', 'WAITING_FOR_SERVER', 'FAILED']);
    const kinds = events.slice(-4).map((event) => event.kind);
    expect(kinds).toEqual(['ERROR', 'INFO', 'INFO', 'PHASE_ENTERED']);
  });

  it('a request whose answer is lost after the server was made adopts that server (no second one)', async () => {
    await env.addFault({ method: 'POST', path: '/servers', drop: true, processRequest: true, times: 1 });
    const created = await env.createNode();
    await env.waitForPhase(created.id, 'READY');
    const servers = await env.simServers(created.id);
    expect(servers).toHaveLength(1);
    const events = await env.events(created.id);
    expect(events.some((event) => event.kind === 'RETRY' && event.phase === 'CREATING_SERVER')).toBe(true);
    expect(events.find((event) => event.phase === 'WAITING_FOR_SERVER' && event.kind === 'PHASE_ENTERED')?.message).toMatch(/adopted server/);
  });
});

describe('retry', () => {
  it('retryNode starts attempt 2 on the same timeline and reaches READY', async () => {
    await env.addFault({ method: 'POST', path: '/servers', error: { code: 'placement_error', message: 'no host' }, times: 1 });
    const created = await env.createNode();
    const failed = await env.waitForPhase(created.id, 'FAILED');
    expect((failed.error as unknown as NodeError).code).toBe('PROVIDER_PLACEMENT_FAILED');
    await expect(releaseNode(env.deps, env.actor, created.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    const retried = await retryNode(env.deps, env.actor, created.id);
    expect(retried).toMatchObject({ phase: 'QUEUED', attempt: 2, error: null });
    const node = await env.waitForPhase(created.id, 'READY');
    const events = await env.events(created.id);
    expect(phasesOf(events)).toEqual(['QUEUED', 'VALIDATING', 'CREATING_SERVER', 'FAILED', ...HAPPY_PATH]);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    const [server] = await env.simServers(node.id);
    expect(server?.labels[ATTEMPT_LABEL]).toBe('2');
    await expect(retryNode(env.deps, env.actor, created.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
