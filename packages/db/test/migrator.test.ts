import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { MIGRATIONS_DIR, migrate, isMigrated, readMigrations } from '../src/migrator.ts';

const adminUrl = inject('pgAdminUrl');
const name = `hangar_migrator_${process.pid}`;
const url = (() => { const u = new URL(adminUrl); u.pathname = `/${name}`; return u.toString(); })();

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(sql);
  await client.end();
}

beforeAll(async () => { await admin(`CREATE DATABASE ${name}`); });
afterAll(async () => { await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); });

describe('migrator', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('applies every migration once, recording Prisma checksums, and is a no-op the second time', async () => {
    expect(await isMigrated(url, dir)).toBe(false);
    const concurrent = await Promise.all([migrate(url, dir), migrate(url, dir)]);
    expect(concurrent.flatMap((r) => r.applied)).toEqual(readMigrations(dir).map((m) => m.name));
    expect(await isMigrated(url, dir)).toBe(true);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations"');
    await client.end();
    expect(rows).toHaveLength(readMigrations(dir).length);
    expect(rows[0].checksum).toBe(readMigrations(dir)[0]!.checksum);
    expect(rows[0].checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].applied_steps_count).toBe(1);
    expect((await migrate(url, dir)).applied).toEqual([]);
  });

  it('applies a new migration and rolls back a failing one whole', async () => {
    const good = path.join(dir, '29990101000000_add_note');
    cpSync(path.join(dir, readMigrations(dir)[0]!.name), good, { recursive: true });
    writeFileSync(path.join(good, 'migration.sql'), 'CREATE TABLE "Note" ("id" INTEGER PRIMARY KEY);');
    expect((await migrate(url, dir)).applied).toEqual(['29990101000000_add_note']);

    const bad = path.join(dir, '29990102000000_broken');
    cpSync(good, bad, { recursive: true });
    writeFileSync(path.join(bad, 'migration.sql'), 'CREATE TABLE "Half" ("id" INTEGER); SELECT no_such_function();');
    await expect(migrate(url, dir)).rejects.toThrow(/migration 29990102000000_broken failed/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const half = await client.query(`SELECT to_regclass('"Half"') AS t`);
    await client.end();
    expect(half.rows[0].t).toBeNull();
    writeFileSync(path.join(bad, 'migration.sql'), 'SELECT 1;');
  });

  it('refuses to run when an applied migration file was changed', async () => {
    appendFileSync(path.join(dir, '29990101000000_add_note', 'migration.sql'), '\n-- edited');
    await expect(migrate(url, dir)).rejects.toThrow(/29990101000000_add_note was changed after it was applied/);
    expect(await isMigrated(url, dir)).toBe(false);
  });
});
