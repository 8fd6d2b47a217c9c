/**
 * An API process for multi-process tests: the real app (buildApp) over the database in
 * DATABASE_URL, on 127.0.0.1:HANGAR_PORT, with the keyring from HANGAR_SECRET_KEY and the
 * config from the environment. Prints `API_READY <url>` once it serves; SIGTERM stops it
 * cleanly, SIGKILL is what the tests use to crash it.
 *
 *   node apps/api/test/support/api-process.ts
 */
import { createDb } from '@hangar/db/client';
import { readConfig } from '@hangar/core/config';
import type { CoreDeps } from '@hangar/core/deps';
import { createJobQueue } from '@hangar/core/job-queue';
import { createLogger } from '@hangar/core/logger';
import { loadKeyring } from '@hangar/core/secrets';
import { buildApp } from '../../src/app.ts';

/** The line a parent waits for, followed by the URL. */
export const API_READY = 'API_READY';
/** Prisma pool per process: with pg-boss's pool and the LISTEN connection, several processes stay well under Postgres' limit. */
const POOL_MAX_CONNECTIONS = 8;

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const log = createLogger({ name: `api-process-${process.pid}`, level: process.env.HANGAR_LOG_LEVEL ?? 'warn' });
const db = createDb(url, { poolMax: POOL_MAX_CONNECTIONS });
const boss = createJobQueue(url, log);
await boss.start();
const deps: CoreDeps = { db, log, boss, keyring: loadKeyring({ env: process.env }), config: readConfig(process.env) };
const app = buildApp({ deps, databaseUrl: url, port: Number(process.env.HANGAR_PORT ?? 0), host: '127.0.0.1' });
await app.start();
console.log(`${API_READY} ${app.url}`);

process.once('SIGTERM', () => {
  void (async () => {
    await app.stop();
    await boss.stop({ graceful: false, timeout: 2_000 });
    await db.$disconnect();
    process.exit(0);
  })();
});
