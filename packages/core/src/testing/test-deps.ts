import { randomBytes } from 'node:crypto';
import type { TestDatabase } from '@hangar/db/testing/test-database';
import type { CoreDeps } from '../deps.ts';
import { readConfig, type HangarConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createKeyring } from '../secrets.ts';
import { createJobQueue } from '../job-queue.ts';

export interface TestDeps extends CoreDeps {
  /** Stops the job queue (the database is the caller's). */
  stop(): Promise<void>;
}

/** Real dependencies over a test database: a started pg-boss, a fresh random keyring. */
export async function createTestDeps(testDb: TestDatabase, log: Logger, config: Partial<HangarConfig> = {}): Promise<TestDeps> {
  const boss = createJobQueue(testDb.url, log);
  await boss.start();
  return {
    db: testDb.db,
    log,
    boss,
    keyring: createKeyring(randomBytes(32)),
    config: readConfig({}, config),
    async stop() {
      await boss.stop({ graceful: false, timeout: 5_000 });
    },
  };
}

/**
 * Adds `endpoint` to the allow-list of provider endpoints (config.providerEndpoints, what
 * HANGAR_PROVIDER_ENDPOINTS sets), for a simulator a test started on a port of its own.
 */
export function allowProviderEndpoint(deps: CoreDeps, endpoint: string): void {
  deps.config = { ...deps.config, providerEndpoints: [...deps.config.providerEndpoints, endpoint] };
}
