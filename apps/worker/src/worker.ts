import { PgBoss } from 'pg-boss';
import type { Db } from '@hangar/db/client';
import type { Logger } from '@hangar/core/logger';

export interface WorkerOptions {
  db: Db;
  databaseUrl: string;
  log: Logger;
}

export interface Worker {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The job queue, for code that enqueues in-process (tests, the all-in-one start). */
  readonly boss: PgBoss;
}

/** The pg-boss job runner: one small module per job under src/jobs, all calling packages/core. */
export function buildWorker(options: WorkerOptions): Worker {
  const boss = new PgBoss({ connectionString: options.databaseUrl, schema: 'pgboss' });
  boss.on('error', (error) => options.log.error({ err: error }, 'pg-boss error'));
  return {
    boss,
    async start() {
      await boss.start();
    },
    async stop() {
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
