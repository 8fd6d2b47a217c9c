import { createDb } from '@hangar/db/client';
import { startApiProcess, startClients, startEchoServer, rssOf, type Clients } from './bench-processes.ts';
import { appendToAll, loadAverage, met, NODE_EVENTS_QUERY, percentile, round2, seedNodes, size, startBenchPostgres } from './bench-support.ts';

/**
 * api.subscribers: how many graphql-ws `nodeEvents` subscriptions one API process holds, and
 * what each costs. SUBSCRIBERS sockets (one subscription each, spread over NODES nodes) from a
 * client process of their own (ws-clients.ts) subscribe to one API process (the real app,
 * apps/api/test/support/api-process.ts) on an embedded Postgres; once every one has a first
 * event, the API's RSS is read; then one event on every node is timed to every subscriber
 * (p99 over the subscribers); then they all close and the RSS is read again after SETTLE_MS.
 * Baseline, in the same run: a bare Yoga + graphql-ws echo server (echo-server.ts) with
 * BASELINE_SUBSCRIBERS parked subscriptions: bytes per connection = RSS growth / sockets.
 * Goals: ≥ 15,000 under 512 MiB RSS; ≤ 1.5× baseline bytes per connection; p99 delivery to all
 * ≤ 1 s; RSS back within 20 % of the start after they close.
 *   node apps/api/bench/subscribers.bench.ts
 * Prints {"name":"api.subscribers","value":<bytes per subscriber>,"baseline":<bytes>,...}.
 * Exits 1 when a subscriber misses an event, gets one twice, or a step does not finish within
 * STEP_TIMEOUT_MS.
 */
const SUBSCRIBERS = size('BENCH_SUBSCRIBERS', 15_000, 300);
const BASELINE_SUBSCRIBERS = size('BENCH_BASELINE_SUBSCRIBERS', 5_000, 300);
const NODES = size('BENCH_NODES', 100, 10);
const CONNECT_CONCURRENCY = 100;
const STEP_TIMEOUT_MS = 300_000;
/** After the clients leave, how long the process may take to give memory back (GC, allocator). */
const SETTLE_MS = size('BENCH_SETTLE_MS', 10_000, 500);
const MiB = 2 ** 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const postgres = await startBenchPostgres('subscribers');
const db = createDb(postgres.url);
const stops: Array<() => Promise<unknown>> = [];
try {
  const seed = await seedNodes(db, NODES);
  const subscriptions = seed.nodeIds.map((nodeId) => ({ query: NODE_EVENTS_QUERY, variables: { nodeId, after: 1 } }));

  // Baseline: the echo server's RSS growth per parked subscription.
  const echo = await startEchoServer();
  stops.push(() => echo.stop());
  await sleep(500);
  const echoStart = rssOf(echo.child.pid!);
  const echoClients = startClients({ url: echo.url, token: 'none', count: BASELINE_SUBSCRIBERS, concurrency: CONNECT_CONCURRENCY, subscriptions });
  stops.push(() => echoClients.stop());
  await echoClients.next('ready', STEP_TIMEOUT_MS);
  await sleep(SETTLE_MS / 5);
  const echoHeld = rssOf(echo.child.pid!);
  await echoClients.stop();
  await echo.stop();
  const baselinePerSocket = (echoHeld - echoStart) / BASELINE_SUBSCRIBERS;

  const api = await startApiProcess(postgres.url);
  stops.push(() => api.stop());
  // Warm the code paths (schema, auth, streams) with a few subscribers first, then measure from there.
  const warm = startClients({ url: api.url, token: seed.token, count: NODES, concurrency: CONNECT_CONCURRENCY, subscriptions });
  await warm.next('ready', STEP_TIMEOUT_MS);
  await appendToAll(db, seed.nodeIds, 'warm-up');
  await warm.next('event', STEP_TIMEOUT_MS);
  warm.send({ cmd: 'close' });
  await warm.next('closed', STEP_TIMEOUT_MS);
  await warm.stop();
  await sleep(SETTLE_MS / 5);
  const apiStart = rssOf(api.child.pid!);

  const clients: Clients = startClients({ url: api.url, token: seed.token, count: SUBSCRIBERS, concurrency: CONNECT_CONCURRENCY, subscriptions: subscriptions.map((one) => ({ ...one, variables: { ...one.variables, after: 2 } })) });
  stops.push(() => clients.stop());
  const ready = await clients.next('ready', STEP_TIMEOUT_MS);
  // Every subscription is live once each has its first event.
  await appendToAll(db, seed.nodeIds, 'first');
  await clients.next('event', STEP_TIMEOUT_MS);
  const apiHeld = rssOf(api.child.pid!);
  const sentAt = Date.now();
  await appendToAll(db, seed.nodeIds, 'timed');
  const timed = await clients.next('event', STEP_TIMEOUT_MS);
  const latencies = (timed.at ?? []).map((at) => at - sentAt).sort((a, b) => a - b);
  const apiPeak = rssOf(api.child.pid!);
  clients.send({ cmd: 'close' });
  await clients.next('closed', STEP_TIMEOUT_MS);
  await sleep(SETTLE_MS);
  const apiAfter = rssOf(api.child.pid!);

  const perSocket = (apiHeld - apiStart) / SUBSCRIBERS;
  const p99 = percentile(latencies, 99);
  const result = {
    name: 'api.subscribers',
    value: Math.round(perSocket),
    baseline: Math.round(baselinePerSocket),
    ratio: round2(perSocket / baselinePerSocket),
    unit: 'bytes/subscriber',
    subscribers: SUBSCRIBERS,
    nodes: NODES,
    connectMs: ready.ms,
    rssStartMiB: round2(apiStart / MiB),
    rssHeldMiB: round2(apiHeld / MiB),
    rssPeakMiB: round2(apiPeak / MiB),
    rssAfterCloseMiB: round2(apiAfter / MiB),
    deliveryP50Ms: percentile(latencies, 50),
    deliveryP99Ms: p99,
    deliveryMaxMs: latencies.at(-1),
    baselineSubscribers: BASELINE_SUBSCRIBERS,
    goal: '>= 15,000 under 512 MiB; <= 1.5x baseline bytes/subscriber; p99 to all <= 1 s; RSS within 20 % of start after close',
    met: met(SUBSCRIBERS >= 15_000 && apiPeak < 512 * MiB && perSocket <= 1.5 * baselinePerSocket && p99 <= 1_000 && apiAfter <= 1.2 * apiStart),
    loadAverage: loadAverage(),
  };
  console.error(`echo: ${round2(echoStart / MiB)} → ${round2(echoHeld / MiB)} MiB with ${BASELINE_SUBSCRIBERS}; api: ${result.rssStartMiB} → ${result.rssHeldMiB} MiB (peak ${result.rssPeakMiB}) with ${SUBSCRIBERS}, ${result.rssAfterCloseMiB} MiB ${SETTLE_MS} ms after they closed; delivery p50 ${result.deliveryP50Ms} p99 ${p99} ms`);
  console.log(JSON.stringify(result));
} catch (error) {
  console.error(`FAIL: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  await db.$disconnect();
  await postgres.stop();
}
