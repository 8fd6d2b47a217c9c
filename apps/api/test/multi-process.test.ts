/**
 * Live progress across processes, all real: two API processes and one worker process (child
 * processes over one test database), the Hetzner simulator over HTTP, and 50 concurrent
 * acquisitions created through GraphQL. 200 graphql-ws subscribers, spread over both APIs,
 * follow the nodes the worker process drives: every sequence must be complete and ordered.
 * Then an API process is killed with SIGKILL mid-acquisition and restarted on its port: its
 * client resumes with after = its last seq and gets every event exactly once.
 *
 * A delivery is "live" when the subscriber had the previous event before this one was even
 * announced (the NOTIFY reached this process). Fan-out latency is a benchmark, not a test:
 * apps/api/bench/fanout.bench.ts (docs/benchmarks.md).
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runHarnessCli } from './support/harness-cli.ts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import { freePort } from '@hangar/db/testing/free-port';
import { mintApiToken } from '@hangar/core/api-tokens';
import { createLogger } from '@hangar/core/logger';
import { createConnection } from '@hangar/core/provider-connections';
import { createKeyring } from '@hangar/core/secrets';
import { createTestDeps, type TestDeps } from '@hangar/core/testing/test-deps';
import { CHANNELS } from '@hangar/events/topics';
import { createHarnessClient, type HarnessClient, type WatchResult } from '@hangar/harness/client';
import type { TimelineEvent } from '@hangar/harness/operations';
import { buildSimulator } from '../../hetzner-sim/src/simulator.ts';
import { printChildLogsOnFailure, startProcess, type RunningProcess } from './support/child-process.ts';
import { createConnectionRow, createNodeRow, appendStep, enter } from './support/node-timelines.ts';

const API_ENTRY = fileURLToPath(new URL('./support/api-process.ts', import.meta.url));
const WORKER_ENTRY = fileURLToPath(new URL('../../worker/test/support/worker-process.ts', import.meta.url));
const NODES = 50;
const SUBSCRIBERS_PER_NODE = 4;
/** Some subscribers join late (replay, then live); this is the latest join, after createNode. */
const MAX_JOIN_DELAY_MS = 1_500;
/** Hang guard for one acquisition's stream (50 at once on a loaded 2-core machine take minutes). */
const ACQUISITION_TIMEOUT_MS = 180_000;
/** Hang guard for a test that drives acquisitions. */
const TEST_TIMEOUT_MS = 300_000;
/** The resumed node's machine calls home this late, so the acquisition outlives the API restart. */
const RESUME_BOOT_DELAY_MS = 2_500;
const HAPPY_PATH = ['QUEUED', 'VALIDATING', 'CREATING_SERVER', 'WAITING_FOR_SERVER', 'PROVISIONING', 'WAITING_FOR_READINESS', 'READY'];

printChildLogsOnFailure();

const secretKey = randomBytes(32);
let testDb: TestDatabase;
let deps: TestDeps;
let sim: ReturnType<typeof buildSimulator>;
let listener: pg.Client;
let token: string;
let connectionId: string;
let foreignNodeId: string;
const apiPorts: number[] = [];
const apis: RunningProcess[] = [];
let worker: RunningProcess;
const clients: HarnessClient[] = [];
/** When each NOTIFY reached this process (performance.now()), by `${nodeId}:${seq}`. */
const noticeAt = new Map<string, number>();

function apiEnv(port: number): Record<string, string> {
  return {
    DATABASE_URL: testDb.url,
    HANGAR_PORT: String(port),
    HANGAR_SECRET_KEY: secretKey.toString('base64'),
    // The machines call home to the first API process.
    HANGAR_PUBLIC_URL: `http://127.0.0.1:${apiPorts[0]}`,
    HANGAR_LOG_FORMAT: 'json',
    HANGAR_LOG_LEVEL: 'warn',
    // The simulator is an allowed provider endpoint of these processes too (they re-check it before every call).
    HANGAR_PROVIDER_ENDPOINTS: `${sim.url}/v1`,
    // One token drives every subscriber here: an operator raises the per-token limits for such a client.
    HANGAR_RATE_LIMIT_SOCKETS: String(NODES * SUBSCRIBERS_PER_NODE * 2),
    HANGAR_RATE_LIMIT_REQUESTS_PER_MINUTE: '100000',
  };
}

const apiUrl = (index: number) => `http://127.0.0.1:${apiPorts[index]}`;

function client(index: number, bearer = token): HarnessClient {
  const created = createHarnessClient({ url: apiUrl(index), token: bearer });
  clients.push(created);
  return created;
}

async function storedTimeline(nodeId: string): Promise<Array<Pick<TimelineEvent, 'seq' | 'phase' | 'kind'>>> {
  const rows = await testDb.db.acquisitionEvent.findMany({ where: { nodeId }, orderBy: { seq: 'asc' }, select: { seq: true, phase: true, kind: true } });
  return rows.map((row) => ({ seq: row.seq, phase: row.phase, kind: row.kind }));
}

const shape = (events: TimelineEvent[]) => events.map((event) => ({ seq: event.seq, phase: event.phase, kind: event.kind }));

beforeAll(async () => {
  testDb = await createTestDatabase();
  sim = buildSimulator({ port: 0, speed: 'fast', seed: 23 });
  await sim.start();
  const log = createLogger({ level: 'warn', destination: new Writable({ write(_chunk, _encoding, done) { done(); } }) });
  deps = await createTestDeps(testDb, log, { providerEndpoints: [`${sim.url}/v1`] });
  deps.keyring = createKeyring(secretKey);

  const project = await (await fetch(`${sim.url}/_sim/projects`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    // Enough requests and servers that 50 parallel acquisitions never wait on the provider's limits.
    body: JSON.stringify({ name: 'fan-out', rateLimit: 3_600_000, serverLimit: 500 }),
  })).json() as { token: string };
  await fetch(`${sim.url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serverName: 'resume-*', bootDelayMs: RESUME_BOOT_DELAY_MS }) });

  const organization = await testDb.db.organization.create({ data: { name: 'fan-out' } });
  token = (await mintApiToken(testDb.db, { organizationId: organization.id, name: 'multi-process' })).token;
  const connection = await createConnection(deps, { organizationId: organization.id, apiTokenId: null }, { name: 'sim', kind: 'HETZNER', token: project.token, apiEndpoint: `${sim.url}/v1` });
  expect(connection.credentialStatus).toBe('VALID');
  connectionId = connection.id;
  const other = await testDb.db.organization.create({ data: { name: 'other' } });
  foreignNodeId = await createNodeRow(testDb.db, other.id, await createConnectionRow(testDb.db, other.id));
  await appendStep(testDb.db, foreignNodeId, enter('QUEUED'));

  listener = new pg.Client({ connectionString: testDb.url });
  await listener.connect();
  listener.on('notification', (message) => {
    const notice = JSON.parse(message.payload ?? '{}') as { nodeId: string; seq: number };
    noticeAt.set(`${notice.nodeId}:${notice.seq}`, performance.now());
  });
  await listener.query(`LISTEN ${CHANNELS.nodeEvents}`);

  apiPorts.push(await freePort(), await freePort());
  const [first, second, started] = await Promise.all([
    startProcess(API_ENTRY, apiEnv(apiPorts[0]!), 'API_READY'),
    startProcess(API_ENTRY, apiEnv(apiPorts[1]!), 'API_READY'),
    startProcess(WORKER_ENTRY, apiEnv(apiPorts[0]!), 'WORKER_READY'),
  ]);
  apis.push(first, second);
  worker = started;
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((one) => one.close()));
  await Promise.all([...apis.map((api) => api.stop()), worker?.stop()]);
  await listener?.end();
  await sim?.stop();
  await deps?.stop();
  await testDb?.drop();
}, 60_000);

describe('fan-out across processes', () => {
  it(`streams ${NODES} concurrent acquisitions to ${NODES * SUBSCRIBERS_PER_NODE} subscribers on two API processes, complete and in order`, async () => {
    const creators = [client(0), client(1)];
    let liveDeliveries = 0;
    const results: Array<Promise<{ nodeId: string; api: number; result: WatchResult }>> = [];

    await Promise.all(Array.from({ length: NODES }, async (_, index) => {
      const node = await creators[index % 2]!.acquire({ providerConnectionId: connectionId, name: `fan-${index}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' });
      for (let subscriber = 0; subscriber < SUBSCRIBERS_PER_NODE; subscriber += 1) {
        const api = (index + subscriber) % 2;
        const joinDelay = subscriber === 0 ? 0 : Math.floor(Math.random() * MAX_JOIN_DELAY_MS);
        results.push((async () => {
          await new Promise((resolve) => setTimeout(resolve, joinDelay));
          let previousReceivedAt = Number.POSITIVE_INFINITY;
          const result = await client(api).watch(node.id, {
            timeoutMs: ACQUISITION_TIMEOUT_MS,
            onEvent: (event) => {
              const receivedAt = performance.now();
              const notified = noticeAt.get(`${node.id}:${event.seq}`);
              // Live: the subscriber had the previous event before this one was even announced.
              if (notified !== undefined && notified > previousReceivedAt) liveDeliveries += 1;
              previousReceivedAt = receivedAt;
            },
          });
          return { nodeId: node.id, api, result };
        })());
      }
    }));
    const outcomes = await Promise.all(results);

    expect(outcomes).toHaveLength(NODES * SUBSCRIBERS_PER_NODE);
    expect(outcomes.filter((outcome) => outcome.api === 0)).toHaveLength(NODES * SUBSCRIBERS_PER_NODE / 2);
    const timelines = new Map<string, Array<Pick<TimelineEvent, 'seq' | 'phase' | 'kind'>>>();
    for (const { nodeId, result } of outcomes) {
      if (!timelines.has(nodeId)) timelines.set(nodeId, await storedTimeline(nodeId));
      const stored = timelines.get(nodeId)!;
      expect(result.phase, `node ${nodeId}`).toBe('READY');
      // Complete and ordered: seq 1..N, each once, exactly the stored timeline.
      expect(shape(result.events), `node ${nodeId}`).toEqual(stored);
      expect(result.events.filter((event) => event.kind === 'PHASE_ENTERED').map((event) => event.phase)).toEqual(HAPPY_PATH);
    }

    // Most subscribers followed their node live, not only by replay after joining.
    const events = outcomes.reduce((sum, outcome) => sum + outcome.result.events.length, 0);
    expect(liveDeliveries).toBeGreaterThan(events / 4);
  }, TEST_TIMEOUT_MS);
});

describe('an API process killed mid-acquisition', () => {
  it('resumes its client with after = the last seq; every event arrives exactly once', async () => {
    const node = await client(0).acquire({ providerConnectionId: connectionId, name: 'resume-1', serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' });
    const control = client(0).watch(node.id, { timeoutMs: ACQUISITION_TIMEOUT_MS });
    let killedAt = 0;
    let restarted: Promise<void> | undefined;
    const resumes: Array<{ after: number; attempt: number }> = [];
    const received: TimelineEvent[] = [];
    const result = await client(1).watch(node.id, {
      timeoutMs: ACQUISITION_TIMEOUT_MS,
      onEvent: (event) => {
        received.push(event);
        if (killedAt === 0 && event.kind === 'PHASE_ENTERED' && event.phase === 'PROVISIONING') {
          killedAt = performance.now();
          restarted = (async () => {
            await apis[1]!.crash();
            apis[1] = await startProcess(API_ENTRY, apiEnv(apiPorts[1]!), 'API_READY');
          })();
        }
      },
      onResume: (info) => resumes.push(info),
    });
    await restarted;
    expect(killedAt).toBeGreaterThan(0);
    expect(resumes.length).toBeGreaterThanOrEqual(1);
    // Every resume asked for the events after the last one it had.
    const provisioningSeq = received.find((event) => event.phase === 'PROVISIONING' && event.kind === 'PHASE_ENTERED')!.seq;
    expect(resumes[0]?.after).toBe(provisioningSeq);
    expect(result.phase).toBe('READY');
    expect(shape(result.events)).toEqual(await storedTimeline(node.id));
    expect(shape(result.events)).toEqual(shape((await control).events));
    // Events committed while the process was down or restarting came after the resume.
    const announcedAfterKill = result.events.filter((event) => (noticeAt.get(`${node.id}:${event.seq}`) ?? 0) > killedAt);
    expect(announcedAfterKill.length).toBeGreaterThan(0);
  }, TEST_TIMEOUT_MS);

  it('refuses another organization’s node and a bad token on the restarted process, with no event', async () => {
    await expect(client(1).watch(foreignNodeId, { timeoutMs: 60_000 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const received: TimelineEvent[] = [];
    await expect(client(1, 'hgr_not-a-token').watch(foreignNodeId, { timeoutMs: 60_000, onEvent: (event) => received.push(event) })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(received).toEqual([]);
  });
});

describe('npm run harness -- acquire, against the processes', () => {
  const runCli = (args: string[]) => runHarnessCli(args, { HANGAR_URL: apiUrl(1), HANGAR_TOKEN: token });

  it('creates a node, prints its live timeline and exits 0 on READY', async () => {
    const { code, stdout } = await runCli(['acquire', '--connection', connectionId, '--type', 'cx22', '--location', 'fsn1', '--image', 'ubuntu-24.04', '--name', 'cli-1']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^node cli-1 \([0-9a-f-]{36}\)$/);
    expect(lines.filter((line) => line.includes('PHASE_ENTERED')).map((line) => line.split(/\s+/)[2])).toEqual(HAPPY_PATH);
    expect(lines.at(-1)).toBe('READY');
  });

  it('exits 3 with VALIDATION_FAILED for an image the provider does not have', async () => {
    const { code, stderr } = await runCli(['acquire', '--connection', connectionId, '--type', 'cx22', '--location', 'fsn1', '--image', 'no-such-image']);
    expect(code).toBe(3);
    expect(stderr).toMatch(/^harness: VALIDATION_FAILED: /);
  });
});
