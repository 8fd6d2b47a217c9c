/**
 * reconcile (every 5 minutes): deletes servers no node wants, fails nodes whose server vanished
 * (NODE_SERVER_LOST), nudges nodes that stopped moving (packages/core reconcile.ts).
 */
import { RECONCILE_CRON, RECONCILE_QUEUE, nodeQueueOptions } from '@hangar/core/node-jobs';
import { reconcile } from '@hangar/core/reconcile';
import type { JobDefinition } from '../job.ts';

export const reconcileJob: JobDefinition<object> = {
  name: RECONCILE_QUEUE,
  queue: nodeQueueOptions(RECONCILE_QUEUE),
  schedule: RECONCILE_CRON,
  async handler(deps) {
    await reconcile(deps);
  },
};
