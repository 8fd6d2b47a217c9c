// `npm run chaos -- --nodes N --kills K [--seed S]`: N acquisitions through the API while worker
// processes are killed with SIGKILL K times at random (seeded) moments and restarted, and once
// each the API process and Postgres itself. Then one table, and a non-zero exit on any bad
// figure. Everything is real and local: an embedded Postgres of its own, the Hetzner simulator,
// an API process and two worker processes (the test entries apps/api/test/support/api-process.ts
// and apps/worker/test/support/worker-process.ts), all on free ports. docs/reliability.md has the
// promises this checks and the table of the last full run.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '@hangar/db/client';
import { startEmbeddedPostgres } from '@hangar/db/embedded-postgres';
import { migrate } from '@hangar/db/migrator';
import { freePort } from '@hangar/db/testing/free-port';
import { HAPPY_PATH, isTerminalPhase, type Phase } from '@hangar/domain/phases';
import { mintApiToken } from '@hangar/core/api-tokens';
import type { CoreDeps } from '@hangar/core/deps';
import { readConfig } from '@hangar/core/config';
import { createLogger } from '@hangar/core/logger';
import { PHASE_DEADLINES_MS } from '@hangar/core/deadlines';
import { createConnection } from '@hangar/core/provider-connections';
import { createKeyring } from '@hangar/core/secrets';
import { NODE_ID_LABEL, ATTEMPT_LABEL } from '@hangar/core/server-labels';
import { createHarnessClient } from '@hangar/harness/client';
import { HarnessError } from '@hangar/harness/harness-error';
import { buildSimulator } from '../apps/hetzner-sim/src/simulator.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const API_ENTRY = path.join(REPO_ROOT, 'apps/api/test/support/api-process.ts');
const WORKER_ENTRY = path.join(REPO_ROOT, 'apps/worker/test/support/worker-process.ts');
/** Worker processes running side by side. */
const WORKERS = 2;

/** Nodes are created over this many milliseconds per node, so kills land while acquisitions run. */
const CREATE_SPREAD_MS_PER_NODE = 400;
/** Longest a killed worker (or all of them) stays down. */
const MAX_WORKER_DOWNTIME_MS = 15_000;
/** A node that has not changed for this long after the last kill (at least its longest phase deadline and 30 s), and is not terminal, is stuck. */
const STUCK_AFTER_MS = 90_000;
const POLL_MS = 500;

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '20' },
    kills: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    // Production deadlines by default: on a busy machine a held phase really can take long. With a
    // smaller scale (e.g. 0.1: VALIDATING 6 s) every worker kill outlasts a deadline; Hangar's own
    // downtime must still fail nothing (apps/worker/test/worker-downtime.test.ts proves that alone).
    'deadline-scale': { type: 'string', default: '1' },
  },
});
const DEADLINE_SCALE = Number(args['deadline-scale']);
const NODES = Number(args.nodes);
const KILLS = Number(args.kills);
const SEED = Number(args.seed);
if (!Number.isInteger(NODES) || NODES < 1 || !Number.isInteger(KILLS) || KILLS < 0 || !Number.isInteger(SEED) || !(DEADLINE_SCALE > 0)) {
  console.error('usage: npm run chaos -- --nodes N (>= 1) --kills K (>= 0) [--seed S] [--deadline-scale X (> 0)]');
  process.exit(2);
}

/** mulberry32: the run's one source of randomness, so a seed replays the same schedule. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = prng(SEED);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (line: string) => console.log(`chaos ${elapsed()} ${line}`);

// ---------------------------------------------------------------------------------------------
// The stack

const dataRoot = mkdtempSync(path.join(os.tmpdir(), 'hangar-chaos-'));
chmodSync(dataRoot, 0o711); // embedded Postgres runs as the OS user postgres when we are root
const pgDir = path.join(dataRoot, 'postgres');
/** Every child process of the run (API, workers), so every exit path can end them. */
const children = new Set<ChildProcess>();

/**
 * Ends what the run started, on every way out: the normal end, a crash (an exception, a rejected
 * top-level await), Ctrl-C or SIGTERM. Synchronous, so it also runs in process.on('exit'):
 * SIGKILL to the Hangar processes, SIGQUIT (immediate shutdown, backends included) to the
 * postmaster, then the data folder goes.
 */
function cleanUpSync(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  try {
    const pid = Number(readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGQUIT');
  } catch {
    // no Postgres running (never started, or already stopped)
  }
  rmSync(dataRoot, { recursive: true, force: true });
}
process.on('exit', cleanUpSync);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.error(`chaos: ${signal}; stopping every process of the run`);
    process.exit(130);
  });
}
process.on('uncaughtException', (error) => {
  console.error('chaos: crashed:', error);
  process.exit(1);
});
process.on('unhandledRejection', (error) => {
  console.error('chaos: crashed:', error);
  process.exit(1);
});
const pgPort = await freePort();
let postgres = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, database: 'hangar' });
const databaseUrl = postgres.url;
await migrate(databaseUrl);
const db = createDb(databaseUrl, { poolMax: 4 });
const secretKey = randomBytes(32);
const keyring = createKeyring(secretKey);
const log = createLogger({ name: 'chaos', level: 'silent' });

// The machines retry a failed registration from the real agent's first delay on (2 s, doubling;
// packages/core/agent/hangar-agent.sh), not the fast preset's 50 ms: with 50 ms their five tries
// span 0.75 s, so a machine booting while the run has Postgres or the API down gave up and its
// node failed NODE_BOOTSTRAP_TIMEOUT minutes later. A real machine keeps trying for minutes.
const MACHINE_REGISTER_RETRY_BASE_MS = 2_000;
const sim = buildSimulator({ port: 0, speed: 'fast', seed: SEED, registerRetryBaseMs: MACHINE_REGISTER_RETRY_BASE_MS });
await sim.start();
const simAdmin = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
  const response = await fetch(`${sim.url}${route}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw new Error(`simulator ${method} ${route}: ${response.status}`);
  return (await response.json()) as T;
};
// Room for every node's server (the simulator's default project limit is Hetzner's, far below 100).
const project = await simAdmin<{ project: { id: number }; token: string }>('POST', '/_sim/projects', { name: 'chaos', serverLimit: NODES * 2 });

const organization = await db.organization.create({ data: { name: `chaos-${SEED}` } });
const { token: apiToken } = await mintApiToken(db, { organizationId: organization.id, name: 'chaos' });
const apiPort = await freePort();
const apiUrl = `http://127.0.0.1:${apiPort}`;
/** The configuration every Hangar process of the run shares: the simulator is an allowed provider endpoint, and one token drives every client. */
const hangarEnv = {
  HANGAR_PUBLIC_URL: apiUrl,
  HANGAR_DEADLINE_SCALE: String(DEADLINE_SCALE),
  HANGAR_PROVIDER_ENDPOINTS: `${sim.url}/v1`,
  HANGAR_RATE_LIMIT_REQUESTS_PER_MINUTE: '1000000',
  HANGAR_RATE_LIMIT_SOCKETS: '10000',
};
const coreDeps = { db, log, keyring, config: readConfig(hangarEnv) } as unknown as CoreDeps;
const connection = await createConnection(coreDeps, { organizationId: organization.id, apiTokenId: null }, { name: 'sim', kind: 'HETZNER', token: project.token, apiEndpoint: `${sim.url}/v1` });
if (connection.credentialStatus !== 'VALID') throw new Error(`the simulator connection is ${connection.credentialStatus}`);

const secrets = [apiToken, project.token, secretKey.toString('base64')];
const childOutput: string[] = [];
const childEnv = {
  ...process.env,
  ...hangarEnv,
  DATABASE_URL: databaseUrl,
  HANGAR_PORT: String(apiPort),
  HANGAR_PUBLIC_URL: apiUrl,
  HANGAR_SECRET_KEY: secretKey.toString('base64'),
  HANGAR_DEADLINE_SCALE: String(DEADLINE_SCALE),
  HANGAR_LOG_FORMAT: 'json',
  HANGAR_LOG_LEVEL: 'info',
};

interface Role {
  name: string;
  entry: string;
  ready: string;
  child: ChildProcess | null;
  /** Set while the role is down on purpose (killed, not yet restarted). */
  down: boolean;
}
const roles: Role[] = [
  { name: 'api', entry: API_ENTRY, ready: 'API_READY', child: null, down: false },
  ...Array.from({ length: WORKERS }, (_, index) => ({ name: `worker-${index + 1}`, entry: WORKER_ENTRY, ready: 'WORKER_READY', child: null, down: false })),
];
let unexpectedExits = 0;
let finishing = false;

/** Starts a role's process and waits for its ready line; an exit nobody asked for restarts it. */
async function start(role: Role): Promise<void> {
  const child = spawn(process.execPath, [role.entry], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  role.child = child;
  role.down = false;
  let output = '';
  let ready = false;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      childOutput.push(text);
      output += text;
      if (!ready && output.includes(role.ready)) {
        ready = true;
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      if (!ready) {
        reject(new Error(`${role.name} exited (${code ?? signal}) before it was ready:\n${output.slice(-2_000)}`));
        return;
      }
      if (role.child !== child || role.down || finishing) return;
      unexpectedExits += 1;
      // Its last lines (pg-boss's connection errors left out): why it exited.
      const last = output.split('\n').filter((line) => line !== '' && !line.includes('"pg-boss error"')).slice(-15).map((line) => line.slice(0, 600));
      say(`${role.name} exited by itself (${code ?? signal}); restarting it. Its last lines:\n${last.join('\n')}`);
      role.child = null;
      void sleep(1_000).then(() => startUntilUp(role));
    });
  });
}

/** Starts a role, retrying while its dependencies (Postgres) come back. */
async function startUntilUp(role: Role): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await start(role);
      return;
    } catch (error) {
      if (attempt >= 20 || finishing) throw error;
      await sleep(1_000);
    }
  }
}

async function kill(role: Role): Promise<void> {
  const child = role.child;
  role.down = true;
  role.child = null;
  if (!child || child.exitCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

/** SIGKILLs the postmaster (its pid is the first line of postmaster.pid) and starts Postgres again on the same cluster. */
async function killPostgres(downMs: number): Promise<void> {
  const pid = Number(readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGKILL');
  await sleep(downMs);
  for (let attempt = 1; ; attempt += 1) {
    try {
      postgres = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, database: 'hangar' });
      return;
    } catch (error) {
      // Backends of the killed postmaster may still hold the shared memory for a moment.
      if (attempt >= 30) throw error;
      await sleep(500);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The run

let http500s = 0;
/** 503 UNAVAILABLE answers (with Retry-After) while Postgres was down: typed and retryable, not a bad figure. */
let unavailable = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  if (response.status >= 500 && String(input instanceof Request ? input.url : input).startsWith(apiUrl)) {
    if (response.status === 503 && response.headers.has('retry-after')) {
      unavailable += 1;
    } else {
      http500s += 1;
      say(`HTTP ${response.status} from the API`);
    }
  }
  return response;
};

for (const role of roles) await startUntilUp(role);
/** Creations and kills are scheduled from here. */
const runStarted = Date.now();
say(`stack up: Postgres :${pgPort}, simulator ${sim.url}, API ${apiUrl}, ${WORKERS} workers; ${NODES} nodes, ${KILLS} worker kills, seed ${SEED}, deadline scale ${DEADLINE_SCALE}`);

const harness = createHarnessClient({ url: apiUrl, token: apiToken });
const nodeIds: string[] = [];

/** createNode through the API; retried while the API is down (a lost answer is found by the node's unique name). */
async function acquire(index: number): Promise<void> {
  const name = `chaos-${index + 1}`;
  for (;;) {
    try {
      const node = await harness.acquire({ providerConnectionId: connection.id, name, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' });
      nodeIds.push(node.id);
      return;
    } catch (error) {
      if (error instanceof HarnessError && error.code === 'INTERNAL_SERVER_ERROR') {
        http500s += 1;
        say(`createNode answered INTERNAL_SERVER_ERROR: ${error.message}`);
      }
      const existing = await db.node.findFirst({ where: { organizationId: organization.id, name }, select: { id: true } }).catch(() => null);
      if (existing) {
        nodeIds.push(existing.id);
        return;
      }
      await sleep(500);
    }
  }
}

const spreadMs = NODES * CREATE_SPREAD_MS_PER_NODE;
const creations = Array.from({ length: NODES }, (_, index) => sleep(random() * spreadMs).then(() => acquire(index)));

type Kill = { at: number; what: 'workers' | 'api' | 'postgres' };
const windowMs = spreadMs + 10_000;
const schedule: Kill[] = [
  ...Array.from({ length: KILLS }, () => ({ at: random() * windowMs, what: 'workers' as const })),
  { at: random() * windowMs, what: 'api' as const },
  { at: random() * windowMs, what: 'postgres' as const },
].sort((a, b) => a.at - b.at);
const kills = { workers: 0, api: 0, postgres: 0 };

async function runSchedule(): Promise<void> {
  for (const planned of schedule) {
    const wait = runStarted + planned.at - Date.now();
    if (wait > 0) await sleep(wait);
    if (planned.what === 'workers') {
      const workers = roles.filter((role) => role.name.startsWith('worker') && role.child !== null);
      // One kill in three takes every worker down at once: then nobody holds any job.
      const victims = random() < 1 / 3 ? workers : workers.slice(Math.floor(random() * workers.length)).slice(0, 1);
      const downMs = Math.round(random() * MAX_WORKER_DOWNTIME_MS);
      say(`SIGKILL ${victims.map((role) => role.name).join(', ') || '(no worker up)'}; down ${downMs} ms`);
      await Promise.all(victims.map(kill));
      kills.workers += 1;
      await sleep(downMs);
      await Promise.all(victims.map(startUntilUp));
    } else if (planned.what === 'api') {
      const api = roles[0] as Role;
      const downMs = 1_000 + Math.round(random() * 2_000);
      say(`SIGKILL api; down ${downMs} ms`);
      await kill(api);
      kills.api += 1;
      await sleep(downMs);
      await startUntilUp(api);
    } else {
      const downMs = 1_000 + Math.round(random() * 2_000);
      say(`SIGKILL postgres; down ${downMs} ms`);
      await killPostgres(downMs);
      kills.postgres += 1;
    }
  }
}

await Promise.all([runSchedule(), Promise.all(creations)]);
const lastKillAt = Date.now();
say(`every node created and every kill done; waiting for the ${NODES} acquisitions to end`);

/** A node waiting on a deadline is not stuck before the deadline has passed. */
const stuckAfterMs = Math.max(STUCK_AFTER_MS, Math.max(...Object.values(PHASE_DEADLINES_MS)) * DEADLINE_SCALE + 30_000);

/** Waits until every node is terminal, or none has changed for stuckAfterMs. */
async function settle(): Promise<Array<{ id: string; phase: Phase }>> {
  const lastChange = new Map<string, { seq: number; at: number }>();
  for (;;) {
    const nodes = await db.node.findMany({ where: { id: { in: nodeIds } }, select: { id: true, phase: true, lastSeq: true } }).catch(() => null);
    if (nodes !== null) {
      const open = nodes.filter((node) => !isTerminalPhase(node.phase));
      if (open.length === 0) return nodes;
      const now = Date.now();
      for (const node of open) {
        const seen = lastChange.get(node.id);
        if (!seen || seen.seq !== node.lastSeq) lastChange.set(node.id, { seq: node.lastSeq, at: now });
      }
      if (open.every((node) => now - Math.max(lastKillAt, lastChange.get(node.id)?.at ?? now) > stuckAfterMs)) return nodes;
    }
    await sleep(POLL_MS);
  }
}
const settled = await settle();
const endedAt = Date.now();

// ---------------------------------------------------------------------------------------------
// The figures

type SimServer = { id: number; labels: Record<string, string>; deleted: boolean };
const { servers } = await simAdmin<{ servers: SimServer[] }>('GET', `/_sim/servers?includeDeleted=true&projectId=${project.project.id}`);
const phaseOf = new Map(settled.map((node) => [node.id, node.phase]));
const serversPer = new Map<string, number>();
for (const server of servers) {
  const key = `${server.labels[NODE_ID_LABEL]}:${server.labels[ATTEMPT_LABEL]}`;
  serversPer.set(key, (serversPer.get(key) ?? 0) + 1);
}
const duplicates = [...serversPer.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
const orphans = servers.filter((server) => !server.deleted && phaseOf.get(server.labels[NODE_ID_LABEL] ?? '') !== 'READY').length;
const stuck = settled.filter((node) => !isTerminalPhase(node.phase)).length;
const failedNodes = await db.node.findMany({ where: { id: { in: nodeIds }, phase: 'FAILED' }, select: { id: true, error: true } });

let gaps = 0;
let eventText = '';
for (const id of nodeIds) {
  const events = await db.acquisitionEvent.findMany({ where: { nodeId: id }, orderBy: { seq: 'asc' } });
  eventText += events.map((event) => `${event.message} ${JSON.stringify(event.error)}`).join('\n');
  if (events.some((event, index) => event.seq !== index + 1)) gaps += 1;
  else if (phaseOf.get(id) === 'READY') {
    const phases = events.filter((event) => event.kind === 'PHASE_ENTERED').map((event) => event.phase);
    if (phases.join() !== HAPPY_PATH.join()) gaps += 1;
  }
}
const scanned = `${childOutput.join('')}\n${eventText}\n${JSON.stringify(failedNodes)}`;
const leaks = secrets.filter((secret) => scanned.includes(secret)).length + [...scanned.matchAll(/\b(rt|nc)_[A-Za-z0-9_-]{20,}/g)].length;

const minutes = (endedAt - started) / 60_000;
const rows: Array<[string, number, boolean]> = [
  ['acquisitions', NODES, false],
  ['kills (workers / API / Postgres)', kills.workers + kills.api + kills.postgres, false],
  ['servers created', servers.length, false],
  ['duplicate servers', duplicates, true],
  ['orphan servers', orphans, true],
  ['stuck nodes', stuck, true],
  ["nodes failed by Hangar's own downtime", failedNodes.length, true],
  ['gaps in timelines', gaps, true],
  ['HTTP 500s', http500s, true],
  ['leaked secrets', leaks, true],
];
const width = Math.max(...rows.map(([label]) => label.length));
console.log(`\n| ${'figure'.padEnd(width)} | value |\n|${'-'.repeat(width + 2)}|-------|`);
for (const [label, value] of rows) console.log(`| ${label.padEnd(width)} | ${String(value).padStart(5)} |`);
console.log(`\nkills: ${kills.workers} of worker processes, ${kills.api} of the API, ${kills.postgres} of Postgres; processes that exited by themselves: ${unexpectedExits}; typed 503 UNAVAILABLE answers (retried): ${unavailable}`);
console.log(`READY ${settled.filter((node) => node.phase === 'READY').length} of ${NODES} in ${(minutes * 60).toFixed(0)} s (${(NODES / minutes).toFixed(0)} acquisitions/min with the kills)`);
for (const node of failedNodes) {
  const events = await db.acquisitionEvent.findMany({ where: { nodeId: node.id }, orderBy: { seq: 'asc' } });
  console.log(`FAILED ${node.id}:\n${events.map((event) => `  ${event.at.toISOString()} ${event.phase} ${event.kind} ${event.message}`).join('\n')}`);
}
for (const node of settled.filter((one) => !isTerminalPhase(one.phase))) {
  const events = await db.acquisitionEvent.findMany({ where: { nodeId: node.id }, orderBy: { seq: 'asc' } });
  const jobs = await db.$queryRawUnsafe<Array<{ name: string; state: string; retry_count: number; start_after: Date; created_on: Date; completed_on: Date | null }>>(
    'SELECT name, state, retry_count, start_after, created_on, completed_on FROM pgboss.job WHERE singleton_key = $1 ORDER BY created_on',
    node.id,
  ).catch(() => []);
  console.log(`STUCK ${node.id} in ${node.phase}:\n${events.map((event) => `  ${event.at.toISOString()} ${event.phase} ${event.kind} ${event.message}`).join('\n')}`);
  console.log(`  its jobs: ${jobs.map((job) => `${job.name} ${job.state} retries ${job.retry_count} created ${job.created_on.toISOString()} start ${job.start_after.toISOString()} done ${job.completed_on?.toISOString() ?? '-'}`).join('; ') || '(none)'}`);
}
const bad = rows.filter(([, value, isBad]) => isBad && value !== 0);
if (bad.length > 0) {
  // The processes' logs, for the post-mortem (they were just scanned for secrets).
  const logFile = path.join(os.tmpdir(), `hangar-chaos-${SEED}-${process.pid}.log`);
  writeFileSync(logFile, childOutput.join(''));
  console.log(`the processes' logs: ${logFile}`);
}

finishing = true;
for (const role of roles) {
  const child = role.child;
  if (!child || child.exitCode !== null) continue;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([gone, sleep(5_000).then(() => child.kill('SIGKILL'))]);
}
globalThis.fetch = realFetch;
await db.$disconnect();
await sim.stop();
await postgres.stop().catch(() => undefined);
cleanUpSync();
console.log(bad.length === 0 ? 'chaos: every bad figure is zero' : `chaos: FAILED (${bad.map(([label]) => label).join(', ')})`);
process.exit(bad.length === 0 ? 0 : 1);
