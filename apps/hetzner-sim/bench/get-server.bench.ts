import { execFile } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { buildSimulator } from '../src/simulator.ts';

/**
 * GET /v1/servers/{id} throughput of the simulator against a bare node:http server answering a
 * fixed JSON body of the same size, both in this process, both driven by the same child-process
 * load generator (keep-alive, bounded request count, fixed concurrency). The two are measured
 * in alternation for ROUNDS rounds and each reports its median, so a burst of load from
 * elsewhere on the machine skews one round, not the result.
 *   node apps/hetzner-sim/bench/get-server.bench.ts
 * Prints one line: {"name":"sim.get_server","value":N,"baseline":M,"ratio":N/M,"unit":"req/s"}.
 * `met` says whether it served at least MIN_RPS requests per second (null under --quick: one
 * short round, no goal judged). Exits 1 when a request fails: a goal missed is a result, not a failure.
 */
const QUICK = process.env.BENCH_QUICK === '1';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? (QUICK ? 2_000 : 20_000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WARMUP_REQUESTS = QUICK ? 200 : 2_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3));
const MIN_RPS = 2_000;
/** High enough that the rate limiter never refuses a benchmark request (it still runs). */
const UNLIMITED_PER_HOUR = 1_000_000_000;
const DRIVER = fileURLToPath(new URL('./load-driver.ts', import.meta.url));

interface DriverResult {
  requests: number;
  failures: number;
  ms: number;
  rps: number;
}

function drive(url: string, requests: number, token?: string): Promise<DriverResult> {
  const args = [DRIVER, url, String(requests), String(CONCURRENCY), ...(token ? [token] : [])];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 300_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`load driver failed: ${stderr || error.message}`));
      const result = JSON.parse(stdout.trim()) as DriverResult;
      if (result.failures > 0) return reject(new Error(`${result.failures} of ${result.requests} requests to ${url} failed`));
      resolve(result);
    });
  });
}

interface CreatedAnswers {
  token?: string;
  server?: { id: number };
}

async function postJson(url: string, body: unknown, token?: string): Promise<{ status: number; json: CreatedAnswers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as CreatedAnswers };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** A bare server whose fixed JSON answer has exactly `bytes` bytes. */
async function startBaseline(bytes: number): Promise<{ url: string; close: () => Promise<void> }> {
  const skeleton = JSON.stringify({ server: { padding: '' } });
  const body = JSON.stringify({ server: { padding: 'x'.repeat(Math.max(0, bytes - skeleton.length)) } });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/servers/1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const simulator = buildSimulator({ port: 0, speed: 'instant', seed: 1 });
await simulator.start();
try {
  const project = await postJson(`${simulator.url}/_sim/projects`, { name: 'bench', rateLimit: UNLIMITED_PER_HOUR });
  const token = project.json.token ?? '';
  const created = await postJson(`${simulator.url}/v1/servers`, { name: 'bench-1', server_type: 'cx22', image: 'ubuntu-24.04', location: 'fsn1' }, token);
  if (created.status !== 201 || !created.json.server) throw new Error(`creating the server failed: ${JSON.stringify(created.json)}`);
  const serverUrl = `${simulator.url}/v1/servers/${created.json.server.id}`;
  const sample = await fetch(serverUrl, { headers: { Authorization: `Bearer ${token}` } });
  const bytes = Buffer.byteLength(await sample.text());

  const baseline = await startBaseline(bytes);
  try {
    await drive(serverUrl, WARMUP_REQUESTS, token);
    await drive(baseline.url, WARMUP_REQUESTS);
    const simRps: number[] = [];
    const bareRps: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      simRps.push((await drive(serverUrl, REQUESTS, token)).rps);
      bareRps.push((await drive(baseline.url, REQUESTS)).rps);
    }
    const rps = median(simRps);
    const baselineRps = median(bareRps);
    console.log(JSON.stringify({ name: 'sim.get_server', value: rps, baseline: baselineRps, ratio: Math.round((rps / baselineRps) * 1000) / 1000, unit: 'req/s', goal: `>= ${MIN_RPS} req/s`, met: QUICK ? null : rps >= MIN_RPS, loadAverage: Math.round(os.loadavg()[0]! * 100) / 100 }));
    console.error(`body ${bytes} bytes, ${REQUESTS} requests x ${ROUNDS} rounds, concurrency ${CONCURRENCY}; sim ${simRps.join('/')} rps, baseline ${bareRps.join('/')} rps`);
    if (!QUICK && rps < MIN_RPS) console.error(`goal not met: ${rps} requests/s is below the required ${MIN_RPS} (load ${os.loadavg()[0]?.toFixed(2)})`);
  } finally {
    await baseline.close();
  }
} finally {
  await simulator.stop();
}
