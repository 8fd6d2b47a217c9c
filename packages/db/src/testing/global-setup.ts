import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../embedded-postgres.ts';
import { migrate } from '../migrator.ts';
import { freePort } from './free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the test server's `postgres` database. */
    pgAdminUrl: string;
    /** A migrated database every test database is copied from. */
    pgTemplateDatabase: string;
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

const TEST_CLUSTER_PREFIX = 'hangar-test-pg-';

/**
 * Test clusters of earlier runs that were killed before their teardown (their parent is gone):
 * stop them and delete their folders, so aborted runs do not pile up servers.
 */
function stopOrphanedTestClusters(): void {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const dataDir = cmdline[cmdline.indexOf('-D') + 1] ?? '';
      if (!path.basename(cmdline[0] ?? '').startsWith('postgres') || !path.basename(dataDir).startsWith(TEST_CLUSTER_PREFIX)) continue;
      if (!/^PPid:\s+1$/m.test(readFileSync(`/proc/${entry}/status`, 'utf8'))) continue;
      process.kill(Number(entry), 'SIGQUIT');
      rmSync(dataDir, { recursive: true, force: true });
    } catch {
      // the process ended meanwhile, or /proc is not Linux's: nothing to clean
    }
  }
}

/**
 * One Postgres for the whole run: DATABASE_URL's server when set, else an embedded one in a
 * temp folder. It migrates a template database once; each test file copies it (fast).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: EmbeddedPostgres | undefined;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
  } else {
    stopOrphanedTestClusters();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), TEST_CLUSTER_PREFIX));
    server = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres', ephemeral: true });
    adminUrl = server.url;
  }
  const template = `hangar_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  await migrate(withDatabase(adminUrl, template));

  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplateDatabase', template);

  return async () => {
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await cleanup.end();
    await server?.stop();
  };
}
