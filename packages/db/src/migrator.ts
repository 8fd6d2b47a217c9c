import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The advisory lock key Prisma's own migrate uses, so the two never run at once. */
const MIGRATION_LOCK_KEY = 72707369;

/** prisma/migrations at the repository root. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

/** A migration problem a person must resolve; the message names the migration and the fix. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface MigrationFile { name: string; sql: string; checksum: string }

/** Prisma's checksum of a migration: the SHA-256 of the file's bytes, in hex. */
function checksumOf(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** The migrations on disk, in Prisma's folder format (<timestamp>_<name>/migration.sql), in order. */
export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    });
}

const BOOKKEEPING_DDL = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow { migration_name: string; checksum: string; finished_at: Date | null }

async function appliedMigrations(client: pg.Client): Promise<AppliedRow[]> {
  const result = await client.query<AppliedRow>(
    'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at',
  );
  return result.rows;
}

/** Compares the database's history with the files; throws MigrationError on any divergence. */
function pendingMigrations(files: MigrationFile[], applied: AppliedRow[]): MigrationFile[] {
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const row of applied) {
    const file = byName.get(row.migration_name);
    if (!file) {
      throw new MigrationError(`the database has migration ${row.migration_name}, which this code does not have; run the newer Hangar or restore the folder`);
    }
    if (row.finished_at === null) {
      throw new MigrationError(`migration ${row.migration_name} failed earlier; fix the database by hand, then mark it rolled back (prisma migrate resolve --rolled-back ${row.migration_name})`);
    }
    if (row.checksum !== file.checksum) {
      throw new MigrationError(`migration ${row.migration_name} was changed after it was applied (checksum differs); restore the file and add a new migration instead`);
    }
  }
  const done = new Set(applied.map((row) => row.migration_name));
  return files.filter((file) => !done.has(file.name));
}

/**
 * Applies pending migrations, each in its own transaction, under Prisma's advisory lock, and
 * records them in `_prisma_migrations` exactly as `prisma migrate deploy` does.
 */
export async function migrate(url: string, dir = MIGRATIONS_DIR): Promise<{ applied: string[] }> {
  const files = readMigrations(dir);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(BOOKKEEPING_DDL);
    const pending = pendingMigrations(files, await appliedMigrations(client));
    for (const file of pending) {
      const id = randomUUID();
      await client.query('BEGIN');
      try {
        await client.query('INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())', [id, file.checksum, file.name]);
        await client.query(file.sql);
        await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${file.name} failed: ${(error as Error).message}`);
      }
    }
    return { applied: pending.map((file) => file.name) };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

/** True when every migration on disk is applied and none diverges (used by /readyz). */
export async function isMigrated(url: string, dir = MIGRATIONS_DIR): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query(`SELECT to_regclass('"_prisma_migrations"') AS name`);
    if (!table.rows[0]?.name) return false;
    return pendingMigrations(readMigrations(dir), await appliedMigrations(client)).length === 0;
  } catch (error) {
    if (error instanceof MigrationError) return false;
    throw error;
  } finally {
    await client.end();
  }
}
