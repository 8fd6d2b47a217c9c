import pg from 'pg';
import { appendEvent } from '@hangar/core/event-log';
import { openNodeEventStream } from '@hangar/core/node-event-stream';
import { createDb, type Db } from '@hangar/db/client';
import { createPgEventTarget, type PgEventTarget } from '@hangar/events/pg-event-target';
import { loadAverage, median, met, percentile, QUICK, round2, size, startBenchPostgres } from './bench-support.ts';

/**
 * Latency of one node event from its producer to a subscriber, through Hangar's path: a
 * appendEvent (the worker's side: one statement bumps lastSeq, inserts the row and calls pg_notify;
 * it commits on its own here) → the pg event target's LISTEN connection → openNodeEventStream taking the row
 * from the notice, or reading it when the notice lacks it (the API's side, its own pool) → the subscriber's loop. Baseline: the raw round trip
 * on the same Postgres, `SELECT pg_notify(...)` from a pg.Pool to a pg.Client that LISTENs,
 * with a payload of the same shape. Both: EVENTS events per round, CONCURRENCY producers at
 * once, spread over NODES nodes (one stream each); latency = from just before the producer
 * starts to the moment the subscriber has the event. Measured in alternation for ROUNDS rounds
 * after a warm-up; each percentile reported is the median of the rounds' percentiles.
 * One embedded PostgreSQL in a temporary folder, loopback only; everything is removed after.
 *   node apps/api/bench/fanout.bench.ts
 * Then the same producers send WIDE_EVENTS events over WIDE_NODES nodes followed by
 * WIDE_SUBSCRIBERS streams (an equal number per node): latency to the last of a node's streams.
 * Goals: p50 ≤ baseline p50 + 4 ms; p99 ≤ 25 ms at 1,000 subscribers.
 * Prints one line last: {"name":"events.fanout","value":<Hangar p50 ms>,"baseline":<raw p50 ms>,
 * "ratio":value/baseline,...}. Exits 1 when an event is lost, duplicated or late beyond
 * DELIVERY_TIMEOUT_MS.
 */
const EVENTS = size('BENCH_EVENTS', 2_000, 200);
const CONCURRENCY = size('BENCH_CONCURRENCY', 8, 8);
const NODES = size('BENCH_NODES', 50, 10);
const ROUNDS = size('BENCH_ROUNDS', 3, 1);
const WARMUP_EVENTS = QUICK ? 20 : 200;
const WIDE_NODES = size('BENCH_WIDE_NODES', 100, 10);
const WIDE_SUBSCRIBERS = size('BENCH_WIDE_SUBSCRIBERS', 1_000, 100);
const WIDE_EVENTS = size('BENCH_WIDE_EVENTS', 2_000, 100);
/** After the last producer is done, every event must have reached its subscriber within this. */
const DELIVERY_TIMEOUT_MS = 30_000;
const RAW_CHANNEL = 'bench_raw_notify';

type Path = 'hangar' | 'raw';

/** One batch: when each event was sent and delivered (performance.now()), by its key. */
interface Batch {
  sentAt: Map<string, number>;
  deliveredAt: Map<string, number>;
  /** Hangar only: when the pg event target passed each notice on, by `${nodeId}:${seq}`. */
  noticeAtBySeq: Map<string, number>;
  /** Hangar only: the key of each delivered row, by `${nodeId}:${seq}`. */
  keyBySeq: Map<string, string>;
  /** Hangar only: when the producer's transaction returned (after its commit). */
  committedAt: Map<string, number>;
  expected: number;
  duplicates: number;
  allDelivered?: () => void;
}

/** Per-event differences `to - from` for the keys present in both, sorted. */
function spans(from: Map<string, number>, to: Map<string, number>): number[] {
  const out: number[] = [];
  for (const [key, start] of from) {
    const end = to.get(key);
    if (end !== undefined) out.push(end - start);
  }
  return out.sort((a, b) => a - b);
}

const postgres = await startBenchPostgres('fanout');
const cleanups: Array<() => Promise<unknown>> = [];
let current: Batch | undefined;

function record(batch: Batch | undefined, key: string, at: number): void {
  if (!batch || !batch.sentAt.has(key)) return;
  if (batch.deliveredAt.has(key)) {
    batch.duplicates += 1;
    return;
  }
  batch.deliveredAt.set(key, at);
  if (batch.deliveredAt.size === batch.expected) batch.allDelivered?.();
}

try {
  // The worker's and the API's sides each have their own pool, as in two processes.
  const writer: Db = createDb(postgres.url);
  const reader: Db = createDb(postgres.url);
  cleanups.push(() => writer.$disconnect(), () => reader.$disconnect());
  const events: PgEventTarget = createPgEventTarget({ connectionString: postgres.url, applicationName: 'bench-events' });
  await events.start();
  cleanups.push(() => events.stop());

  const organization = await writer.organization.create({ data: { name: 'bench' } });
  const connection = await writer.providerConnection.create({
    data: { organizationId: organization.id, name: 'bench', kind: 'HETZNER', apiEndpoint: 'http://127.0.0.1:1/v1', tokenSealed: 'sealed', tokenKeyId: 'k', tokenHint: '…abcd', tokenFingerprint: 'f'.repeat(16) },
  });
  const nodeIds: string[] = [];
  for (let index = 0; index < NODES; index += 1) {
    const node = await writer.node.create({ data: { organizationId: organization.id, providerConnectionId: connection.id, name: `bench-${index}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' } });
    nodeIds.push(node.id);
  }

  // Hangar's side: one stream per node, consumed as a subscription would; the event's key is its
  // message. This listener on every node's notices runs just before the streams' own.
  const stopNotices = events.on('node', null, (notice) => {
    current?.noticeAtBySeq.set(`${notice.nodeId}:${notice.seq}`, performance.now());
  });
  const streams = await Promise.all(nodeIds.map((nodeId) => openNodeEventStream({ db: reader, events }, { organizationId: organization.id, nodeId })));
  const consumers = streams.map(async (stream) => {
    for await (const row of stream) {
      const at = performance.now();
      current?.keyBySeq.set(`${row.nodeId}:${row.seq}`, row.message);
      record(current, row.message, at);
    }
  });
  cleanups.push(async () => {
    stopNotices();
    await Promise.all(streams.map((stream) => stream.return()));
    await Promise.all(consumers);
  });

  // The baseline: a LISTEN connection and a pool of producers, raw node-postgres.
  const listener = new pg.Client({ connectionString: postgres.url, application_name: 'bench-raw-listen' });
  await listener.connect();
  cleanups.push(() => listener.end());
  listener.on('notification', (message) => {
    const at = performance.now();
    const { key } = JSON.parse(message.payload ?? '{}') as { key: string };
    record(current, key, at);
  });
  await listener.query(`LISTEN ${RAW_CHANNEL}`);
  const pool = new pg.Pool({ connectionString: postgres.url, max: CONCURRENCY, application_name: 'bench-raw-notify' });
  // An idle connection that Postgres closes while the run shuts down is not a failure of the run.
  pool.on('error', () => undefined);
  cleanups.push(() => pool.end());

  const produce: Record<Path, (key: string, index: number) => Promise<void>> = {
    async hangar(key, index) {
      const nodeId = nodeIds[index % NODES]!;
      await appendEvent(writer, nodeId, { phase: 'WAITING_FOR_SERVER', kind: 'PROGRESS', message: key, progress: index % 100 });
      current?.committedAt.set(key, performance.now());
    },
    async raw(key, index) {
      const payload = JSON.stringify({ nodeId: nodeIds[index % NODES], organizationId: organization.id, seq: index, phase: 'WAITING_FOR_SERVER', key });
      await pool.query('SELECT pg_notify($1, $2)', [RAW_CHANNEL, payload]);
    },
  };

  let batchCounter = 0;
  async function runBatch(which: Path, count: number): Promise<Batch> {
    batchCounter += 1;
    const batch: Batch = { sentAt: new Map(), deliveredAt: new Map(), noticeAtBySeq: new Map(), keyBySeq: new Map(), committedAt: new Map(), expected: count, duplicates: 0 };
    const delivered = new Promise<void>((resolve) => { batch.allDelivered = resolve; });
    current = batch;
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        const key = `${which}-${batchCounter}-${index}`;
        batch.sentAt.set(key, performance.now());
        await produce[which](key, index);
      }
    }));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), DELIVERY_TIMEOUT_MS); });
    const outcome = await Promise.race([delivered, late]);
    clearTimeout(timer);
    // Let a duplicate that is on its way show up before the batch is judged.
    await new Promise((resolve) => setTimeout(resolve, 50));
    current = undefined;
    if (outcome === 'late') throw new Error(`${which}: ${count - batch.deliveredAt.size} of ${count} events not delivered within ${DELIVERY_TIMEOUT_MS} ms`);
    if (batch.duplicates > 0) throw new Error(`${which}: ${batch.duplicates} events delivered twice`);
    return batch;
  }

  await runBatch('raw', WARMUP_EVENTS);
  await runBatch('hangar', WARMUP_EVENTS);

  interface RoundResult { p50: number; p95: number; p99: number; max: number; perSecond: number }
  const summarize = (batch: Batch, wallMs: number): RoundResult => {
    const latencies = spans(batch.sentAt, batch.deliveredAt);
    return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies.at(-1) ?? Number.NaN, perSecond: (batch.expected / wallMs) * 1000 };
  };
  const results: Record<Path, RoundResult[]> = { hangar: [], raw: [] };
  const breakdown = { commit: [] as number[], notice: [] as number[], read: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate which goes first, so neither always runs on a machine the other just warmed.
    const order: Path[] = round % 2 === 0 ? ['raw', 'hangar'] : ['hangar', 'raw'];
    for (const which of order) {
      const started = performance.now();
      const batch = await runBatch(which, EVENTS);
      results[which].push(summarize(batch, performance.now() - started));
      if (which === 'hangar') {
        const noticeAt = new Map<string, number>();
        for (const [nodeSeq, at] of batch.noticeAtBySeq) {
          const key = batch.keyBySeq.get(nodeSeq);
          if (key !== undefined) noticeAt.set(key, at);
        }
        breakdown.commit.push(percentile(spans(batch.sentAt, batch.committedAt), 50));
        breakdown.notice.push(percentile(spans(batch.sentAt, noticeAt), 50));
        breakdown.read.push(percentile(spans(noticeAt, batch.deliveredAt), 50));
      }
    }
  }

  // Wide: WIDE_SUBSCRIBERS streams over WIDE_NODES nodes; an event counts once every stream of its node has it.
  const wideIds = [...nodeIds];
  for (let index = wideIds.length; index < WIDE_NODES; index += 1) {
    const node = await writer.node.create({ data: { organizationId: organization.id, providerConnectionId: connection.id, name: `bench-${index}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' } });
    wideIds.push(node.id);
  }
  const perNode = Math.max(1, Math.floor(WIDE_SUBSCRIBERS / WIDE_NODES));
  const wideSentAt = new Map<string, number>();
  const wideCount = new Map<string, number>();
  const wideDoneAt = new Map<string, number>();
  let wideDuplicates = 0;
  let wideAllDone: (() => void) | undefined;
  const wideDelivered = new Promise<void>((resolve) => { wideAllDone = resolve; });
  const wideStreams = await Promise.all(wideIds.slice(0, WIDE_NODES).flatMap((nodeId) => Array.from({ length: perNode }, async () => {
    const { lastSeq } = await reader.node.findUniqueOrThrow({ where: { id: nodeId }, select: { lastSeq: true } });
    return openNodeEventStream({ db: reader, events }, { organizationId: organization.id, nodeId, after: lastSeq });
  })));
  const wideConsumers = wideStreams.map(async (stream) => {
    let last = -1;
    for await (const row of stream) {
      if (!wideSentAt.has(row.message)) continue;
      if (row.seq <= last) wideDuplicates += 1;
      last = row.seq;
      const count = (wideCount.get(row.message) ?? 0) + 1;
      wideCount.set(row.message, count);
      if (count === perNode) {
        wideDoneAt.set(row.message, performance.now());
        if (wideDoneAt.size === WIDE_EVENTS) wideAllDone?.();
      }
      if (count > perNode) wideDuplicates += 1;
    }
  });
  cleanups.push(async () => {
    await Promise.all(wideStreams.map((stream) => stream.return()));
    await Promise.all(wideConsumers);
  });
  let wideNext = 0;
  const wideStarted = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (wideNext < WIDE_EVENTS) {
      const index = wideNext;
      wideNext += 1;
      const key = `wide-${index}`;
      wideSentAt.set(key, performance.now());
      await appendEvent(writer, wideIds[index % WIDE_NODES]!, { phase: 'WAITING_FOR_SERVER', kind: 'PROGRESS', message: key, progress: index % 100 });
    }
  }));
  let wideTimer: NodeJS.Timeout | undefined;
  const wideOutcome = await Promise.race([wideDelivered.then(() => 'done' as const), new Promise<'late'>((resolve) => { wideTimer = setTimeout(() => resolve('late'), DELIVERY_TIMEOUT_MS); })]);
  clearTimeout(wideTimer);
  const wideMs = performance.now() - wideStarted;
  if (wideOutcome === 'late') throw new Error(`wide: ${WIDE_EVENTS - wideDoneAt.size} of ${WIDE_EVENTS} events did not reach all ${perNode} streams of their node within ${DELIVERY_TIMEOUT_MS} ms`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  if (wideDuplicates > 0) throw new Error(`wide: ${wideDuplicates} deliveries duplicated`);
  const wideLatencies = spans(wideSentAt, wideDoneAt);
  const wide = { p50: round2(percentile(wideLatencies, 50)), p99: round2(percentile(wideLatencies, 99)), max: round2(wideLatencies.at(-1) ?? Number.NaN) };
  console.error(`wide: ${WIDE_EVENTS} events over ${WIDE_NODES} nodes x ${perNode} streams: p50 ${wide.p50} p99 ${wide.p99} max ${wide.max} ms, ${Math.round((WIDE_EVENTS / wideMs) * 1000)}/s`);

  const med = (which: Path, field: keyof RoundResult) => round2(median(results[which].map((one) => one[field])));
  const show = (which: Path) => results[which].map((one) => `p50 ${one.p50.toFixed(2)} p95 ${one.p95.toFixed(2)} p99 ${one.p99.toFixed(2)} max ${one.max.toFixed(1)} ms, ${Math.round(one.perSecond)}/s`).join(' | ');
  console.error(`${EVENTS} events x ${ROUNDS} rounds, concurrency ${CONCURRENCY}, ${NODES} nodes (one stream each)`);
  console.error(`hangar: ${show('hangar')}`);
  console.error(`raw:    ${show('raw')}`);
  console.error(`hangar p50 parts (per round): send→commit returned ${breakdown.commit.map((v) => v.toFixed(2)).join('/')} ms; send→notice ${breakdown.notice.map((v) => v.toFixed(2)).join('/')} ms; notice→row delivered ${breakdown.read.map((v) => v.toFixed(2)).join('/')} ms`);
  const value = med('hangar', 'p50');
  const baseline = med('raw', 'p50');
  console.log(JSON.stringify({
    name: 'events.fanout',
    value,
    baseline,
    ratio: round2(value / baseline),
    unit: 'ms',
    p95: med('hangar', 'p95'),
    p99: med('hangar', 'p99'),
    baselineP95: med('raw', 'p95'),
    baselineP99: med('raw', 'p99'),
    noticeP50: round2(median(breakdown.notice)),
    readP50: round2(median(breakdown.read)),
    eventsPerSecond: Math.round(median(results.hangar.map((one) => one.perSecond))),
    baselineEventsPerSecond: Math.round(median(results.raw.map((one) => one.perSecond))),
    events: EVENTS,
    concurrency: CONCURRENCY,
    nodes: NODES,
    rounds: ROUNDS,
    wideSubscribers: perNode * WIDE_NODES,
    wideNodes: WIDE_NODES,
    wideP50: wide.p50,
    wideP99: wide.p99,
    goal: 'p50 <= baseline + 4 ms; p99 <= 25 ms at 1,000 subscribers',
    met: met(value <= baseline + 4 && wide.p99 <= 25),
    loadAverage: loadAverage(),
  }));
} catch (error) {
  console.error(`FAIL: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await postgres.stop();
}
