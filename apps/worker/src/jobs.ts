import type { JobDefinition } from './job.ts';
import { providerHealthJob } from './jobs/provider-health.ts';

/** Every job this worker runs. Each lives in src/jobs/<name>.ts and is listed here. */
export const JOBS: JobDefinition<never>[] = [providerHealthJob];
