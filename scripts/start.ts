// `npm start`: the whole Hangar in one process, with no configuration. HANGAR_ROLE=api or
// worker runs one role (scale-out: many processes on one Postgres). See README's table of
// environment variables.
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createDb } from '@hangar/db/client';
import { openDatabase } from '@hangar/db/database';
import { migrate } from '@hangar/db/migrator';
import { ensureDevOrganization } from '@hangar/core/first-run';
import { createLogger } from '@hangar/core/logger';
import { ConfigError, readLaunchConfig } from '@hangar/core/config';
import type { CoreDeps } from '@hangar/core/deps';
import { loadKeyring } from '@hangar/core/secrets';
import { ensureSandboxConnection } from '@hangar/core/sandbox';
import { createJobQueue } from '@hangar/core/job-queue';
import { buildApp } from '../apps/api/src/app.ts';
import { buildWorker } from '../apps/worker/src/worker.ts';
import { buildSimulator } from '../apps/hetzner-sim/src/simulator.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

interface Part { name: string; stop(): Promise<void> }

async function main(): Promise<void> {
  let config;
  try {
    config = readLaunchConfig(process.env, { defaultDataDir: path.join(REPO_ROOT, '.data') });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`hangar: ${error.message}`);
    process.exitCode = 1;
    return;
  }
  const { role, dataDir, port, host } = config;
  // 0711: the embedded Postgres runs as the OS user `postgres` when Hangar runs as root, and
  // must traverse this folder; the secrets inside are files of mode 0600.
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o711);
  const log = createLogger({ name: `hangar-${role}`, ...config.log });

  const parts: Part[] = [];
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    for (const part of parts.reverse()) {
      await part.stop().catch((error: unknown) => log.error({ err: error, part: part.name }, 'stop failed'));
    }
    log.info('stopped');
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    const database = await openDatabase({ databaseUrl: config.databaseUrl, pgPort: config.pgPort, dataDir });
    parts.push({ name: 'postgres', stop: database.stop });
    await migrate(database.url);
    const db = createDb(database.url);
    parts.push({ name: 'db', stop: () => db.$disconnect() });

    const boss = createJobQueue(database.url, log);
    await boss.start();
    parts.push({ name: 'pg-boss', stop: () => boss.stop({ graceful: true, timeout: 10_000 }) });

    const lines: string[] = [];
    let simulatorUrl: string | undefined;
    if (config.sim.enabled) {
      const { speed, boot } = config.sim;
      const simulator = buildSimulator({ port: config.sim.port, speed, seed: config.sim.seed, boot });
      await simulator.start();
      parts.push({ name: 'simulator', stop: simulator.stop });
      simulatorUrl = simulator.url;
      lines.push(`  Simulator: ${simulator.url}/v1 (Hetzner Cloud API, speed ${speed}, boot ${boot}; admin ${simulator.url}/_sim)`);
    }
    // The simulator this process runs is a provider endpoint like the operator's own.
    const core = simulatorUrl ? { ...config.core, providerEndpoints: [...config.core.providerEndpoints, `${simulatorUrl}/v1`] } : config.core;
    const deps: CoreDeps = { db, log, boss, keyring: loadKeyring({ env: config.secretKeys, dataDir }), config: core };
    if (role === 'all' || role === 'worker') {
      const worker = buildWorker({ ...deps, log: log.child({ role: 'worker' }) });
      await worker.start();
      parts.push({ name: 'worker', stop: worker.stop });
      lines.push('  Worker:    running (pg-boss)');
    }
    if (role === 'all' || role === 'api') {
      const webDir = path.join(REPO_ROOT, 'apps/web/dist');
      const app = buildApp({ deps: { ...deps, log: log.child({ role: 'api' }) }, databaseUrl: database.url, port, host, webDir, ...(simulatorUrl ? { simulatorUrl } : {}) });
      await app.start();
      parts.push({ name: 'api', stop: app.stop });
      const first = await ensureDevOrganization(db, dataDir);
      if (simulatorUrl) {
        const sandbox = await ensureSandboxConnection(deps, { organizationId: first.organizationId, simulatorUrl });
        lines.push(`  Provider:  "${sandbox.connection.name}" → the simulator (${sandbox.connection.credentialStatus}, ${sandbox.outcome})`);
      }
      const base = `http://localhost:${port}`;
      const tokenFile = path.relative(process.cwd(), path.join(dataDir, 'dev-token')) || 'dev-token';
      // The token itself goes to a person's terminal only: redirected output is a log, and a
      // log never holds a token (the file has it, mode 0600).
      const person = process.stdout.isTTY === true;
      lines.unshift(
        person ? `  Web app:   ${base}/#token=${first.token}` : `  Web app:   ${base}/#token=<the token in ${tokenFile}>`,
        person ? `  GraphiQL:  ${base}/graphql#token=${first.token}` : `  GraphiQL:  ${base}/graphql#token=<the token in ${tokenFile}>`,
        `  API token: ${tokenFile} (organization "default"${first.created ? ', new' : ''})`,
      );
    }
    if (stopping) return;
    console.log(`\nHangar is running (${role}, ${database.source} Postgres).\n${lines.join('\n')}\nPress Ctrl-C to stop.\n`);
  } catch (error) {
    console.error(`hangar: ${(error as Error).message}`);
    await shutdown('startup failure');
    process.exitCode = 1;
  }
}

await main();
