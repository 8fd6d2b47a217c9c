/**
 * The pg-boss queues of node acquisition and how jobs are put on them.
 *
 * node_provision and node_release use the `stately` policy keyed by node id: at most one job
 * per node is active and at most one waits, so a node is never driven by two handlers at once
 * and repeated sends (cancel, reconcile, a re-enqueue) collapse into one.
 *
 * A job whose worker died (SIGKILL, a lost machine) moves again within
 * NODE_JOB_RESUME_BOUND_SECONDS of a worker being available: its heartbeat (refreshed every
 * NODE_JOB_HEARTBEAT_REFRESH_SECONDS) goes stale after NODE_JOB_HEARTBEAT_SECONDS, pg-boss's
 * supervision pass (job-queue.ts SUPERVISE_INTERVAL_SECONDS) puts it back as a retry
 * NODE_JOB_RETRY_DELAY_SECONDS later, and an idle worker fetches it within
 * NODE_JOB_POLL_SECONDS (NOTIFY does not fire for retries). The handler reads the node's phase
 * and continues from there; the time nobody held the job does not count against the phase's
 * deadline (deadlines.ts).
 *
 * Queues must exist before the first send, with these options: ensureNodeQueues() is
 * idempotent and runs at API start and before the worker starts (a queue created elsewhere
 * without the policy cannot be changed afterwards, pg-boss keeps the first definition).
 */
import type { PgBoss, Queue, SendOptions, WorkOptions } from 'pg-boss';
import type { HangarConfig } from './config.ts';
import { PHASE_DEADLINES_MS } from './deadlines.ts';
import { SUPERVISE_INTERVAL_SECONDS } from './job-queue.ts';

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
/** A running handler refreshes its job's heartbeat this often (pg-boss default: half the heartbeat). */
export const NODE_JOB_HEARTBEAT_REFRESH_SECONDS = 2;
/**
 * Failures of a handler (a killed worker, the database down, a bug) retried this often before
 * pg-boss gives up; the reconcile job restarts a node whose job gave up.
 */
export const NODE_JOB_RETRY_LIMIT = 50;
/**
 * The pause before a failed job runs again. Flat, not exponential: the usual failure is a
 * killed worker, and a node killed three times must not wait longer each time. A handler that
 * keeps throwing ends after NODE_JOB_RETRY_LIMIT tries; the provider's own transient failures
 * never reach here, the driver retries them in place with backoff (retry-policy.ts).
 */
export const NODE_JOB_RETRY_DELAY_SECONDS = 1;
/**
 * How often an idle worker of a node queue looks for jobs. New jobs wake workers at once over
 * NOTIFY; retries of a dead worker's job and jobs queued while every slot was busy are found by
 * this poll (pg-boss's default with NOTIFY is 30 s, which also made a worker finishing a short
 * job wait out the rest of those 30 s before taking the next one of a backlog).
 */
export const NODE_JOB_POLL_SECONDS = 2;
/** Worst case from a worker's death to its job running again with a worker available (seconds). */
export const NODE_JOB_RESUME_BOUND_SECONDS =
  NODE_JOB_HEARTBEAT_SECONDS + SUPERVISE_INTERVAL_SECONDS + NODE_JOB_RETRY_DELAY_SECONDS + NODE_JOB_POLL_SECONDS;
/** Never expire a running job before this (the handler also hands back its slot while it waits for a machine). */
export const NODE_JOB_MIN_EXPIRE_SECONDS = 30 * 60;

/**
 * The pg-boss priority of a node's first node_provision job (createNode, retryNode); follow-ups
 * run at 0. The first run only enters VALIDATING and hands its slot back (acquisition.ts), so
 * with these jobs fetched first a burst of new nodes all leave QUEUED within a few short steps
 * instead of waiting behind whole acquisitions.
 */
export const NODE_START_PRIORITY = 1;

/** The data of node_provision and node_release jobs. */
export interface NodeJobData {
  nodeId: string;
}

const NODE_QUEUE_OPTIONS: Omit<Queue, 'name'> = {
  policy: 'stately',
  retryLimit: NODE_JOB_RETRY_LIMIT,
  retryDelay: NODE_JOB_RETRY_DELAY_SECONDS,
  retryBackoff: false,
  expireInSeconds: NODE_JOB_MIN_EXPIRE_SECONDS,
  heartbeatSeconds: NODE_JOB_HEARTBEAT_SECONDS,
  notify: true,
};

/**
 * How a worker process works a node queue (with its own localConcurrency). Each of its workers
 * takes one job per fetch; after a job it waits out the rest of the poll interval unless a NOTIFY
 * came meanwhile, so a backlog (500 createNode at once; follow-up jobs of machines that booted,
 * which NOTIFY does not announce) drained at localConcurrency jobs per poll interval.
 * `burstWhenReadyExceeds: 1` (its minimum) makes a worker that just got a job fetch the next one at once while
 * the queue's cached statistics (job-queue.ts QUEUE_STATS_INTERVAL_SECONDS) still show more than one ready;
 * the first empty fetch ends that.
 */
export const NODE_WORK_OPTIONS: WorkOptions = {
  pollingIntervalSeconds: NODE_JOB_POLL_SECONDS,
  notifyPollingIntervalSeconds: NODE_JOB_POLL_SECONDS,
  heartbeatRefreshSeconds: NODE_JOB_HEARTBEAT_REFRESH_SECONDS,
  burstWhenReadyExceeds: 1,
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
 * Creates the queues (idempotent) and applies their current options. Fails loudly when a queue exists with another policy (it
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
    // A queue created by an older Hangar keeps its first options: bring retries and heartbeat up to date.
    const { policy: _policy, ...updatable } = options;
    await boss.updateQueue(name, updatable);
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

/**
 * Makes sure a node_provision job for the node runs now: a queued one that waits for a later
 * start (the follow-up of a parked wait, acquisition.ts) is pulled forward, otherwise one is
 * queued. The machine's calls home and cancel use it; a plain send would be refused while the
 * parked wait's follow-up is queued (stately: one queued job per node) and wait for it.
 */
export async function wakeProvision(boss: PgBoss, nodeId: string, config: Pick<HangarConfig, 'deadlineScale'>, extra: Pick<SendOptions, 'db'> = {}): Promise<void> {
  const data: NodeJobData = { nodeId };
  const { singletonKey, expireInSeconds, heartbeatSeconds } = nodeJobOptions(nodeId, config);
  await boss.upsert(NODE_PROVISION_QUEUE, data, { singletonKey, expireInSeconds, heartbeatSeconds, startAfter: 0, ...extra });
}

/** Puts a node_release job on the queue (pass `db` to send inside a transaction). */
export async function enqueueRelease(boss: PgBoss, nodeId: string, config: Pick<HangarConfig, 'deadlineScale'>, extra: SendOptions = {}): Promise<string | null> {
  const data: NodeJobData = { nodeId };
  return boss.send(NODE_RELEASE_QUEUE, data, nodeJobOptions(nodeId, config, extra));
}
