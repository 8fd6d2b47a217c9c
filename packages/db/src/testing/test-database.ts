import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../client.ts';

export interface TestDatabase {
  /** URL of a fresh, migrated database that belongs to one test file. */
  url: string;
  db: Db;
  /** Disconnects and drops the database. */
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Called with a test database's URL just before it is dropped (the suite's secret scan reads it then). */
export type BeforeDropHook = (url: string) => Promise<void>;
const beforeDropHooks: BeforeDropHook[] = [];

/** Runs `hook` on every test database of this file just before it is dropped. */
export function onBeforeDrop(hook: BeforeDropHook): void {
  beforeDropHooks.push(hook);
}

/** A migrated database of its own for one test file, copied from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const template = inject('pgTemplateDatabase');
  const name = `hangar_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const db = createDb(url);
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      for (const hook of beforeDropHooks) await hook(url);
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
