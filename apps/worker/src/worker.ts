import type { Job } from 'pg-boss';
import type { CoreDeps } from '@hangar/core/deps';
import { releaseParkedClocks } from '@hangar/core/node-state';
import { JOBS } from './jobs.ts';

export interface Worker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The pg-boss job runner: creates each job's queue, registers its handler and schedule. The
 * caller owns `deps.boss` (started before, stopped after) so API and worker can share one.
 */
export function buildWorker(deps: CoreDeps): Worker {
  const started: string[] = [];
  return {
    async start() {
      for (const job of JOBS) {
        await deps.boss.createQueue(job.name, job.queue);
        const work = typeof job.work === 'function' ? job.work(deps) : job.work;
        const handle = async (jobs: Job[]) => {
          for (const one of jobs) await job.handler(deps, one as never);
        };
        await deps.boss.work(job.name, { ...work, localConcurrency: job.concurrency ?? 1 }, handle);
        if (job.priorityLane) {
          await deps.boss.work(job.name, { ...work, localConcurrency: job.priorityLane.concurrency, minPriority: job.priorityLane.minPriority }, handle);
        }
        started.push(job.name);
        if (job.schedule) await deps.boss.schedule(job.name, job.schedule);
        if (job.start) await job.start(deps);
      }
    },
    async stop() {
      // Waits for running handlers to finish; their jobs are then complete or retried later.
      await Promise.all(started.map((name) => deps.boss.offWork(name, { wait: true })));
      // Parked machine waits stop counting here; their follow-up jobs hold the clock again.
      releaseParkedClocks(deps);
    },
  };
}
