/**
 * node_provision: drives one node through its acquisition phases (packages/core
 * acquisition.ts). Resumable: a retried job (worker crash, expired heartbeat) continues from the
 * node's current phase. The first run (QUEUED → VALIDATING) hands its slot back and sends the
 * rest as a follow-up, so new nodes are not kept QUEUED behind long steps. While a machine
 * boots, the run parks: it hands its slot back at once and this job sends its own follow-up for
 * the phase deadline. The queue is stately per node, so a follow-up never makes two; the
 * machine's call home pulls a parked follow-up forward (wakeProvision).
 */
import { provisionNode } from '@hangar/core/acquisition';
import { enqueueProvision, NODE_PROVISION_QUEUE, NODE_START_PRIORITY, NODE_WORK_OPTIONS, nodeQueueOptions, type NodeJobData } from '@hangar/core/node-jobs';
import type { JobDefinition } from '../job.ts';

/** Acquisitions one worker process drives at once (waits for a machine hold no slot). */
export const NODE_PROVISION_CONCURRENCY = 16;
/** More slots that only take a node's first job (NODE_START_PRIORITY): new nodes leave QUEUED at once. */
export const NODE_START_CONCURRENCY = 2;

export const nodeProvisionJob: JobDefinition<NodeJobData> = {
  name: NODE_PROVISION_QUEUE,
  queue: nodeQueueOptions(NODE_PROVISION_QUEUE),
  work: NODE_WORK_OPTIONS,
  concurrency: NODE_PROVISION_CONCURRENCY,
  priorityLane: { minPriority: NODE_START_PRIORITY, concurrency: NODE_START_CONCURRENCY },
  async handler(deps, job) {
    const outcome = await provisionNode(deps, job.data.nodeId, { signal: job.signal });
    if (outcome.kind === 'requeue') {
      await enqueueProvision(deps.boss, job.data.nodeId, deps.config, outcome.afterMs > 0 ? { startAfter: new Date(Date.now() + outcome.afterMs) } : {});
    }
  },
};
