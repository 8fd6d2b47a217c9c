/**
 * The suite-wide secret scan (issue 13, part 1). Every test file collects (secret-registry.ts):
 * the secrets Hangar made or was given while it ran (API tokens, provider tokens, registration
 * tokens, node credentials, secret keys), every line its Hangar loggers wrote, the output of
 * every child process it started (API and worker processes), and every GraphQL response body it
 * fetched; just before each of its test databases is dropped, every row of every table is read.
 * At the end of the file the scan looks for every secret, whole and by its first
 * PREFIX_CHARS characters, and for anything shaped like a Hangar token (`hgr_`, `rt_`, `nc_`:
 * those minted inside a child process are not in this process's registry), and fails the file
 * on a hit. Wired in by secret-scan-setup.ts (vitest setupFiles); the canary test
 * (packages/core/test/secret-scan.test.ts) proves it finds a planted secret in each place.
 */
import pg from 'pg';
import type { SecretRegistry } from '@hangar/domain/secret-registry';

/** Characters of a long secret also searched for on their own (what a console or a log line cut short shows). */
const PREFIX_CHARS = 32;
/** Hangar's own secrets by their visible prefixes (api-tokens.ts, bootstrap.ts). */
const TOKEN_SHAPE = /\b(?:hgr|rt|nc)_[A-Za-z0-9_-]{20,}/g;

export interface SecretHit {
  /** Where it was found: `log`, `child <entry>`, `response`, `database <table>`. */
  where: string;
  /** The secret's first characters and length: enough to tell which, not enough to use it. */
  secret: string;
}

function describeSecret(secret: string): string {
  return `${secret.slice(0, 4)}… (${secret.length} chars)`;
}

/** The needles for `registry`: each secret, and the prefix of the long ones. */
function needles(registry: SecretRegistry): string[] {
  const all = new Set<string>();
  for (const secret of registry.secrets) {
    all.add(secret);
    if (secret.length > PREFIX_CHARS + 8) all.add(secret.slice(0, PREFIX_CHARS));
  }
  return [...all];
}

/** Hits in `text` (from `where`). */
export function scanText(registry: SecretRegistry, where: string, text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const needle of needles(registry)) {
    if (text.includes(needle)) hits.push({ where, secret: describeSecret(needle) });
  }
  for (const match of text.matchAll(TOKEN_SHAPE)) hits.push({ where, secret: describeSecret(match[0]) });
  return hits;
}

/** Hits in everything the registry collected (log lines, child output, responses). */
export function scanCollected(registry: SecretRegistry): SecretHit[] {
  return registry.texts.flatMap(({ where, text }) => scanText(registry, where, text));
}

/** Hits in every row of every table of the database at `url` (Postgres' own schemas aside). */
export async function scanDatabase(registry: SecretRegistry, url: string): Promise<SecretHit[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const hits: SecretHit[] = [];
    for (const { table_schema: schema, table_name: name } of tables.rows) {
      const table = `"${schema.replaceAll('"', '""')}"."${name.replaceAll('"', '""')}"`;
      const result = await client.query<{ rows: string | null }>(`SELECT string_agg(row_to_json(t)::text, E'\\n') AS rows FROM ${table} t`);
      const text = result.rows[0]?.rows;
      if (text) hits.push(...scanText(registry, `database ${schema}.${name}`, text));
    }
    return hits;
  } finally {
    await client.end();
  }
}

/** The error a file fails with: where each hit was, never the secret itself. */
export function secretScanFailure(hits: SecretHit[]): Error {
  const lines = [...new Set(hits.map((hit) => `${hit.where}: ${hit.secret}`))];
  return new Error(`secret scan: ${hits.length} secret(s) found where none may be:\n${lines.join('\n')}`);
}
