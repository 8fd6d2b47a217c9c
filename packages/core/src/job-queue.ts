import { PgBoss } from 'pg-boss';
import type { Logger } from './logger.ts';

/**
 * How often pg-boss fails jobs whose heartbeat stopped. Both of pg-boss's timers gate that sweep
 * (it runs inside the monitor pass, at most every max(supervise, monitor) seconds; both default
 * to 60 s, which is what let a killed worker's job sit for up to a minute). The pass also
 * refreshes queue statistics, cheap at Hangar's queue sizes.
 */
export const SUPERVISE_INTERVAL_SECONDS = 2;
/**
 * How often each pg-boss instance refreshes its cached queue statistics (pg-boss default: 60 s).
 * Workers read the ready count from it to keep fetching while a backlog lasts
 * (node-jobs.ts NODE_WORK_OPTIONS); one small query per interval.
 */
export const QUEUE_STATS_INTERVAL_SECONDS = 2;

/**
 * The one way Hangar builds its pg-boss instance (launcher, worker processes, tests): schema
 * `pgboss`, LISTEN/NOTIFY wake-ups for queues created with `notify: true` (each worker's own
 * polling interval stays as the floor, node-jobs.ts NODE_JOB_POLL_SECONDS), and a short
 * supervision pass so a killed worker's job is retried within seconds.
 */
export function createJobQueue(databaseUrl: string, log: Logger): PgBoss {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: 'pgboss',
    useListenNotify: true,
    superviseIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
    monitorIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
    queueCacheIntervalSeconds: QUEUE_STATS_INTERVAL_SECONDS,
  });
  boss.on('error', (error) => log.error({ err: error }, 'pg-boss error'));
  return boss;
}
