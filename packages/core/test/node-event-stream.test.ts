import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcquisitionEvent } from '@hangar/db/generated/prisma/client';
import type { EventKind, NodePhase } from '@hangar/db/generated/prisma/enums';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import { createPgEventTarget, type PgEventTarget } from '@hangar/events/pg-event-target';
import { MAX_NOTICE_BYTES } from '@hangar/events/topics';
import { appendEvent } from '../src/event-log.ts';
import { followedNodeCount, openNodeEventStream, REPLAY_BATCH_SIZE, TIMELINE_CACHE_ROWS } from '../src/node-event-stream.ts';

/**
 * Every stream here waits this long for a notice before it would read on its own: longer than
 * any test may run (vitest's testTimeout is 30 s). What a test receives can therefore only have
 * come through a notice, a resync or the end of the stream, never through the safety poll, and
 * a wait that the path under test fails to end makes the test time out.
 */
const SAFETY_POLL_OUTLASTS_THE_TEST_MS = 10 * 60_000;

let testDb: TestDatabase;
let events: PgEventTarget;
let organizationId: string;
let otherOrganizationId: string;
let connectionId: string;
let nodeCount = 0;

beforeAll(async () => {
  testDb = await createTestDatabase();
  events = createPgEventTarget({ connectionString: testDb.url, applicationName: 'stream-test-events' });
  await events.start();
  const [org, other] = await Promise.all([
    testDb.db.organization.create({ data: { name: 'acme' } }),
    testDb.db.organization.create({ data: { name: 'globex' } }),
  ]);
  organizationId = org.id;
  otherOrganizationId = other.id;
  const connection = await testDb.db.providerConnection.create({
    data: { organizationId, name: 'sandbox', kind: 'HETZNER', apiEndpoint: 'http://127.0.0.1:1/v1', tokenSealed: 'sealed', tokenKeyId: 'k', tokenHint: '…abcd', tokenFingerprint: 'f'.repeat(16) },
  });
  connectionId = connection.id;
});
afterAll(async () => {
  await events.stop();
  await testDb.drop();
});

/** A node row as createNode would leave it before its first event (tests only). */
async function newNode(orgId = organizationId): Promise<string> {
  nodeCount += 1;
  const data = { organizationId: orgId, providerConnectionId: connectionId, name: `node-${nodeCount}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' };
  const node = await testDb.db.node.create({ data });
  return node.id;
}

/** One event in its own transaction, as the worker writes them. */
async function append(nodeId: string, phase: NodePhase, kind: EventKind = 'PHASE_ENTERED', message = `${phase}`): Promise<number> {
  const { seq } = await testDb.db.$transaction((tx) => appendEvent(tx, nodeId, { phase, kind, message }, kind === 'PHASE_ENTERED' ? { phase } : {}));
  return seq;
}

async function collect(stream: AsyncIterable<AcquisitionEvent>, onEvent?: (event: AcquisitionEvent) => Promise<void> | void): Promise<AcquisitionEvent[]> {
  const received: AcquisitionEvent[] = [];
  for await (const event of stream) {
    received.push(event);
    await onEvent?.(event);
  }
  return received;
}

/** The test db, counting every model call (node, acquisitionEvent, …) it serves: each is one statement. */
function countingDb(): { db: typeof testDb.db; statements: () => number; settled: () => number } {
  let statements = 0;
  let settled = 0;
  const db = new Proxy(testDb.db, {
    get(target, property, receiver) {
      const delegate = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || property.startsWith('$') || typeof delegate !== 'object' || delegate === null) return delegate;
      return new Proxy(delegate, {
        get(model, method, modelReceiver) {
          const value = Reflect.get(model, method, modelReceiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            statements += 1;
            const result = (value as (...a: unknown[]) => unknown).apply(model, args);
            void Promise.resolve(result).finally(() => { settled += 1; }).catch(() => undefined);
            return result;
          };
        },
      });
    },
  });
  return { db, statements: () => statements, settled: () => settled };
}

const open = (nodeId: string, after?: number, orgId = organizationId) => openNodeEventStream({ db: testDb.db, events, safetyPollIntervalMs: SAFETY_POLL_OUTLASTS_THE_TEST_MS }, { organizationId: orgId, nodeId, after });
const seqs = (list: AcquisitionEvent[]) => list.map((event) => event.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const HAPPY: NodePhase[] = ['QUEUED', 'VALIDATING', 'CREATING_SERVER', 'WAITING_FOR_SERVER', 'PROVISIONING', 'WAITING_FOR_READINESS', 'READY'];

describe('nodeEvents stream: replay, then live', () => {
  it('sends stored events after `after`, then live ones, and completes after READY', async () => {
    const nodeId = await newNode();
    for (const phase of HAPPY.slice(0, 3)) await append(nodeId, phase);
    const done = collect(await open(nodeId, 1));
    for (const phase of HAPPY.slice(3)) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await append(nodeId, phase);
    }
    const received = await done;
    expect(seqs(received)).toEqual(range(2, 7));
    expect(received.map((event) => event.phase)).toEqual(HAPPY.slice(1));
  });

  it('delivers every event exactly once while events commit during the replay', async () => {
    const nodeId = await newNode();
    const stored = REPLAY_BATCH_SIZE * 2 + 17;
    for (let i = 0; i < stored; i += 1) await append(nodeId, 'WAITING_FOR_SERVER', 'PROGRESS');
    const live = 150;
    let written = stored;
    const writer = (async () => {
      for (let i = 0; i < live; i += 1) {
        written = await append(nodeId, 'WAITING_FOR_SERVER', 'PROGRESS');
        if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      written = await append(nodeId, 'READY');
    })();
    // Several subscribers that join at different moments, each reading slowly at first.
    const subscribers = await Promise.all([0, 5, 250, 400].map(async (after, index) => {
      await new Promise((resolve) => setTimeout(resolve, index * 15));
      return collect(await open(nodeId, after), async (event) => {
        if (event.seq % 97 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      });
    }));
    await writer;
    const total = stored + live + 1;
    expect(written).toBe(total);
    for (const [index, after] of [0, 5, 250, 400].entries()) expect(seqs(subscribers[index] ?? [])).toEqual(range(after + 1, total));
  });

  it('fills a gap from rows after the event connection was lost', async () => {
    const nodeId = await newNode();
    await append(nodeId, 'QUEUED');
    const received: AcquisitionEvent[] = [];
    const done = collect(await open(nodeId), (event) => { received.push(event); });
    await expect.poll(() => received.length).toBe(1);
    const admin = new pg.Client({ connectionString: testDb.url });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'stream-test-events'");
    await admin.end();
    // Committed while nobody listens: no notice reaches the stream, only the resync does (the
    // safety poll would come after the test's timeout).
    await append(nodeId, 'VALIDATING');
    await append(nodeId, 'FAILED');
    expect(seqs(await done)).toEqual([1, 2, 3]);
  });
});

describe('nodeEvents stream: rows from notices', () => {
  it('delivers an event from its notice with no statement, the row equal to a read of it', async () => {
    const { db, statements } = countingDb();
    const deps = { db, events, safetyPollIntervalMs: SAFETY_POLL_OUTLASTS_THE_TEST_MS };
    const nodeId = await newNode();
    await append(nodeId, 'QUEUED');
    const stream = await openNodeEventStream(deps, { organizationId, nodeId });
    expect((await stream.next()).value?.seq).toBe(1);
    const before = statements();
    await testDb.db.$transaction((tx) => appendEvent(tx, nodeId, { phase: 'VALIDATING', kind: 'ERROR', message: 'ü "quoted"', progress: 5, attempt: 2, error: { code: 'X', nested: [1, null] } }, { phase: 'VALIDATING' }));
    const live = (await stream.next()).value!;
    expect(statements() - before).toBe(0);
    expect(live).toEqual(await testDb.db.acquisitionEvent.findUniqueOrThrow({ where: { nodeId_seq: { nodeId, seq: 2 } } }));
    await stream.return();
  });

  it('reads a row too big for its notice and one whose notice was missed, delivering each event once, in order', async () => {
    const { db, statements, settled } = countingDb();
    const deps = { db, events, safetyPollIntervalMs: SAFETY_POLL_OUTLASTS_THE_TEST_MS };
    const nodeId = await newNode();
    await append(nodeId, 'QUEUED');
    const streams = await Promise.all([openNodeEventStream(deps, { organizationId, nodeId }), openNodeEventStream(deps, { organizationId, nodeId, after: 1 })]);
    const done = streams.map((stream) => collect(stream));
    // The reader's first read (started when the node was followed) must be over: one still under
    // way could return the rows appended below, and no fallback read would be needed.
    await expect.poll(() => settled()).toBe(statements());
    const before = statements();
    // 2: its notice carries only the seq (the row is over MAX_NOTICE_BYTES); 3 and 4 follow at once,
    // so their notices may arrive while the read of 2 is under way.
    const huge = 'h'.repeat(MAX_NOTICE_BYTES);
    await append(nodeId, 'VALIDATING', 'INFO', huge);
    await append(nodeId, 'VALIDATING', 'PROGRESS');
    await append(nodeId, 'VALIDATING', 'PROGRESS');
    // 5: committed without a notice (as if it were lost); 6's notice then shows the gap.
    await testDb.db.$executeRaw`WITH bumped AS (UPDATE "Node" SET "lastSeq" = "lastSeq" + 1 WHERE "id" = ${nodeId}::uuid RETURNING "id", "lastSeq")
      INSERT INTO "AcquisitionEvent" ("nodeId", "seq", "phase", "kind", "message") SELECT "id", "lastSeq", 'VALIDATING', 'INFO', 'unannounced' FROM bumped`;
    await append(nodeId, 'FAILED');
    const [all, fromTwo] = await Promise.all(done);
    expect(seqs(all!)).toEqual(range(1, 6));
    expect(seqs(fromTwo!)).toEqual(range(2, 6));
    expect(all!.map((event) => event.message)).toEqual(['QUEUED', huge, 'VALIDATING', 'VALIDATING', 'unannounced', 'FAILED']);
    expect(all).toEqual(await testDb.db.acquisitionEvent.findMany({ where: { nodeId }, orderBy: { seq: 'asc' } }));
    // Reads only for the two fallbacks: at least one (a late read of 2 may also return 5 and 6),
    // at most one per notice that did not carry the next row (2, 3, 4 during that read, 6).
    expect(statements() - before).toBeGreaterThanOrEqual(1);
    expect(statements() - before).toBeLessThanOrEqual(4);
  });
});

describe('nodeEvents stream: completion', () => {
  it('runs past an earlier resting phase to the node’s current one (retry, then release)', async () => {
    const nodeId = await newNode();
    for (const phase of ['QUEUED', 'VALIDATING', 'FAILED', 'QUEUED', 'VALIDATING', 'READY', 'RELEASING', 'RELEASED'] as NodePhase[]) await append(nodeId, phase);
    const received = await collect(await open(nodeId));
    expect(received.map((event) => event.phase)).toEqual(['QUEUED', 'VALIDATING', 'FAILED', 'QUEUED', 'VALIDATING', 'READY', 'RELEASING', 'RELEASED']);
  });

  it('completes at once for a client that already has every event of a resting node', async () => {
    const nodeId = await newNode();
    for (const phase of HAPPY) await append(nodeId, phase);
    expect(await collect(await open(nodeId, HAPPY.length))).toEqual([]);
  });

  it('follows a release of a READY node with a new subscription from the last seq', async () => {
    const nodeId = await newNode();
    for (const phase of HAPPY) await append(nodeId, phase);
    const stream = await open(nodeId, HAPPY.length);
    // Completes at once: the node rests and nothing follows `after`.
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    // A release starts a new chapter: a new subscription from the last seq follows it to the end.
    await append(nodeId, 'RELEASING');
    const done = collect(await open(nodeId, HAPPY.length));
    await append(nodeId, 'RELEASED');
    expect((await done).map((event) => event.phase)).toEqual(['RELEASING', 'RELEASED']);
  });

  it('stops listening when the consumer leaves a quiet stream', async () => {
    const nodeId = await newNode();
    await append(nodeId, 'QUEUED');
    const before = events.listenerCount;
    const stream = await open(nodeId);
    expect(events.listenerCount).toBe(before + 2);
    expect((await stream.next()).value?.seq).toBe(1);
    // Parked in a wait that only a notice or the abort of return() can end before the test times out.
    const parked = stream.next();
    await stream.return?.();
    expect((await parked).done).toBe(true);
    expect(events.listenerCount).toBe(before);
  });
});

describe('nodeEvents stream: one shared reader per node', () => {
  it('reads each new row once for many streams, delivers it exactly once to each, and forgets the node when the last stream leaves', async () => {
    // A db that counts the statements it serves (the real client underneath).
    const { db: counting, statements } = countingDb();
    const deps = { db: counting, events, safetyPollIntervalMs: SAFETY_POLL_OUTLASTS_THE_TEST_MS };
    const nodeId = await newNode();
    await append(nodeId, 'QUEUED');
    const before = events.listenerCount;
    const streams = await Promise.all(Array.from({ length: 50 }, (_, index) => openNodeEventStream(deps, { organizationId, nodeId, after: index % 2 })));
    expect(followedNodeCount(deps)).toBe(1);
    // One listener for the node's notices and one for resyncs, however many streams.
    expect(events.listenerCount).toBe(before + 2);
    const received = streams.map(() => [] as number[]);
    const firstDelivered = streams.map(async (stream, index) => {
      if (index % 2 === 0) received[index]!.push((await stream.next()).value!.seq);
    });
    await Promise.all(firstDelivered);
    const readsBefore = statements();
    const live = ['VALIDATING', 'CREATING_SERVER', 'WAITING_FOR_SERVER'] as NodePhase[];
    const consumers = streams.map(async (stream, index) => {
      while (received[index]!.at(-1) !== 1 + live.length) received[index]!.push((await stream.next()).value!.seq);
    });
    for (const phase of live) await append(nodeId, phase);
    await Promise.all(consumers);
    for (const [index, seqList] of received.entries()) expect(seqList).toEqual(range(index % 2 === 0 ? 1 : 2, 1 + live.length));
    // No read at all, whatever the number of streams: each notice carried its row.
    expect(statements() - readsBefore).toBe(0);
    await Promise.all(streams.slice(1).map((stream) => stream.return()));
    expect(followedNodeCount(deps)).toBe(1);
    await streams[0]!.return();
    expect(followedNodeCount(deps)).toBe(0);
    expect(events.listenerCount).toBe(before);
  });

  it('serves a stream older than the window from its own reads, then from the window', async () => {
    const nodeId = await newNode();
    const total = TIMELINE_CACHE_ROWS + REPLAY_BATCH_SIZE + 3;
    for (let i = 0; i < total - 1; i += 1) await append(nodeId, 'WAITING_FOR_SERVER', 'PROGRESS');
    const recent = await open(nodeId, total - 2);
    const fromStart = open(nodeId, 0);
    const done = Promise.all([collect(recent), collect(await fromStart)]);
    await append(nodeId, 'READY');
    const [recentRows, allRows] = await done;
    expect(seqs(recentRows)).toEqual([total - 1, total]);
    expect(seqs(allRows)).toEqual(range(1, total));
  });
});

describe('nodeEvents stream: refusals', () => {
  it('is NOT_FOUND for another organization’s node and for a malformed id, with no listener left', async () => {
    const foreign = await newNode(otherOrganizationId);
    await append(foreign, 'QUEUED');
    const before = events.listenerCount;
    await expect(open(foreign)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(open('not-a-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(events.listenerCount).toBe(before);
    // The same node is found by its own organization.
    const own = await open(foreign, 0, otherOrganizationId);
    expect((await own.next()).value?.seq).toBe(1);
    await own.return?.();
    expect(events.listenerCount).toBe(before);
  });

  it('refuses an `after` that is negative or beyond the last event with VALIDATION_FAILED', async () => {
    const nodeId = await newNode();
    await append(nodeId, 'QUEUED');
    const before = events.listenerCount;
    await expect(open(nodeId, -1)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'after' });
    await expect(open(nodeId, 2)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'after' });
    expect(events.listenerCount).toBe(before);
  });
});
