import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDb } from '@hangar/db/client';
import { startApiProcess, startEchoServer } from './bench-processes.ts';
import { loadAverage, median, met, NODES_PAGE_QUERY, round2, seedNodes, size, startBenchPostgres } from './bench-support.ts';

/**
 * api.nodes_page: `nodes(first: 50)` with its connection fields, requests/s and p50 at 1 and at
 * 50 concurrent clients (graphql-driver.ts, a process of its own, keep-alive), on one API
 * process over an organization of NODES nodes. Baseline, in the same run: the bare Yoga server
 * of echo-server.ts answering the same query from a static page of the same shape. ROUNDS
 * rounds in alternation, medians reported. Goal: ≥ 40 % of the baseline's requests/s (at 50
 * clients). "≤ 2 SQL statements per request" is pinned by apps/api/test/query-count.test.ts.
 * The query is NODES_PAGE_QUERY (bench-support.ts), in one place: the contract rework (issue 10)
 * changes it; apps/api/test/query-count.test.ts pins its SQL statements.
 *   node apps/api/bench/nodes-page.bench.ts
 * Exits 1 when a response is not a page (an error or a non-200).
 */
const NODES = size('BENCH_NODES', 200, 60);
const REQUESTS_SERIAL = size('BENCH_REQUESTS_SERIAL', 500, 30);
const REQUESTS_PARALLEL = size('BENCH_REQUESTS', 3_000, 150);
const PARALLEL = 50;
const ROUNDS = size('BENCH_ROUNDS', 3, 1);
const DRIVER = fileURLToPath(new URL('./graphql-driver.ts', import.meta.url));

interface Driven { failures: number; firstFailure: string; rps: number; p50: number; p99: number }
function drive(url: string, token: string, requests: number, concurrency: number): Driven {
  const output = execFileSync(process.execPath, [DRIVER, url, String(requests), String(concurrency), token, JSON.stringify({ query: NODES_PAGE_QUERY })], { encoding: 'utf8' });
  const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Driven;
  if (result.failures > 0) throw new Error(`${result.failures} of ${requests} requests to ${url} failed: ${result.firstFailure}`);
  return result;
}

const postgres = await startBenchPostgres('nodes-page');
const db = createDb(postgres.url);
const stops: Array<() => Promise<unknown>> = [];
try {
  const seed = await seedNodes(db, NODES);
  // One at a time, each stopped by `finally` once started.
  const api = await startApiProcess(postgres.url);
  stops.push(() => api.stop());
  const echo = await startEchoServer();
  stops.push(() => echo.stop());
  const targets = { hangar: { url: api.url, token: seed.token }, baseline: { url: echo.url, token: 'none' } };
  for (const target of Object.values(targets)) drive(target.url, target.token, Math.ceil(REQUESTS_SERIAL / 5), 4);
  const runs: Record<keyof typeof targets, { serial: Driven[]; parallel: Driven[] }> = { hangar: { serial: [], parallel: [] }, baseline: { serial: [], parallel: [] } };
  for (let round = 0; round < ROUNDS; round += 1) {
    const order: Array<keyof typeof targets> = round % 2 === 0 ? ['baseline', 'hangar'] : ['hangar', 'baseline'];
    for (const which of order) {
      runs[which].serial.push(drive(targets[which].url, targets[which].token, REQUESTS_SERIAL, 1));
      runs[which].parallel.push(drive(targets[which].url, targets[which].token, REQUESTS_PARALLEL, PARALLEL));
    }
  }
  const med = (which: keyof typeof targets, mode: 'serial' | 'parallel', field: 'rps' | 'p50' | 'p99') => round2(median(runs[which][mode].map((one) => one[field])));
  const value = med('hangar', 'parallel', 'rps');
  const baseline = med('baseline', 'parallel', 'rps');
  const result = {
    name: 'api.nodes_page',
    value,
    baseline,
    ratio: round2(value / baseline),
    unit: 'req/s at 50 clients',
    p50Ms: med('hangar', 'parallel', 'p50'),
    p99Ms: med('hangar', 'parallel', 'p99'),
    baselineP50Ms: med('baseline', 'parallel', 'p50'),
    serialRps: med('hangar', 'serial', 'rps'),
    serialP50Ms: med('hangar', 'serial', 'p50'),
    baselineSerialRps: med('baseline', 'serial', 'rps'),
    baselineSerialP50Ms: med('baseline', 'serial', 'p50'),
    serialRatio: round2(med('hangar', 'serial', 'rps') / med('baseline', 'serial', 'rps')),
    nodes: NODES,
    rounds: ROUNDS,
    goal: '>= 40 % of baseline req/s; <= 2 SQL statements per request (apps/api/test/query-count.test.ts)',
    met: met(value >= 0.4 * baseline),
    loadAverage: loadAverage(),
  };
  console.error(`hangar: ${JSON.stringify(runs.hangar)}\nbaseline: ${JSON.stringify(runs.baseline)}`);
  console.log(JSON.stringify(result));
} catch (error) {
  console.error(`FAIL: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  await db.$disconnect();
  await postgres.stop();
}
