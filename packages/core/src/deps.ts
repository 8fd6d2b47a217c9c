import type { PgBoss } from 'pg-boss';
import type { Db } from '@hangar/db/client';
import type { Logger } from './logger.ts';
import type { Keyring } from './secrets.ts';
import type { HangarConfig } from './config.ts';

/**
 * What the use cases in packages/core need, built once per process by the launcher (and by
 * tests) and handed to the API's context and the worker's jobs alike.
 */
export interface CoreDeps {
  db: Db;
  log: Logger;
  /** Seals and opens provider tokens. */
  keyring: Keyring;
  /** The job queue; API processes only send, worker processes also work. */
  boss: PgBoss;
  config: HangarConfig;
}
