import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import { openChangeStream, sharedChangeReaderCount } from '../src/change-stream.ts';
import { closableStream } from '../src/closable-stream.ts';
import { createPgEventTarget, type PgEventTarget } from '../src/pg-event-target.ts';
import { CHANNELS } from '../src/topics.ts';
import { createWakeSignal } from '../src/wake-signal.ts';

let testDb: TestDatabase;
let target: PgEventTarget;
const ORG = '00000000-0000-4000-8000-0000000000aa';
const OTHER_ORG = '00000000-0000-4000-8000-0000000000bb';

beforeAll(async () => {
  testDb = await createTestDatabase();
  target = createPgEventTarget({ connectionString: testDb.url });
  await target.start();
});
afterAll(async () => {
  await target.stop();
  await testDb.drop();
});

/**
 * Waits in these tests last longer than any test may run (vitest's testTimeout is 30 s): such a
 * wait can only end by the path under test (a hint, an abort), never by its own timeout.
 */
const OUTLASTS_THE_TEST_MS = 10 * 60_000;

/** Whether `promise` has settled once the promise jobs queued so far have run (no clock involved). */
async function settledAlready(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => { settled = true; }, () => { settled = true; });
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('wake signal', () => {
  it('keeps a hint that arrives between clear() and wait()', async () => {
    const wake = createWakeSignal();
    // Ends a long wait left behind by a failed assertion.
    const cleanup = new AbortController();
    try {
      wake.clear();
      wake.notify();
      // The kept hint resolves the wait at once: no timer has had a chance to fire.
      expect(await settledAlready(wake.wait(OUTLASTS_THE_TEST_MS, cleanup.signal))).toBe(true);
      // clear() forgets it: the next wait parks until a hint.
      wake.clear();
      const parked = wake.wait(OUTLASTS_THE_TEST_MS, cleanup.signal);
      expect(await settledAlready(parked)).toBe(false);
      wake.notify();
      expect(await settledAlready(parked)).toBe(true);
      // Without a hint, the wait ends by its own timeout (nothing else could end it).
      wake.clear();
      const waited = Date.now();
      await wake.wait(50);
      expect(Date.now() - waited).toBeGreaterThanOrEqual(45);
    } finally {
      cleanup.abort();
    }
  });
});

describe('closable stream', () => {
  it('ends a stream parked in a long wait as soon as the consumer returns', async () => {
    let closed = 0;
    const stream = closableStream(async function* (signal) {
      yield 1;
      // Only the abort of return() can end this wait before the test times out.
      await createWakeSignal().wait(OUTLASTS_THE_TEST_MS, signal);
      if (!signal.aborted) yield 2;
    }, () => { closed += 1; });
    expect((await stream.next()).value).toBe(1);
    const parked = stream.next();
    await stream.return();
    expect(await parked).toEqual({ done: true, value: undefined });
    expect(closed).toBe(1);
  });
});

describe('change stream', () => {
  it('reads the rows named by notices, merges repeats, and only for its key', async () => {
    const loads: string[][] = [];
    const rows = new Map([['c1', { id: 'c1', status: 'VALID' }], ['c2', { id: 'c2', status: 'INVALID' }]]);
    const stream = openChangeStream({
      events: target,
      topic: 'organizationConnections',
      key: ORG,
      idOf: (notice) => notice.connectionId,
      loadByIds: async (ids) => { loads.push(ids); return ids.flatMap((id) => rows.get(id) ?? []); },
      loadChangedSince: async () => [],
    });
    // Three notices before the consumer reads: c1 twice (one emission), c2 once, another org's ignored.
    await target.publish(CHANNELS.connectionChanges, { connectionId: 'c1', organizationId: ORG });
    await target.publish(CHANNELS.connectionChanges, { connectionId: 'x9', organizationId: OTHER_ORG });
    await target.publish(CHANNELS.connectionChanges, { connectionId: 'c1', organizationId: ORG });
    await target.publish(CHANNELS.connectionChanges, { connectionId: 'c2', organizationId: ORG });
    await expect.poll(() => target.listenerCount).toBe(2);
    // Notices arrive in order: once the last one's row is read, all of them are in.
    await expect.poll(() => loads.flat().includes('c2'), { timeout: 60_000 }).toBe(true);
    const first = await stream.next();
    const second = await stream.next();
    expect([first.value, second.value]).toEqual([{ id: 'c1', status: 'VALID' }, { id: 'c2', status: 'INVALID' }]);
    // Read as the notices come (a shared reader does not wait for consumers): never another org's row.
    expect(new Set(loads.flat())).toEqual(new Set(['c1', 'c2']));
    await stream.return?.();
    expect(target.listenerCount).toBe(0);
  });

  it('shares one reader among the streams of a key: each change read once, delivered once to each, forgotten after the last leaves', async () => {
    const loads: string[][] = [];
    const rows = new Map(Array.from({ length: 5 }, (_, i) => [`n${i}`, { id: `n${i}`, version: 0 }]));
    const open = () => openChangeStream({
      events: target,
      topic: 'organizationConnections',
      key: ORG,
      idOf: (notice) => notice.connectionId,
      loadByIds: async (ids) => { loads.push(ids); return ids.flatMap((id) => rows.get(id) ?? []); },
      loadChangedSince: async () => [],
    });
    const streams = Array.from({ length: 40 }, open);
    expect(sharedChangeReaderCount(target)).toBe(1);
    expect(target.listenerCount).toBe(2);
    const received = streams.map(() => [] as string[]);
    const consumers = streams.map(async (stream, index) => {
      while (received[index]!.length < 5) received[index]!.push((await stream.next()).value!.id);
    });
    for (const id of rows.keys()) {
      await target.publish(CHANNELS.connectionChanges, { connectionId: id, organizationId: ORG });
      // The next notice once this one was read: then every stream gets every row, once each.
      await expect.poll(() => loads.flat().includes(id)).toBe(true);
    }
    await Promise.all(consumers);
    for (const list of received) expect(list).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    // One read per notice, not one per stream.
    expect(loads.flat().sort()).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    await Promise.all(streams.map((stream) => stream.return()));
    expect(sharedChangeReaderCount(target)).toBe(0);
    expect(target.listenerCount).toBe(0);
  });
});
