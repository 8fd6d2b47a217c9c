/**
 * A worker process for tests that kill workers: the real worker (every job) over the database
 * in DATABASE_URL, with the keyring from HANGAR_SECRET_KEY and the config from the environment
 * (HANGAR_PUBLIC_URL, HANGAR_DEADLINE_SCALE), with Hangar's own pg-boss settings (job-queue.ts),
 * so crash recovery is measured as it runs in production. Prints WORKER_READY once working.
 *
 *   node apps/worker/test/support/worker-process.ts
 */
import { createDb } from '@hangar/db/client';
import { readConfig } from '@hangar/core/config';
import { createJobQueue } from '@hangar/core/job-queue';
import type { CoreDeps } from '@hangar/core/deps';
import { createLogger } from '@hangar/core/logger';
import { ensureNodeQueues } from '@hangar/core/node-jobs';
import { loadKeyring } from '@hangar/core/secrets';
import { buildWorker } from '../../src/worker.ts';

/** The line a parent waits for. */
export const WORKER_READY = 'WORKER_READY';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const log = createLogger({ name: `worker-process-${process.pid}`, level: process.env.HANGAR_LOG_LEVEL ?? 'warn' });
// The pool a production worker has (createDb's default), so the acquire bench measures how it
// runs: with 4 connections for node_provision's 16 + 2 slots, first steps queued for a
// connection behind longer steps (the bench's first-phase p99 1.9–2.5 s against 1.3–1.6 s).
const db = createDb(url);
const boss = createJobQueue(url, log);
await boss.start();
const deps: CoreDeps = { db, log, boss, keyring: loadKeyring({ env: process.env }), config: readConfig(process.env) };
await ensureNodeQueues(boss);
const worker = buildWorker(deps);
await worker.start();
console.log(WORKER_READY);

process.once('SIGTERM', () => {
  void (async () => {
    await worker.stop();
    await boss.stop({ graceful: false, timeout: 2_000 });
    await db.$disconnect();
    process.exit(0);
  })();
});
