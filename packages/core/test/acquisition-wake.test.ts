/**
 * Waiting for the machine costs no worker slot and no poll (acquisition.ts, "Waiting for the
 * machine"): the driver parks its wait with a follow-up job far in the future (the phase
 * deadline, or MACHINE_WAIT_RECHECK_MS), and the machine's call home wakes the node's job.
 * Proved structurally: the deadline scale makes PROVISIONING last 60 s and the re-check is 30 s,
 * longer than this test may take to see the node READY, so only the wake-up can move the driver
 * on; and no node_provision job of the node is active while the machine boots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAPPY_PATH } from '@hangar/domain/phases';
import { MACHINE_WAIT_RECHECK_MS } from '../src/acquisition.ts';
import { NODE_PROVISION_QUEUE } from '../src/node-jobs.ts';
import { parkedClockCount } from '../src/node-state.ts';
import { cancelNode } from '../src/nodes.ts';
import { phasesOf, startAcquisitionEnv, type AcquisitionEnv } from './support/acquisition-env.ts';

/** The machine calls home this long after its server runs. */
const BOOT_DELAY_MS = 4_000;
/** The test must see the node READY well before a follow-up job could have started by itself. */
const WITHIN_MS = MACHINE_WAIT_RECHECK_MS - 10_000;

let env: AcquisitionEnv;

beforeAll(async () => {
  // PROVISIONING 60 s, WAITING_FOR_READINESS 30 s: a parked wait's follow-up starts 30 s out.
  env = await startAcquisitionEnv({ deadlineScale: 0.1 });
});
afterAll(async () => {
  await env?.stop();
});

interface JobRow {
  id: string;
  state: string;
  created_on: Date;
  start_after: Date;
  started_on: Date | null;
  completed_on: Date | null;
}

async function provisionJobs(nodeId: string): Promise<JobRow[]> {
  return env.testDb.db.$queryRawUnsafe<JobRow[]>(
    `SELECT id::text, state::text, created_on, start_after, started_on, completed_on FROM pgboss.job WHERE name = $1 AND singleton_key = $2 ORDER BY created_on`,
    NODE_PROVISION_QUEUE,
    nodeId,
  );
}

/** Polls `probe` until it holds (the wait is for the event; the bound only ends a hung test). */
async function waitUntil<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a machine wait', () => {
  it('holds no slot while the machine boots, keeps the phase clock running, and the call home moves the node on at once', async () => {
    await env.addFault({ bootDelayMs: BOOT_DELAY_MS, times: 1 });
    const started = Date.now();
    const created = await env.createNode();

    // Parked: in PROVISIONING with no active job, and its follow-up queued ~30 s out.
    const parked = await waitUntil(async () => {
      const node = await env.testDb.db.node.findUniqueOrThrow({ where: { id: created.id } });
      if (node.phase !== 'PROVISIONING' || node.registeredAt !== null) return null;
      const jobs = await provisionJobs(created.id);
      const queued = jobs.find((job) => job.state === 'created');
      if (jobs.some((job) => job.state === 'active') || !queued) return null;
      return { node, queued };
    }, 'the driver to park its wait');
    expect(parked.queued.start_after.getTime() - Date.now()).toBeGreaterThan(WITHIN_MS);
    expect(parkedClockCount(env.deps)).toBeGreaterThan(0);

    // The worker process keeps the parked phase clock running (one statement for all parked nodes).
    const clockAt = parked.node.phaseClockAt.getTime();
    await waitUntil(async () => (await env.testDb.db.node.findUniqueOrThrow({ where: { id: created.id } })).phaseClockAt.getTime() > clockAt || null, 'a parked clock renewal');

    const ready = await env.waitForPhase(created.id, 'READY', WITHIN_MS);
    expect(Date.now() - started).toBeLessThan(WITHIN_MS);
    expect(phasesOf(await env.events(created.id))).toEqual(HAPPY_PATH);
    expect(ready.registeredAt).toBeInstanceOf(Date);

    // The follow-up that would have started 30 s out was pulled forward by the call home and ran
    // (the driver then parks WAITING_FOR_READINESS or finds the node READY: the API moved it).
    const registered = ready.registeredAt?.getTime() ?? 0;
    const jobs = await waitUntil(async () => {
      const rows = await provisionJobs(created.id);
      return rows.some((job) => job.state === 'completed' && (job.started_on?.getTime() ?? 0) >= registered) ? rows : null;
    }, 'a node_provision job woken by the registration to run', WITHIN_MS);
    // While the machine booted no job of the node ran (no slot held, no poll).
    const firstRun = jobs[0];
    expect(firstRun?.state).toBe('completed');
    expect(firstRun?.completed_on?.getTime()).toBeLessThan(registered);
  }, 90_000);

  it('a cancel reaches a parked wait at once', async () => {
    await env.addFault({ bootNeverPhonesHome: true, times: 1 });
    const created = await env.createNode();
    await waitUntil(async () => {
      const node = await env.testDb.db.node.findUniqueOrThrow({ where: { id: created.id } });
      if (node.phase !== 'PROVISIONING') return null;
      const jobs = await provisionJobs(created.id);
      return !jobs.some((job) => job.state === 'active') && jobs.some((job) => job.state === 'created');
    }, 'the driver to park its wait');
    const requested = Date.now();
    await cancelNode(env.deps, env.actor, created.id);
    await env.waitForPhase(created.id, 'CANCELLED', WITHIN_MS);
    expect(Date.now() - requested).toBeLessThan(WITHIN_MS);
    expect((await env.simServers(created.id)).every((server) => server.deleted)).toBe(true);
  }, 90_000);
});
