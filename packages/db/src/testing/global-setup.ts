import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
/** Beside each test cluster's folder: `<folder>.owner`, holding the pid of the run that started it. */
const OWNER_SUFFIX = '.owner';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Test clusters of earlier runs that were killed before their teardown: only folders this
 * setup marked as its own (an owner file beside them) whose owning run is gone. Their server
 * is the pid in the folder's postmaster.pid, and only if that process serves that folder;
 * nothing else is touched, whatever its name.
 */
function stopOrphanedTestClusters(): void {
  const tmp = os.tmpdir();
  for (const entry of readdirSync(tmp).filter((name) => name.startsWith(TEST_CLUSTER_PREFIX) && name.endsWith(OWNER_SUFFIX))) {
    const ownerFile = path.join(tmp, entry);
    const dataDir = ownerFile.slice(0, -OWNER_SUFFIX.length);
    try {
      if (alive(Number(readFileSync(ownerFile, 'utf8').trim()))) continue;
      const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (readFileSync(`/proc/${postmaster}/cmdline`, 'utf8').split('\0').includes(dataDir)) process.kill(postmaster, 'SIGQUIT');
    } catch {
      // no server left (no postmaster.pid, or it ended meanwhile): only the folders remain
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(ownerFile, { force: true });
  }
}

/**
 * One Postgres for the whole run: DATABASE_URL's server when set, else an embedded one in a
 * temp folder. It migrates a template database once; each test file copies it (fast).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: EmbeddedPostgres | undefined;
  let ownerFile: string | undefined;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
  } else {
    stopOrphanedTestClusters();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), TEST_CLUSTER_PREFIX));
    ownerFile = `${dataDir}${OWNER_SUFFIX}`;
    writeFileSync(ownerFile, String(process.pid));
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
    if (ownerFile) rmSync(ownerFile, { force: true });
  };
}
