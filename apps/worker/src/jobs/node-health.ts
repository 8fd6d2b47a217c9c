/**
 * node_health: keeps READY nodes' stored health true to their heartbeats (packages/core
 * node-health.ts), every HangarConfig.nodeHealthCheckMs (HANGAR_NODE_HEALTH_CHECK_SECONDS).
 *
 * pg-boss cron runs at most once a minute, so the job chains itself: each run sends the next
 * one, deferred by the check interval. The queue is stately (one queued, one active), so the
 * chain started by every worker process, and the once-a-minute cron that restarts a chain
 * broken by a crash, never pile up: at most one check waits and one runs.
 */
import { checkNodeHealth } from '@hangar/core/node-health';
import type { CoreDeps } from '@hangar/core/deps';
import type { JobDefinition } from '../job.ts';

export const NODE_HEALTH_JOB = 'node_health';
/** Backstop: restarts the chain (a dropped duplicate while it runs). */
const NODE_HEALTH_CRON = '* * * * *';
/** A check still running after this long is failed; the next one covers it. */
const CHECK_EXPIRE_SECONDS = 120;
/** Finished checks are kept this long (there are many: one per interval). */
const CHECK_DELETE_AFTER_SECONDS = 5 * 60;

/** Sends the next check, `delayMs` from now (dropped when one is already queued). */
export async function scheduleNodeHealth(deps: CoreDeps, delayMs: number): Promise<void> {
  await deps.boss.send(NODE_HEALTH_JOB, {}, { startAfter: delayMs > 0 ? Math.max(0.1, delayMs / 1000) : undefined, retryLimit: 0, expireInSeconds: CHECK_EXPIRE_SECONDS, deleteAfterSeconds: CHECK_DELETE_AFTER_SECONDS });
}

/** How often a worker polls the queue: at least twice per interval (pg-boss' minimum is 0.5 s, its default 2 s). */
function pollSeconds(deps: CoreDeps): number {
  return Math.min(2, Math.max(0.5, deps.config.nodeHealthCheckMs / 2000));
}

/**
 * The next run is sent one poll early: a deferred job is picked up within one poll after it is
 * due, so consecutive checks stay at most one interval apart (for intervals of 1 s and more).
 */
function nextDelayMs(deps: CoreDeps): number {
  return Math.max(0, deps.config.nodeHealthCheckMs - pollSeconds(deps) * 1000);
}

export const nodeHealthJob: JobDefinition<object> = {
  name: NODE_HEALTH_JOB,
  queue: { policy: 'stately', retryLimit: 0, expireInSeconds: CHECK_EXPIRE_SECONDS, deleteAfterSeconds: CHECK_DELETE_AFTER_SECONDS },
  schedule: NODE_HEALTH_CRON,
  work: (deps) => ({ pollingIntervalSeconds: pollSeconds(deps) }),
  start: (deps) => scheduleNodeHealth(deps, 0),
  async handler(deps) {
    try {
      await checkNodeHealth(deps);
    } finally {
      await scheduleNodeHealth(deps, nextDelayMs(deps));
    }
  },
};
