import type { JobDefinition } from './job.ts';
import { nodeProvisionJob } from './jobs/node-provision.ts';
import { nodeHealthJob } from './jobs/node-health.ts';
import { nodeReleaseJob } from './jobs/node-release.ts';
import { providerHealthJob } from './jobs/provider-health.ts';
import { reconcileJob } from './jobs/reconcile.ts';

/** Every job this worker runs. Each lives in src/jobs/<name>.ts and is listed here. */
export const JOBS: JobDefinition<never>[] = [providerHealthJob, nodeProvisionJob, nodeReleaseJob, reconcileJob, nodeHealthJob];
