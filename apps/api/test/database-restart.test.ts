/**
 * Postgres killed under a running API process (SIGKILL of the postmaster, as a crashed database
 * host): while it is down the API answers a typed, retryable UNAVAILABLE (HTTP 503 with
 * Retry-After), never INTERNAL_SERVER_ERROR; it does not exit; once Postgres is back on the same
 * cluster it serves again without a restart. The cluster is this file's own (the suite's shared
 * Postgres is not killed): an embedded Postgres in a temporary folder.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@hangar/db/client';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@hangar/db/embedded-postgres';
import { migrate } from '@hangar/db/migrator';
import { freePort } from '@hangar/db/testing/free-port';
import { mintApiToken } from '@hangar/core/api-tokens';
import { printChildLogsOnFailure, startProcess, type RunningProcess } from './support/child-process.ts';

const API_ENTRY = fileURLToPath(new URL('./support/api-process.ts', import.meta.url));
/** Hang guard for one test (a loaded machine starts Postgres and Node processes slowly). */
const TEST_TIMEOUT_MS = 180_000;
/** Hang guard for the API to serve again after Postgres is back. */
const RECOVERY_GUARD_MS = 90_000;

printChildLogsOnFailure();

const QUERY = '{ viewer { organization { id } } }';

let dataRoot: string;
let pgDir: string;
let pgPort: number;
let postgres: EmbeddedPostgres;
let db: Db;
let api: RunningProcess;
let apiUrl: string;
let token: string;

async function graphql(): Promise<{ status: number; retryAfter: string | null; body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }> {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as never };
}

beforeAll(async () => {
  dataRoot = mkdtempSync(path.join(os.tmpdir(), 'hangar-db-restart-'));
  chmodSync(dataRoot, 0o711); // embedded Postgres runs as the OS user postgres when we are root
  pgDir = path.join(dataRoot, 'postgres');
  pgPort = await freePort();
  postgres = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, database: 'hangar' });
  await migrate(postgres.url);
  db = createDb(postgres.url, { poolMax: 2 });
  const organization = await db.organization.create({ data: { name: 'db-restart' } });
  ({ token } = await mintApiToken(db, { organizationId: organization.id, name: 'db-restart' }));
  await db.$disconnect();
  const port = await freePort();
  api = await startProcess(API_ENTRY, {
    DATABASE_URL: postgres.url,
    HANGAR_PORT: String(port),
    HANGAR_PUBLIC_URL: `http://127.0.0.1:${port}`,
    HANGAR_SECRET_KEY: randomBytes(32).toString('base64'),
    HANGAR_LOG_FORMAT: 'json',
    HANGAR_LOG_LEVEL: 'warn',
  }, 'API_READY');
  apiUrl = api.readyDetail;
}, TEST_TIMEOUT_MS);

afterAll(async () => {
  await api?.stop();
  await postgres?.stop().catch(() => undefined);
  if (dataRoot) rmSync(dataRoot, { recursive: true, force: true });
});

describe('Postgres killed under a running API', () => {
  it('answers UNAVAILABLE with 503 and Retry-After while it is down, and serves again once it is back', async () => {
    const before = await graphql();
    expect(before.status).toBe(200);
    expect(before.body.errors).toBeUndefined();

    // SIGKILL the postmaster: its backends end, every pooled connection of the API breaks.
    const pid = Number(readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    const down = await graphql();
    expect(down.status).toBe(503);
    expect(down.retryAfter).toMatch(/^\d+$/);
    expect(down.body.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
    expect(down.body.errors?.[0]?.extensions?.retryAfterSeconds).toBe(Number(down.retryAfter));
    expect(JSON.stringify(down.body)).not.toMatch(/INTERNAL_SERVER_ERROR|ECONNREFUSED|postmaster|127\.0\.0\.1/);

    // Back on the same cluster and port (the killed postmaster's backends may hold it a moment).
    for (let attempt = 1; ; attempt += 1) {
      try {
        postgres = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, database: 'hangar' });
        break;
      } catch (error) {
        if (attempt >= 60) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    const guard = Date.now() + RECOVERY_GUARD_MS;
    let after = await graphql();
    while (after.status !== 200 && Date.now() < guard) {
      // Every answer on the way back is typed too.
      expect(after.body.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
      await new Promise((resolve) => setTimeout(resolve, Number(after.retryAfter ?? 1) * 250));
      after = await graphql();
    }
    expect(after.status).toBe(200);
    expect(after.body.errors).toBeUndefined();
    expect(api.child.exitCode).toBeNull();
    expect(api.output()).not.toContain('unexpected error in a GraphQL operation');
  }, TEST_TIMEOUT_MS);
});
