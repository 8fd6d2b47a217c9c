/**
 * Hangar being down never fails a node (docs/reliability.md): a worker process is killed with
 * SIGKILL in the middle of WAITING_FOR_SERVER and no worker runs for longer than that phase's
 * whole deadline; a worker started afterwards resumes the node, which reaches READY. Only the
 * time a worker held the job counted against the deadline (core deadlines.ts, the phase clock).
 * The time from the new worker being up to the node moving again is printed (the bound is
 * node-jobs.ts NODE_JOB_RESUME_BOUND_SECONDS; timings belong to docs/reliability.md, not here).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAPPY_PATH } from '@hangar/domain/phases';
import { PHASE_CLOCK_LEASE_MS, phaseDeadlineMs } from '@hangar/core/deadlines';
import { phasesOf, startAcquisitionEnv, type AcquisitionEnv } from '../../../packages/core/test/support/acquisition-env.ts';
import { killWorker, startWorkerProcess, waitFor, workerChildren } from './support/spawn-worker.ts';

/** WAITING_FOR_SERVER 18 s, PROVISIONING 18 s: the downtime outlasts the first. */
const DEADLINE_SCALE = 0.03;

const secretKey = randomBytes(32);
let env: AcquisitionEnv;

beforeAll(async () => {
  env = await startAcquisitionEnv({ worker: false, deadlineScale: DEADLINE_SCALE, secretKey });
});
afterAll(async () => {
  for (const child of workerChildren) child.kill('SIGKILL');
  await env?.stop();
});

describe('a worker killed mid-phase, and no worker for longer than the phase deadline', () => {
  it('the node resumes when a worker is back and reaches READY', { timeout: 120_000 }, async () => {
    const deadlineMs = phaseDeadlineMs('WAITING_FOR_SERVER', DEADLINE_SCALE) ?? 0;
    // The first poll of the create action never gets an answer: the worker is pinned mid-phase.
    const fault = await env.addFault({ method: 'GET', pathRegex: '^/actions/', hang: true, times: 1 });
    const first = await startWorkerProcess(env, secretKey);
    const created = await env.createNode();
    await waitFor(async () => (await env.simRequests()).some((request) => request.faultId === fault));
    expect((await env.testDb.db.node.findUniqueOrThrow({ where: { id: created.id } })).phase).toBe('WAITING_FOR_SERVER');
    await killWorker(first);

    // Hangar is down until the phase's whole deadline (and a lease) has passed on the wall clock.
    const down = await waitFor(async () => {
      const node = await env.testDb.db.node.findUniqueOrThrow({ where: { id: created.id } });
      return Date.now() - node.phaseEnteredAt.getTime() > deadlineMs + PHASE_CLOCK_LEASE_MS && node;
    });
    expect(down.phase).toBe('WAITING_FOR_SERVER');
    expect(down.phaseUsedMs).toBeLessThan(deadlineMs);

    const second = await startWorkerProcess(env, secretKey);
    const upAt = Date.now();
    const moved = await waitFor(() => env.testDb.db.acquisitionEvent.findFirst({ where: { nodeId: created.id, seq: { gt: down.lastSeq } }, orderBy: { seq: 'asc' } }));
    console.log(`worker-downtime: the node moved again ${moved.at.getTime() - upAt} ms after a worker was up (${moved.kind} ${moved.phase})`);

    const node = await env.waitForPhase(created.id, ['READY', 'FAILED'], 60_000);
    expect(node.phase, JSON.stringify(node.error)).toBe('READY');
    const events = await env.events(created.id);
    expect(phasesOf(events)).toEqual(HAPPY_PATH);
    expect(events.filter((event) => event.kind === 'ERROR')).toEqual([]);
    // The phase lasted longer than its deadline on the wall clock, without failing.
    const entered = events.find((event) => event.kind === 'PHASE_ENTERED' && event.phase === 'WAITING_FOR_SERVER');
    const left = events.find((event) => event.kind === 'PHASE_ENTERED' && event.phase === 'PROVISIONING');
    expect((left?.at.getTime() ?? 0) - (entered?.at.getTime() ?? 0)).toBeGreaterThan(deadlineMs);
    expect((await env.simServers(created.id)).filter((server) => !server.deleted)).toHaveLength(1);

    await killWorker(second);
  });
});
