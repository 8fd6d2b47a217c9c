/**
 * node_release: deletes a RELEASING node's server and waits for the provider to confirm, then
 * RELEASED (packages/core release.ts).
 */
import { NODE_RELEASE_QUEUE, NODE_WORK_OPTIONS, nodeQueueOptions, type NodeJobData } from '@hangar/core/node-jobs';
import { runRelease } from '@hangar/core/release';
import type { JobDefinition } from '../job.ts';

/** Releases one worker process runs at once. */
export const NODE_RELEASE_CONCURRENCY = 8;

export const nodeReleaseJob: JobDefinition<NodeJobData> = {
  name: NODE_RELEASE_QUEUE,
  queue: nodeQueueOptions(NODE_RELEASE_QUEUE),
  work: NODE_WORK_OPTIONS,
  concurrency: NODE_RELEASE_CONCURRENCY,
  async handler(deps, job) {
    await runRelease(deps, job.data.nodeId, { signal: job.signal });
  },
};
