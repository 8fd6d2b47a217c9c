import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { appendEvent } from '@hangar/core/event-log';
import { createDb } from '@hangar/db/client';
import { loadAverage, met, round2, seedNodes, size, startBenchPostgres, within } from './bench-support.ts';

/**
 * events.throughput: node events per second that reach every API process. PRODUCERS producers
 * append EVENTS events (appendEvent, one statement each) spread over NODES nodes as fast as
 * they can; PROCESSES processes (timeline-follower.ts: an event target and one nodeEvents
 * stream per node each, as an API process has) must each receive every one, in order, exactly
 * once. Value: EVENTS / (the last process's last delivery − the first send), events/s.
 * Baseline, in the same run: raw `SELECT pg_notify(...)` commits/s from PRODUCERS senders on a
 * pg.Pool. Goal: ≥ 25 % of the baseline, zero gaps.
 *   node apps/api/bench/throughput.bench.ts
 * Exits 1 when a process misses an event, gets one twice, or is not done within DONE_TIMEOUT_MS.
 */
const EVENTS = size('BENCH_EVENTS', 5_000, 300);
const PRODUCERS = 8;
const NODES = size('BENCH_NODES', 50, 10);
const PROCESSES = 2;
const DONE_TIMEOUT_MS = 300_000;
const FOLLOWER = fileURLToPath(new URL('./timeline-follower.ts', import.meta.url));

async function inParallel(count: number, job: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: PRODUCERS }, async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await job(index);
    }
  }));
}

const postgres = await startBenchPostgres('throughput');
const db = createDb(postgres.url);
const pool = new pg.Pool({ connectionString: postgres.url, max: PRODUCERS });
// An idle connection that Postgres closes while the run shuts down is not a failure of the run.
pool.on('error', () => undefined);
const children: Array<ReturnType<typeof spawn>> = [];
try {
  const seed = await seedNodes(db, NODES);
  // Baseline: raw NOTIFY commits per second (each SELECT is its own transaction).
  await inParallel(200, () => pool.query("SELECT pg_notify('bench_raw', 'warm')"));
  const rawStarted = performance.now();
  await inParallel(EVENTS, (index) => pool.query("SELECT pg_notify('bench_raw', $1)", [JSON.stringify({ nodeId: seed.nodeIds[index % NODES], organizationId: seed.organizationId, seq: index, phase: 'QUEUED' })]));
  const baseline = (EVENTS / (performance.now() - rawStarted)) * 1000;

  const perNode = Math.ceil(EVENTS / NODES);
  const total = perNode * NODES;
  const done: Array<Promise<number>> = [];
  const ready: Array<Promise<void>> = [];
  for (let index = 0; index < PROCESSES; index += 1) {
    const child = spawn(process.execPath, [FOLLOWER, postgres.url, seed.organizationId, String(perNode), seed.nodeIds.join(',')], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const lines = readline.createInterface({ input: child.stdout! });
    ready.push(new Promise((resolve, reject) => {
      lines.on('line', (line) => { if ((JSON.parse(line) as { type: string }).type === 'ready') resolve(); });
      child.once('exit', (code) => reject(new Error(`follower exited ${code} before it was ready`)));
    }));
    done.push(new Promise((resolve, reject) => {
      lines.on('line', (line) => {
        const message = JSON.parse(line) as { type: string; at?: number; message?: string };
        if (message.type === 'done') resolve(message.at ?? Number.NaN);
        if (message.type === 'fail') reject(new Error(`follower: ${message.message}`));
      });
      child.once('exit', (code) => { if (code !== 0) reject(new Error(`follower exited ${code}`)); });
    }));
  }
  await within(Promise.all(ready), DONE_TIMEOUT_MS, 'followers ready');
  const started = Date.now();
  await inParallel(total, (index) => appendEvent(db, seed.nodeIds[index % NODES]!, { phase: 'QUEUED', kind: 'PROGRESS', message: `e${index}`, progress: index % 100 }));
  const producedMs = Date.now() - started;
  const doneAt = await within(Promise.all(done), DONE_TIMEOUT_MS, 'every process has every event');
  const value = (total / (Math.max(...doneAt) - started)) * 1000;
  const result = {
    name: 'events.throughput',
    value: Math.round(value),
    baseline: Math.round(baseline),
    ratio: round2(value / baseline),
    unit: 'events/s to every process',
    producedPerSecond: Math.round((total / producedMs) * 1000),
    events: total,
    processes: PROCESSES,
    producers: PRODUCERS,
    nodes: NODES,
    gaps: 0,
    goal: '>= 25 % of baseline raw NOTIFY commits/s, zero gaps',
    met: met(value >= 0.25 * baseline),
    loadAverage: loadAverage(),
  };
  console.error(`raw NOTIFY ${result.baseline}/s; appendEvent ${result.producedPerSecond}/s produced, ${result.value}/s delivered to all ${PROCESSES} processes`);
  console.log(JSON.stringify(result));
} catch (error) {
  console.error(`FAIL: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((child) => child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined));
  await pool.end();
  await db.$disconnect();
  await postgres.stop();
}
