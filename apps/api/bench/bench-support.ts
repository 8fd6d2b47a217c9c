// Shared by the API benchmarks (not itself a benchmark: scripts/bench.ts runs *.bench.ts only).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mintApiToken } from '@hangar/core/api-tokens';
import { appendEvent } from '@hangar/core/event-log';
import type { Db } from '@hangar/db/client';
import { startEmbeddedPostgres } from '@hangar/db/embedded-postgres';
import { migrate } from '@hangar/db/migrator';
import { freePort } from '@hangar/db/testing/free-port';

/** `npm run bench -- --quick` (BENCH_QUICK=1): each benchmark runs briefly and checks no goal, only that what it measures works. */
export const QUICK = process.env.BENCH_QUICK === '1';

/** `full` normally, `quick` under --quick; an explicit environment variable wins. */
export function size(envName: string, full: number, quick: number): number {
  const given = process.env[envName];
  return given ? Number(given) : QUICK ? quick : full;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export const round2 = (value: number): number => Math.round(value * 100) / 100;

/** The 1-minute load average when the result was taken (the machine is shared). */
export const loadAverage = (): number => round2(os.loadavg()[0] ?? 0);

/** A goal's verdict: null under --quick (goals are not judged there). */
export const met = (ok: boolean): boolean | null => (QUICK ? null : ok);

/** `promise`, or a rejection naming `what` after `ms` (the timer does not outlive the race). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

export interface BenchPostgres {
  url: string;
  stop(): Promise<void>;
}

/** A migrated embedded PostgreSQL in a temporary folder on a free loopback port; stop() removes it all. */
export async function startBenchPostgres(name: string): Promise<BenchPostgres> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `hangar-bench-${name}-`));
  // The embedded Postgres runs as the OS user postgres when we are root: it must traverse this.
  chmodSync(dataDir, 0o755);
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'postgres'),
    port: await freePort(),
    database: 'hangar_bench',
    ephemeral: true,
  });
  try {
    await migrate(postgres.url);
  } catch (error) {
    await postgres.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: postgres.url,
    async stop() {
      await postgres.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An organization with an API token, a provider connection row and `nodes` nodes, each with one QUEUED event (not resting). */
export async function seedNodes(db: Db, nodes: number): Promise<{ organizationId: string; token: string; connectionId: string; nodeIds: string[] }> {
  const organization = await db.organization.create({ data: { name: 'bench' } });
  const { token } = await mintApiToken(db, { organizationId: organization.id, name: 'bench' });
  const connection = await db.providerConnection.create({
    data: { organizationId: organization.id, name: 'bench', kind: 'HETZNER', apiEndpoint: 'http://127.0.0.1:1/v1', tokenSealed: 'sealed', tokenKeyId: 'k', tokenHint: '…abcd', tokenFingerprint: 'f'.repeat(16) },
  });
  const nodeIds: string[] = [];
  for (let index = 0; index < nodes; index += 1) {
    const node = await db.node.create({ data: { organizationId: organization.id, providerConnectionId: connection.id, name: `bench-${index}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' } });
    await appendEvent(db, node.id, { phase: 'QUEUED', kind: 'PHASE_ENTERED', message: 'queued' });
    nodeIds.push(node.id);
  }
  return { organizationId: organization.id, token, connectionId: connection.id, nodeIds };
}

/** Appends one event with message `key` to every node, `concurrency` at a time. */
export async function appendToAll(db: Db, nodeIds: string[], key: string, concurrency = 8): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < nodeIds.length) {
      const nodeId = nodeIds[next]!;
      next += 1;
      await appendEvent(db, nodeId, { phase: 'QUEUED', kind: 'INFO', message: key });
    }
  }));
}

/** api.nodes_page's request: `nodes(first: 50)` with its connection fields. */
export const NODES_PAGE_QUERY = '{ nodes(first: 50) { edges { cursor node { id name phase serverType location image ipv4 ipv6 attempt createdAt providerConnection { id name kind } } } pageInfo { hasNextPage endCursor } } }';
export const NODE_EVENTS_QUERY = 'subscription ($nodeId: ID!, $after: Int) { nodeEvents(nodeId: $nodeId, after: $after) { seq phase kind message progress attempt at } }';

export type GraphQL = <T = unknown>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/** POSTs to `apiUrl`/graphql as `token`: the `data`, or a rejection with the errors. */
export function graphqlClient(apiUrl: string, token: string): GraphQL {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    const body = await response.json() as { data?: T; errors?: unknown };
    if (!body.data || body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
}

/** A simulator project with no practical rate or server limit at `simUrl`, and a provider connection to it made through the API (its id). */
export async function connectSimulator(graphql: GraphQL, simUrl: string): Promise<{ id: string }> {
  const project = await (await fetch(`${simUrl}/_sim/projects`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench', rateLimit: 3_600_000, serverLimit: 100_000 }) })).json() as { token: string };
  const { createProviderConnection: { providerConnection } } = await graphql<{ createProviderConnection: { providerConnection: { id: string } } }>(
    'mutation ($input: CreateProviderConnectionInput!) { createProviderConnection(input: $input) { ... on CreateProviderConnectionPayload { providerConnection { id } } } }',
    { input: { name: 'sim', kind: 'HETZNER', token: project.token, apiEndpoint: `${simUrl}/v1` } },
  );
  return providerConnection;
}
