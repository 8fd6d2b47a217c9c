import { createDb } from '@hangar/db/client';
import { buildSimulator } from '../../hetzner-sim/src/simulator.ts';
import { startApiProcess, startClients, type Clients } from './bench-processes.ts';
import { loadAverage, median, met, percentile, round2, seedNodes, size, startBenchPostgres, connectSimulator, graphqlClient } from './bench-support.ts';

/**
 * api.change_fanout: the cost of `nodeChanged` subscribers to the mutations of the same API
 * process. createNode (through GraphQL, one at a time, each checked against the simulator's live
 * catalog; no worker runs, so the nodes stay QUEUED) is timed with no subscriber (the baseline)
 * and with SUBSCRIBERS `nodeChanged` subscribers (a client process of their own, one socket
 * each), every one of which must receive every created node. Value: createNode p50 with them.
 * Goal: ratio ≤ 1.5.
 *   node apps/api/bench/change-fanout.bench.ts
 * Exits 1 when a subscriber misses a change or a createNode fails.
 */
const SUBSCRIBERS = size('BENCH_SUBSCRIBERS', 1_000, 100);
const CREATES = size('BENCH_CREATES', 60, 10);
const STEP_TIMEOUT_MS = 180_000;
const CHANGED_QUERY = 'subscription { nodeChanged { id name phase serverType location image createdAt } }';

const postgres = await startBenchPostgres('change-fanout');
const db = createDb(postgres.url);
const sim = buildSimulator({ port: 0, speed: 'instant', seed: 14 });
const stops: Array<() => Promise<unknown>> = [];
try {
  await sim.start();
  stops.push(() => sim.stop());
  const seed = await seedNodes(db, 0);
  const api = await startApiProcess(postgres.url, undefined, { HANGAR_PROVIDER_ENDPOINTS: `${sim.url}/v1` });
  stops.push(() => api.stop());
  const graphql = graphqlClient(api.url, seed.token);
  const connection = await connectSimulator(graphql, sim.url);
  let created = 0;
  async function createOne(): Promise<number> {
    created += 1;
    const started = performance.now();
    await graphql('mutation ($input: CreateNodeInput!) { createNode(input: $input) { __typename } }', { input: { providerConnectionId: connection.id, name: `bench-${created}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' } });
    return performance.now() - started;
  }
  async function timeCreates(clients?: Clients): Promise<number[]> {
    const times: number[] = [];
    for (let index = 0; index < CREATES; index += 1) {
      times.push(await createOne());
      // Every subscriber has the change before the next create: a fan-out never leaks into the next sample unseen.
      if (clients) await clients.next('event', STEP_TIMEOUT_MS);
    }
    return times.sort((a, b) => a - b);
  }
  for (let index = 0; index < 5; index += 1) await createOne();
  const alone = await timeCreates();
  const clients = startClients({ url: api.url, token: seed.token, count: SUBSCRIBERS, concurrency: 100, subscriptions: [{ query: CHANGED_QUERY, variables: {} }] });
  stops.push(() => clients.stop());
  await clients.next('ready', STEP_TIMEOUT_MS);
  // Live once every subscriber has a first change.
  await createOne();
  await clients.next('event', STEP_TIMEOUT_MS);
  const watched = await timeCreates(clients);
  const value = median(watched);
  const baseline = median(alone);
  const result = {
    name: 'api.change_fanout',
    value: round2(value),
    baseline: round2(baseline),
    ratio: round2(value / baseline),
    unit: 'ms createNode p50',
    p99: round2(percentile(watched, 99)),
    baselineP99: round2(percentile(alone, 99)),
    subscribers: SUBSCRIBERS,
    creates: CREATES,
    goal: 'createNode p50 with 1,000 nodeChanged subscribers <= 1.5x without',
    met: met(value <= 1.5 * baseline && SUBSCRIBERS >= 1_000),
    loadAverage: loadAverage(),
  };
  console.error(`createNode p50 ${result.baseline} ms alone, ${result.value} ms with ${SUBSCRIBERS} nodeChanged subscribers`);
  console.log(JSON.stringify(result));
} catch (error) {
  console.error(`FAIL: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  await db.$disconnect();
  await postgres.stop();
}
