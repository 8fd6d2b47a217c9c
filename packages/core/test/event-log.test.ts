import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import { MAX_NOTICE_BYTES, type ChannelPayloads } from '@hangar/events/topics';
import { appendEvent, eventOfNotice, NODE_EVENTS_CHANNEL } from '../src/event-log.ts';

/**
 * appendEvent is one statement (bump lastSeq, insert the row, pg_notify): under concurrent
 * producers the seqs stay gap-free and in order, each committed event is announced once, and a
 * rolled-back one leaves no row, no notice and no used seq.
 */
let testDb: TestDatabase;
let listener: pg.Client;
const notices: Array<ChannelPayloads[typeof NODE_EVENTS_CHANNEL]> = [];
/** The raw payload of each notice, in arrival order (byte sizes). */
const payloads: string[] = [];
let organizationId: string;
let connectionId: string;
let nodeCount = 0;

beforeAll(async () => {
  testDb = await createTestDatabase();
  listener = new pg.Client({ connectionString: testDb.url });
  await listener.connect();
  listener.on('notification', (message) => {
    payloads.push(message.payload ?? '');
    notices.push(JSON.parse(message.payload ?? '{}'));
  });
  await listener.query(`LISTEN ${NODE_EVENTS_CHANNEL}`);
  organizationId = (await testDb.db.organization.create({ data: { name: 'acme' } })).id;
  connectionId = (await testDb.db.providerConnection.create({
    data: { organizationId, name: 'sandbox', kind: 'HETZNER', apiEndpoint: 'http://127.0.0.1:1/v1', tokenSealed: 'sealed', tokenKeyId: 'k', tokenHint: '…abcd', tokenFingerprint: 'f'.repeat(16) },
  })).id;
});
afterAll(async () => {
  await listener.end();
  await testDb.drop();
});

async function newNode(): Promise<string> {
  nodeCount += 1;
  const node = await testDb.db.node.create({ data: { organizationId, providerConnectionId: connectionId, name: `node-${nodeCount}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' } });
  return node.id;
}

/** Resolves once `count` notices for `nodeId` arrived (a NOTIFY reaches the listener after the commit returns). */
async function noticesOf(nodeId: string, count: number): Promise<typeof notices> {
  for (;;) {
    const mine = notices.filter((notice) => notice.nodeId === nodeId);
    if (mine.length >= count) return mine;
    await new Promise((resolve) => listener.once('notification', resolve));
  }
}

describe('appendEvent', () => {
  it('keeps seqs gap-free and ordered under 8 concurrent producers, with and without a node update, in and outside a transaction', async () => {
    const nodeIds = [await newNode(), await newNode()];
    const perNode = 60;
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < perNode * nodeIds.length) {
        const index = next;
        next += 1;
        const nodeId = nodeIds[index % nodeIds.length]!;
        const event = { phase: 'WAITING_FOR_SERVER' as const, kind: 'PROGRESS' as const, message: `m${index}`, progress: index % 100, attempt: 1, error: index % 7 === 0 ? { code: 'X', nested: [1, 'two'] } : null };
        if (index % 3 === 0) await appendEvent(testDb.db, nodeId, event);
        else await testDb.db.$transaction((tx) => appendEvent(tx, nodeId, event, index % 3 === 1 ? { phase: 'WAITING_FOR_SERVER' } : {}));
      }
    }));
    for (const nodeId of nodeIds) {
      const rows = await testDb.db.acquisitionEvent.findMany({ where: { nodeId }, orderBy: { id: 'asc' } });
      // Inserted (id order) and numbered (seq order) the same way: 1..perNode without a gap.
      expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: perNode }, (_, i) => i + 1));
      const node = await testDb.db.node.findUniqueOrThrow({ where: { id: nodeId } });
      expect(node.lastSeq).toBe(perNode);
      expect(node.phase).toBe('WAITING_FOR_SERVER');
      const announced = await noticesOf(nodeId, perNode);
      // Postgres delivers notices in commit order: the seqs arrive ascending, each once.
      expect(announced.map((notice) => notice.seq)).toEqual(rows.map((row) => row.seq));
      expect(announced.every((notice) => notice.organizationId === organizationId && notice.phase === 'WAITING_FOR_SERVER')).toBe(true);
    }
    const withError = await testDb.db.acquisitionEvent.findFirstOrThrow({ where: { nodeId: nodeIds[0], message: 'm0' } });
    expect(withError).toMatchObject({ phase: 'WAITING_FOR_SERVER', kind: 'PROGRESS', progress: 0, attempt: 1, error: { code: 'X', nested: [1, 'two'] } });
    const withoutError = await testDb.db.acquisitionEvent.findFirstOrThrow({ where: { nodeId: nodeIds[1], message: 'm1' } });
    expect(withoutError.error).toBeNull();
  });

  it('stamps updatedAt and returns the seq', async () => {
    const nodeId = await newNode();
    const before = await testDb.db.node.findUniqueOrThrow({ where: { id: nodeId } });
    const { seq } = await appendEvent(testDb.db, nodeId, { phase: 'QUEUED', kind: 'PHASE_ENTERED', message: 'queued' });
    expect(seq).toBe(1);
    const after = await testDb.db.node.findUniqueOrThrow({ where: { id: nodeId } });
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
  });

  it('leaves no row, no notice and no used seq when the transaction rolls back', async () => {
    const nodeId = await newNode();
    await appendEvent(testDb.db, nodeId, { phase: 'QUEUED', kind: 'PHASE_ENTERED', message: 'one' });
    await expect(testDb.db.$transaction(async (tx) => {
      await appendEvent(tx, nodeId, { phase: 'VALIDATING', kind: 'PHASE_ENTERED', message: 'rolled back' }, { phase: 'VALIDATING' });
      throw new Error('abort');
    })).rejects.toThrow('abort');
    await appendEvent(testDb.db, nodeId, { phase: 'QUEUED', kind: 'INFO', message: 'two' });
    const rows = await testDb.db.acquisitionEvent.findMany({ where: { nodeId }, orderBy: { seq: 'asc' } });
    expect(rows.map((row) => [row.seq, row.message])).toEqual([[1, 'one'], [2, 'two']]);
    expect((await noticesOf(nodeId, 2)).map((notice) => notice.seq)).toEqual([1, 2]);
    expect((await testDb.db.node.findUniqueOrThrow({ where: { id: nodeId } })).phase).toBe('QUEUED');
  });

  it('puts the row in its notice when it fits, exactly as a read returns it, and only the ids when it does not', async () => {
    const nodeId = await newNode();
    const error = { code: 'PROVIDER_ERROR', message: 'quote " and \\ and ü', nested: [1, null, { deep: true }] };
    await appendEvent(testDb.db, nodeId, { phase: 'WAITING_FOR_SERVER', kind: 'ERROR', message: 'fits ✓', progress: 40, attempt: 2, error });
    await testDb.db.$transaction((tx) => appendEvent(tx, nodeId, { phase: 'FAILED', kind: 'PHASE_ENTERED', message: 'x'.repeat(MAX_NOTICE_BYTES) }, { phase: 'FAILED' }));
    await appendEvent(testDb.db, nodeId, { phase: 'FAILED', kind: 'INFO', message: 'é'.repeat(MAX_NOTICE_BYTES / 2 - 100) });
    const [fits, oversized, multibyte] = await noticesOf(nodeId, 3);
    const rows = await testDb.db.acquisitionEvent.findMany({ where: { nodeId }, orderBy: { seq: 'asc' } });
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3]);
    expect(eventOfNotice(fits!)).toEqual(rows[0]);
    // Too big for a notice: the statement still commits and announces the seq, without the row.
    expect(oversized).toEqual({ nodeId, organizationId, seq: 2, phase: 'FAILED' });
    expect(eventOfNotice(oversized!)).toBeNull();
    // The limit counts bytes, not characters (each é is two bytes in UTF-8).
    expect(multibyte!.event).toBeUndefined();
    expect(Buffer.byteLength(payloads.at(-1)!)).toBeLessThanOrEqual(MAX_NOTICE_BYTES);
  });

  it('takes nothing from a notice whose row is malformed', () => {
    const good = { nodeId: '6f1b6a43-5b4a-4d43-9b89-0c3b5c2b2a10', organizationId, seq: 3, phase: 'READY', event: { id: '17', kind: 'INFO', message: 'm', progress: null, attempt: 1, error: null, at: '2026-12-01T01:00:00.123+00:00' } };
    expect(eventOfNotice(good)).toEqual({ id: 17n, nodeId: good.nodeId, seq: 3, phase: 'READY', kind: 'INFO', message: 'm', progress: null, attempt: 1, error: null, at: new Date('2026-12-01T01:00:00.123Z') });
    const broken: Array<Record<string, unknown>> = [
      { phase: 'ASLEEP' }, { seq: 1.5 }, { event: null }, { event: { ...good.event, id: '1e3' } }, { event: { ...good.event, kind: 'GOSSIP' } },
      { event: { ...good.event, message: 7 } }, { event: { ...good.event, progress: '40' } }, { event: { ...good.event, at: 'yesterday' } },
    ];
    for (const change of broken) expect(eventOfNotice({ ...good, ...change } as never)).toBeNull();
  });

  it('rejects an unknown node without writing anything', async () => {
    await expect(appendEvent(testDb.db, '00000000-0000-4000-8000-000000000000', { phase: 'QUEUED', kind: 'INFO', message: 'x' })).rejects.toThrow('no node');
  });
});
