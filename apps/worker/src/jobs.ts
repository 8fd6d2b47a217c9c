import type { JobDefinition } from './job.ts';

/** Every job this worker runs. Each lives in src/jobs/<name>.ts and is listed here. */
export const JOBS: JobDefinition<never>[] = [];
