import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@hangar/db/testing/free-port';

/**
 * How long `npm start` (node scripts/start.ts) takes until it prints "Press Ctrl-C to stop.":
 * the first start in an empty data folder (initdb, migrations, first organization and token)
 * and the second start on the same folder (everything reused), against a baseline that is
 * spawned and watched the same way: `node -e "console.log('Press Ctrl-C to stop.')"` (the
 * cost of starting Node and reading a line from its stdout). Each is stopped with SIGINT and
 * must exit 0. The three are measured in alternation for ROUNDS rounds, each in a fresh
 * temporary data folder with free ports; each reports its median.
 *   node apps/api/bench/start.bench.ts
 * Prints one line last: {"name":"api.start","value":<first start ms>,"baseline":<ms>,"ratio":..,
 * "reuseMs":..,"reuseRatio":..,...}. Exits 1 when a start fails, times out or exits non-zero.
 */
/** `npm run bench -- --quick` (BENCH_QUICK=1): one round. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (process.env.BENCH_QUICK === '1' ? 1 : 3));
/** A start that has not printed the line by then counts as failed (the run stops there). */
const START_TIMEOUT_MS = 60_000;
/** After SIGINT, how long a clean stop may take before the process is killed (and the run fails). */
const STOP_TIMEOUT_MS = 20_000;
const READY_LINE = 'Press Ctrl-C to stop.';
const REPO = path.resolve(import.meta.dirname, '../../..');
/** Output kept per process for an error message. */
const OUTPUT_TAIL_CHARS = 4_000;

interface Timed {
  /** From spawn to the moment the ready line reached our pipe. */
  readyMs: number;
  /** From SIGINT to exit. */
  stopMs: number;
}

/** `promise`, or 'timeout' after `ms` (the timer does not outlive the race). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Spawns `args` with `env`, times it to READY_LINE on stdout, then stops it with SIGINT; it must
 * exit 0 (`mayEndFirst`: or end by itself, or by that SIGINT, as the one-line baseline does).
 */
async function timeStart(args: string[], env: NodeJS.ProcessEnv, mayEndFirst = false): Promise<Timed> {
  const began = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let ended = false;
  void exited.then(() => { ended = true; });
  try {
    const readyAt = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${READY_LINE}" within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
      const onData = (chunk: Buffer): void => {
        const at = performance.now();
        output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
        if (output.includes(READY_LINE)) {
          clearTimeout(timer);
          resolve(at);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS); });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`exited (${code ?? signal}) before "${READY_LINE}":\n${output}`));
      });
    });
    const stopping = performance.now();
    if (!ended) child.kill('SIGINT');
    const exit = await within(exited, STOP_TIMEOUT_MS);
    if (exit === 'timeout') throw new Error(`did not stop within ${STOP_TIMEOUT_MS} ms of SIGINT:\n${output}`);
    const clean = exit.code === 0 || (mayEndFirst && exit.signal === 'SIGINT');
    if (!clean) throw new Error(`exited ${exit.code ?? exit.signal} after SIGINT:\n${output}`);
    return { readyMs: readyAt - began, stopMs: performance.now() - stopping };
  } finally {
    // Never leave a Hangar (and its Postgres) running behind a failed measurement.
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      if ((await within(exited, STOP_TIMEOUT_MS)) === 'timeout') child.kill('SIGKILL');
    }
  }
}

/** A fresh data folder that the embedded Postgres (run as the OS user postgres under root) can traverse. */
function freshDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-bench-start-'));
  chmodSync(dir, 0o755);
  return dir;
}

async function hangarEnv(dataDir: string): Promise<NodeJS.ProcessEnv> {
  const [port, pgPort, simPort] = [await freePort(), await freePort(), await freePort()];
  return {
    ...process.env,
    HANGAR_DATA_DIR: dataDir,
    HANGAR_PORT: String(port),
    HANGAR_PG_PORT: String(pgPort),
    HANGAR_SIM_PORT: String(simPort),
    HANGAR_SIM_SPEED: 'fast',
    HANGAR_LOG_FORMAT: 'json',
    DATABASE_URL: '',
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
const ratio = (value: number, base: number): number => Math.round((value / base) * 100) / 100;

const baseline: Timed[] = [];
const first: Timed[] = [];
const second: Timed[] = [];
try {
  for (let round = 0; round < ROUNDS; round += 1) {
    baseline.push(await timeStart(['-e', `console.log(${JSON.stringify(READY_LINE)})`], await hangarEnv(os.tmpdir()), true));
    const dataDir = freshDataDir();
    try {
      first.push(await timeStart(['scripts/start.ts'], await hangarEnv(dataDir)));
      second.push(await timeStart(['scripts/start.ts'], await hangarEnv(dataDir)));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const show = (list: Timed[]) => list.map((one) => Math.round(one.readyMs)).join(' / ');
  console.error(`${ROUNDS} rounds; ready ms: baseline ${show(baseline)}; first start ${show(first)}; second start ${show(second)}`);
  console.error(`stop ms (SIGINT to exit): first start ${first.map((one) => Math.round(one.stopMs)).join(' / ')}; second start ${second.map((one) => Math.round(one.stopMs)).join(' / ')}`);
  const baselineMs = median(baseline.map((one) => one.readyMs));
  const firstMs = median(first.map((one) => one.readyMs));
  const reuseMs = median(second.map((one) => one.readyMs));
  console.log(JSON.stringify({
    name: 'api.start',
    value: round1(firstMs),
    baseline: round1(baselineMs),
    ratio: ratio(firstMs, baselineMs),
    unit: 'ms',
    reuseMs: round1(reuseMs),
    reuseRatio: ratio(reuseMs, baselineMs),
    firstStopMs: round1(median(first.map((one) => one.stopMs))),
    reuseStopMs: round1(median(second.map((one) => one.stopMs))),
    rounds: ROUNDS,
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  }));
} catch (error) {
  console.error(`FAIL: ${(error as Error).message}`);
  process.exitCode = 1;
}
