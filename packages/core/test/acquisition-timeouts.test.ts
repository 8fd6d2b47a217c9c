/**
 * Deadlines and the machine's side of the handoff, with tiny deadlines (deadlineScale 0.01:
 * PROVISIONING 6 s, WAITING_FOR_READINESS 3 s): a machine that never phones home, one that
 * registers but never sends a heartbeat, and a connection that went bad before the job ran.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeError } from '@hangar/domain/node-errors';
import { recordCredentialCheck } from '../src/provider-connections.ts';
import { phasesOf, startAcquisitionEnv, type AcquisitionEnv } from './support/acquisition-env.ts';

let env: AcquisitionEnv;

beforeAll(async () => {
  env = await startAcquisitionEnv({ deadlineScale: 0.01 });
});
afterAll(async () => {
  await env?.stop();
});

describe('deadlines', () => {
  it('a boot that never phones home ends NODE_BOOTSTRAP_TIMEOUT and the server is deleted', async () => {
    await env.addFault({ bootNeverPhonesHome: true, times: 1 });
    const created = await env.createNode();
    const node = await env.waitForPhase(created.id, 'FAILED', 90_000);
    const error = node.error as unknown as NodeError;
    expect(error.code).toBe('NODE_BOOTSTRAP_TIMEOUT');
    expect(error.retryable).toBe(true);
    expect(error.hint).toMatch(/HANGAR_PUBLIC_URL/);
    expect(error.provider).toBeNull();
    const events = await env.events(created.id);
    expect(phasesOf(events)).toEqual(['QUEUED', 'VALIDATING', 'CREATING_SERVER', 'WAITING_FOR_SERVER', 'PROVISIONING', 'FAILED']);
    // The phase lasted its deadline (6 s at this scale), not less.
    const entered = events.find((event) => event.kind === 'PHASE_ENTERED' && event.phase === 'PROVISIONING');
    const failed = events.find((event) => event.kind === 'PHASE_ENTERED' && event.phase === 'FAILED');
    expect((failed?.at.getTime() ?? 0) - (entered?.at.getTime() ?? 0)).toBeGreaterThanOrEqual(6_000);
    const servers = await env.simServers(created.id);
    expect(servers).toHaveLength(1);
    expect(servers[0]?.boot?.state).toBe('suppressed');
    expect(servers.every((server) => server.deleted)).toBe(true);
  });

  it('a machine that registers but never sends a heartbeat ends NODE_READINESS_TIMEOUT', async () => {
    await env.addFault({ heartbeatStopsAfter: 0, times: 1 });
    const created = await env.createNode();
    const node = await env.waitForPhase(created.id, 'FAILED', 90_000);
    expect((node.error as unknown as NodeError).code).toBe('NODE_READINESS_TIMEOUT');
    expect(node.registeredAt).toBeInstanceOf(Date);
    expect(phasesOf(await env.events(created.id))).toEqual(['QUEUED', 'VALIDATING', 'CREATING_SERVER', 'WAITING_FOR_SERVER', 'PROVISIONING', 'WAITING_FOR_READINESS', 'FAILED']);
    expect((await env.simServers(created.id)).every((server) => server.deleted)).toBe(true);
  });
});

describe('the connection', () => {
  it('a connection that is no longer VALID when the job runs fails the node with NODE_CONNECTION_UNUSABLE', async () => {
    await env.worker?.stop();
    let nodeId: string;
    try {
      nodeId = (await env.createNode()).id;
      await recordCredentialCheck(env.deps, env.connection.id, { status: 'READ_ONLY', error: null });
    } finally {
      await env.worker?.start();
    }
    const node = await env.waitForPhase(nodeId, 'FAILED');
    const error = node.error as unknown as NodeError;
    expect(error.code).toBe('NODE_CONNECTION_UNUSABLE');
    expect(error.message).toMatch(/READ_ONLY/);
    expect(phasesOf(await env.events(nodeId))).toEqual(['QUEUED', 'VALIDATING', 'FAILED']);
    await recordCredentialCheck(env.deps, env.connection.id, { status: 'VALID', error: null });
  });
});
