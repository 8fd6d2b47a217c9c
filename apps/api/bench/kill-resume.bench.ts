import { createDb } from '@hangar/db/client';
import { startApiProcess, startClients } from './bench-processes.ts';
import { appendToAll, loadAverage, met, NODE_EVENTS_QUERY, seedNodes, size, startBenchPostgres } from './bench-support.ts';

/**
 * api.kill_resume: SUBSCRIBERS graphql-ws `nodeEvents` subscribers (a client process of their
 * own, ws-clients.ts, one socket each over NODES nodes) follow API process A; A is killed with
 * SIGKILL; one event per node commits while they are disconnected; they reconnect to API
 * process B with `after` = the last seq each received; one more event per node follows. Every
 * subscriber must get both, in order, exactly once (the client process exits 1 on a gap or a
 * duplicate). Value: ms from the kill to the moment every subscriber has the event it missed.
 * No baseline (ratio against the 10 s goal). Goal: 100 % resume, no missing and no duplicate
 * event, within 10 s.
 *   node apps/api/bench/kill-resume.bench.ts
 */
const SUBSCRIBERS = size('BENCH_SUBSCRIBERS', 5_000, 200);
const NODES = size('BENCH_NODES', 100, 10);
const STEP_TIMEOUT_MS = 180_000;
const GOAL_MS = 10_000;

const postgres = await startBenchPostgres('kill-resume');
const db = createDb(postgres.url);
const stops: Array<() => Promise<unknown>> = [];
try {
  const seed = await seedNodes(db, NODES);
  // One at a time, each stopped by `finally` once started.
  const first = await startApiProcess(postgres.url);
  stops.push(() => first.stop());
  const second = await startApiProcess(postgres.url);
  stops.push(() => second.stop());
  const clients = startClients({
    url: first.url,
    resumeUrl: second.url,
    token: seed.token,
    count: SUBSCRIBERS,
    concurrency: 100,
    subscriptions: seed.nodeIds.map((nodeId) => ({ query: NODE_EVENTS_QUERY, variables: { nodeId, after: 1 } })),
  });
  stops.push(() => clients.stop());
  await clients.next('ready', STEP_TIMEOUT_MS);
  await appendToAll(db, seed.nodeIds, 'before');
  await clients.next('event', STEP_TIMEOUT_MS);

  const killedAt = Date.now();
  await first.crash();
  const missed = appendToAll(db, seed.nodeIds, 'missed');
  const dropped = await clients.next('dropped', STEP_TIMEOUT_MS);
  while ((dropped.count ?? 0) < SUBSCRIBERS) Object.assign(dropped, await clients.next('dropped', STEP_TIMEOUT_MS));
  await missed;
  clients.send({ cmd: 'resume' });
  const gotMissed = await clients.next('event', STEP_TIMEOUT_MS);
  const resumedMs = Math.max(...(gotMissed.at ?? [Number.NaN])) - killedAt;
  const resumed = await clients.next('resumed', STEP_TIMEOUT_MS);
  await appendToAll(db, seed.nodeIds, 'after');
  await clients.next('event', STEP_TIMEOUT_MS);
  const result = {
    name: 'api.kill_resume',
    value: resumedMs,
    baseline: GOAL_MS,
    ratio: Math.round((resumedMs / GOAL_MS) * 100) / 100,
    unit: 'ms',
    subscribers: SUBSCRIBERS,
    resumed: resumed.count,
    reconnectMs: resumed.ms,
    missing: 0,
    duplicates: 0,
    goal: '100 % resume with no missing and no duplicate event within 10 s',
    met: met(resumed.count === SUBSCRIBERS && resumedMs <= GOAL_MS),
    loadAverage: loadAverage(),
  };
  console.error(`killed A with ${SUBSCRIBERS} subscribers; all resumed on B (reconnect ${resumed.ms} ms) and had the missed event ${resumedMs} ms after the kill`);
  console.log(JSON.stringify(result));
} catch (error) {
  console.error(`FAIL: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  await db.$disconnect();
  await postgres.stop();
}
