/**
 * The pg-boss queues of node acquisition and how jobs are put on them.
 *
 * node_provision and node_release use the `stately` policy keyed by node id: at most one job
 * per node is active and at most one waits, so a node is never driven by two handlers at once
 * and repeated sends (cancel, reconcile, a re-enqueue) collapse into one. A job whose worker
 * died stops heartbeating and is retried by pg-boss after NODE_JOB_HEARTBEAT_SECONDS; the
 * handler reads the node's phase and continues from there.
 *
 * Queues must exist before the first send, with these options: ensureNodeQueues() is
 * idempotent and runs at API start and before the worker starts (a queue created elsewhere
 * without the policy cannot be changed afterwards, pg-boss keeps the first definition).
 */
import type { PgBoss, Queue, SendOptions } from 'pg-boss';
import type { HangarConfig } from './config.ts';
import { PHASE_DEADLINES_MS } from './deadlines.ts';

/** Drives a node from QUEUED to READY (acquisition.ts). Data: NodeJobData. */
export const NODE_PROVISION_QUEUE = 'node_provision';
/** Deletes a released node's server (release.ts). Data: NodeJobData. */
export const NODE_RELEASE_QUEUE = 'node_release';
/** Deletes leaked servers, fails nodes whose server vanished, restarts stuck nodes (reconcile.ts). */
export const RECONCILE_QUEUE = 'reconcile';
/** The reconcile schedule: every 5 minutes. */
export const RECONCILE_CRON = '*/5 * * * *';

/** A dead worker's job is retried after this many seconds without a heartbeat (pg-boss minimum: 10). */
export const NODE_JOB_HEARTBEAT_SECONDS = 10;
/** Unexpected failures of a handler (database down, a bug) retried this often before pg-boss gives up. */
export const NODE_JOB_RETRY_LIMIT = 20;
/** First pg-boss retry delay (seconds), doubled up to NODE_JOB_RETRY_DELAY_MAX_SECONDS. */
export const NODE_JOB_RETRY_DELAY_SECONDS = 2;
export const NODE_JOB_RETRY_DELAY_MAX_SECONDS = 120;
/** Never expire a running job before this (the handler also hands back its slot while it waits for a machine). */
export const NODE_JOB_MIN_EXPIRE_SECONDS = 30 * 60;

/** The data of node_provision and node_release jobs. */
export interface NodeJobData {
  nodeId: string;
}

const NODE_QUEUE_OPTIONS: Omit<Queue, 'name'> = {
  policy: 'stately',
  retryLimit: NODE_JOB_RETRY_LIMIT,
  retryDelay: NODE_JOB_RETRY_DELAY_SECONDS,
  retryBackoff: true,
  retryDelayMax: NODE_JOB_RETRY_DELAY_MAX_SECONDS,
  expireInSeconds: NODE_JOB_MIN_EXPIRE_SECONDS,
  heartbeatSeconds: NODE_JOB_HEARTBEAT_SECONDS,
  notify: true,
};

/** The options a node queue is created with (the worker's job definitions use them too). */
export function nodeQueueOptions(name: string): Omit<Queue, 'name'> {
  const queue = NODE_QUEUES.find((entry) => entry.name === name);
  if (!queue) throw new Error(`no node queue named ${name}`);
  const { name: _name, ...options } = queue;
  return options;
}

/** Every queue of node acquisition with its options. */
export const NODE_QUEUES: ReadonlyArray<Queue> = [
  { name: NODE_PROVISION_QUEUE, ...NODE_QUEUE_OPTIONS },
  { name: NODE_RELEASE_QUEUE, ...NODE_QUEUE_OPTIONS },
  // One reconcile at a time; a tick while one runs is dropped.
  { name: RECONCILE_QUEUE, policy: 'exclusive', retryLimit: 0, expireInSeconds: 15 * 60 },
];

/**
 * Creates the queues (idempotent). Fails loudly when a queue exists with another policy (it
 * was created elsewhere without these options and cannot be changed).
 */
export async function ensureNodeQueues(boss: PgBoss): Promise<void> {
  for (const queue of NODE_QUEUES) {
    const { name, ...options } = queue;
    await boss.createQueue(name, options);
    const existing = await boss.getQueue(name);
    if (existing && existing.policy !== queue.policy) {
      throw new Error(`pg-boss queue ${name} exists with policy "${existing.policy}" instead of "${queue.policy}"; delete the queue (it is recreated at start)`);
    }
  }
}

/**
 * Job options of one node job: keyed by node (stately policy), expiring only after every
 * deadline of the acquisition could have passed at this deadline scale.
 */
export function nodeJobOptions(nodeId: string, config: Pick<HangarConfig, 'deadlineScale'>, extra: SendOptions = {}): SendOptions {
  const allDeadlinesMs = Object.values(PHASE_DEADLINES_MS).reduce((sum, ms) => sum + ms, 0) * config.deadlineScale;
  return {
    singletonKey: nodeId,
    expireInSeconds: Math.max(NODE_JOB_MIN_EXPIRE_SECONDS, Math.ceil((allDeadlinesMs * 1.5) / 1000)),
    heartbeatSeconds: NODE_JOB_HEARTBEAT_SECONDS,
    ...extra,
  };
}

/** Puts a node_provision job on the queue (pass `db` to send inside a transaction). */
export async function enqueueProvision(boss: PgBoss, nodeId: string, config: Pick<HangarConfig, 'deadlineScale'>, extra: SendOptions = {}): Promise<string | null> {
  const data: NodeJobData = { nodeId };
  return boss.send(NODE_PROVISION_QUEUE, data, nodeJobOptions(nodeId, config, extra));
}

/** Puts a node_release job on the queue (pass `db` to send inside a transaction). */
export async function enqueueRelease(boss: PgBoss, nodeId: string, config: Pick<HangarConfig, 'deadlineScale'>, extra: SendOptions = {}): Promise<string | null> {
  const data: NodeJobData = { nodeId };
  return boss.send(NODE_RELEASE_QUEUE, data, nodeJobOptions(nodeId, config, extra));
}
