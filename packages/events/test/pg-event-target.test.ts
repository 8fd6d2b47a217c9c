import pg from 'pg';
import { createPubSub } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import { createPgEventTarget, type PgEventTarget, type ResyncDetail } from '../src/pg-event-target.ts';
import { CHANNELS, MAX_NOTICE_BYTES, type ChannelPayloads, type TopicNotice } from '../src/topics.ts';

let testDb: TestDatabase;
let admin: pg.Client;
const targets: PgEventTarget[] = [];

async function startTarget(applicationName: string): Promise<PgEventTarget> {
  const target = createPgEventTarget({ connectionString: testDb.url, applicationName });
  await target.start();
  targets.push(target);
  return target;
}

/** NOTIFY as a producer does it: inside a transaction, delivered on commit only. */
async function notifyInTransaction(channel: string, payload: object, outcome: 'COMMIT' | 'ROLLBACK' = 'COMMIT'): Promise<void> {
  await admin.query('BEGIN');
  await admin.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(payload)]);
  await admin.query(outcome);
}

/** The next notice (60 s is a hang guard, not a deadline). */
function nextNotice<T>(subscribe: (listener: (value: T) => void) => () => void, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { unsubscribe(); reject(new Error('no notice arrived')); }, timeoutMs);
    const unsubscribe = subscribe((value) => { clearTimeout(timer); unsubscribe(); resolve(value); });
  });
}

async function listenersOf(applicationName: string): Promise<number> {
  const { rows } = await admin.query<{ count: string }>('SELECT count(*) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
  return Number(rows[0]?.count);
}

const NODE_A = '00000000-0000-4000-8000-00000000000a';
const NODE_B = '00000000-0000-4000-8000-00000000000b';
const ORG = '00000000-0000-4000-8000-0000000000aa';
const notice = (nodeId: string, seq: number): ChannelPayloads['hangar_node_events'] => ({ nodeId, organizationId: ORG, seq, phase: 'QUEUED' });

beforeAll(async () => {
  testDb = await createTestDatabase();
  admin = new pg.Client({ connectionString: testDb.url });
  await admin.connect();
});
afterAll(async () => {
  for (const target of targets) await target.stop();
  await admin.end();
  await testDb.drop();
});

describe('Postgres event target', () => {
  it('delivers a committed notice to the listeners of its topic and key, never a rolled-back one', async () => {
    const target = await startTarget('events-test-routing');
    const forA: Array<TopicNotice<'node'>> = [];
    const forB: Array<TopicNotice<'node'>> = [];
    const forOrg: Array<TopicNotice<'organizationNodes'>> = [];
    const offA = target.on('node', NODE_A, (n) => forA.push(n));
    const offB = target.on('node', NODE_B, (n) => forB.push(n));
    const offOrg = target.on('organizationNodes', ORG, (n) => forOrg.push(n));

    await notifyInTransaction(CHANNELS.nodeEvents, notice(NODE_A, 1), 'ROLLBACK');
    await notifyInTransaction(CHANNELS.nodeEvents, notice(NODE_A, 1));
    await notifyInTransaction(CHANNELS.nodeEvents, notice(NODE_B, 7));
    await expect.poll(() => forOrg.length).toBe(2);
    expect(forA).toEqual([notice(NODE_A, 1)]);
    expect(forB).toEqual([notice(NODE_B, 7)]);
    expect(forOrg.map((n) => n.nodeId)).toEqual([NODE_A, NODE_B]);

    offA(); offB(); offOrg();
    expect(target.listenerCount).toBe(0);
  });

  it('drops malformed notices and keeps delivering', async () => {
    const target = await startTarget('events-test-malformed');
    const received: Array<TopicNotice<'node'>> = [];
    const off = target.on('node', null, (n) => received.push(n));
    await admin.query("SELECT pg_notify('hangar_node_events', 'not json')");
    await admin.query("SELECT pg_notify('hangar_node_events', '{\"seq\": 1}')");
    // One byte over our limit (and still under Postgres' 8,000, so that it is sent at all).
    const padless = JSON.stringify({ ...notice(NODE_A, 2), pad: '' }).length;
    await admin.query('SELECT pg_notify($1, $2)', [CHANNELS.nodeEvents, JSON.stringify({ ...notice(NODE_A, 2), pad: 'x'.repeat(MAX_NOTICE_BYTES + 1 - padless) })]);
    await notifyInTransaction(CHANNELS.nodeEvents, notice(NODE_A, 3));
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]?.seq).toBe(3);
    off();
  });

  it('publishes payloads within MAX_NOTICE_BYTES only', async () => {
    const target = await startTarget('events-test-publish');
    const arrived = nextNotice<TopicNotice<'apiToken'>>((listener) => target.on('apiToken', 'token-1', listener));
    await target.publish(CHANNELS.apiTokenRevoked, { tokenId: 'token-1', organizationId: ORG });
    expect(await arrived).toEqual({ tokenId: 'token-1', organizationId: ORG });
    await expect(target.publish(CHANNELS.connectionChanges, { connectionId: 'x'.repeat(MAX_NOTICE_BYTES), organizationId: ORG })).rejects.toThrow(`under ${MAX_NOTICE_BYTES} bytes`);
  });

  it('is an event target graphql-yoga’s createPubSub can use across processes', async () => {
    const producer = await startTarget('events-test-pubsub-a');
    const consumer = await startTarget('events-test-pubsub-b');
    const pubsub = createPubSub<{ node: [nodeId: string, notice: ChannelPayloads['hangar_node_events']] }>({ eventTarget: producer as never });
    const subscriber = createPubSub<{ node: [nodeId: string, notice: ChannelPayloads['hangar_node_events']] }>({ eventTarget: consumer as never });
    const stream = subscriber.subscribe('node', NODE_B);
    const first = stream.next();
    // The repeater registers its listener when first pulled: publish once it is there.
    await expect.poll(() => consumer.listenerCount, { timeout: 60_000 }).toBeGreaterThan(0);
    pubsub.publish('node', NODE_B, notice(NODE_B, 4));
    expect((await first).value).toEqual(notice(NODE_B, 4));
    await stream.return();
  });

  it('reconnects after losing its connection and tells listeners to resync', async () => {
    const name = 'events-test-reconnect';
    const target = await startTarget(name);
    expect(await listenersOf(name)).toBe(1);
    const resync = nextNotice<ResyncDetail>((listener) => target.onResync(listener));
    const killedAt = Date.now();
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [name]);
    const detail = await resync;
    expect(detail.disconnectedAt.getTime()).toBeGreaterThanOrEqual(killedAt - 1_000);
    expect(target.connected).toBe(true);
    expect(await listenersOf(name)).toBe(1);

    const arrived = nextNotice<TopicNotice<'node'>>((listener) => target.on('node', NODE_A, listener));
    await notifyInTransaction(CHANNELS.nodeEvents, notice(NODE_A, 9));
    expect((await arrived).seq).toBe(9);
  });

  it('closes its connection on stop', async () => {
    const name = 'events-test-stop';
    const target = await startTarget(name);
    expect(await listenersOf(name)).toBe(1);
    await target.stop();
    await expect.poll(() => listenersOf(name)).toBe(0);
    expect(target.connected).toBe(false);
  });
});
