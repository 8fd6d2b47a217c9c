import { PgBoss } from 'pg-boss';
import type { Logger } from './logger.ts';

/** How often pg-boss looks for jobs whose worker died (their heartbeat stopped). */
const SUPERVISE_INTERVAL_SECONDS = 10;

/**
 * The one way Hangar builds its pg-boss instance (launcher, tests): schema `pgboss`, LISTEN/NOTIFY
 * wake-ups for queues created with `notify: true` (polling stays as the floor), and a short
 * supervision interval so a killed worker's job is retried within seconds.
 */
export function createJobQueue(databaseUrl: string, log: Logger): PgBoss {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: 'pgboss',
    useListenNotify: true,
    superviseIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
  });
  boss.on('error', (error) => log.error({ err: error }, 'pg-boss error'));
  return boss;
}
