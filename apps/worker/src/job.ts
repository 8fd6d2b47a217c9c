import type { Job, Queue, WorkOptions } from 'pg-boss';
import type { CoreDeps } from '@hangar/core/deps';

/** One pg-boss job: its queue, its handler (a thin call into packages/core), and an optional cron. */
export interface JobDefinition<Data extends object = object> {
  name: string;
  handler: (deps: CoreDeps, job: Job<Data>) => Promise<void>;
  /** Cron expression for recurring jobs (pg-boss schedule). */
  schedule?: string;
  /** How many of this job one worker process runs at once. */
  concurrency?: number;
  /**
   * Extra slots that take only jobs of at least `minPriority` (pg-boss `minPriority`): a lane for
   * short first steps that is never full of long ones.
   */
  priorityLane?: { minPriority: number; concurrency: number };
  /**
   * Options the queue is created with (policy, retries, heartbeat). pg-boss keeps the first
   * definition of a queue, so whoever creates it first (this worker or an API process) must
   * use the same options.
   */
  queue?: Omit<Queue, 'name'>;
  /** How a worker polls this queue and refreshes heartbeats (pg-boss work options, without localConcurrency). */
  work?: Omit<WorkOptions, 'localConcurrency' | 'batchSize'> | ((deps: CoreDeps) => Omit<WorkOptions, 'localConcurrency' | 'batchSize'>);
  /** Run once when the worker starts, after the queue and its handler are set up. */
  start?: (deps: CoreDeps) => Promise<void>;
}
