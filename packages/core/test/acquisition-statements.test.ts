/**
 * Pins how many SQL statements the phase driver (acquisition.ts provisionNode) sends for one
 * acquisition, QUEUED to READY, so the per-acquisition cost (issue 14: the worker thread is
 * CPU-bound on these statements and the socket writes under them) cannot silently grow.
 * Counted at the pg client under Prisma: every statement, BEGIN and COMMIT included.
 * The driver runs in the test (no worker); the machine's call home is stood in for by writing
 * its facts (registered, healthy heartbeat) between the runs, so the count is deterministic.
 */
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAPPY_PATH } from '@hangar/domain/phases';
import { PrismaClient } from '@hangar/db/generated/prisma/client';
import type { Db } from '@hangar/db/client';
import { provisionNode } from '../src/acquisition.ts';
import { createNode } from '../src/nodes.ts';
import type { CoreDeps } from '../src/deps.ts';
import { lockNode, releaseParkedClocks } from '../src/node-state.ts';
import { phasesOf, startAcquisitionEnv, type AcquisitionEnv } from './support/acquisition-env.ts';

let env: AcquisitionEnv;
let pool: pg.Pool;
let counted: Db;
let statements: string[] = [];

beforeAll(async () => {
  env = await startAcquisitionEnv({ worker: false, speed: 'instant', deadlineScale: 1 });
  pool = new pg.Pool({ connectionString: env.testDb.url, max: 4 });
  pool.on('error', () => undefined); // the database is dropped under idle connections at the end
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0] as string | { text?: string };
      statements.push(typeof first === 'string' ? first : (first.text ?? '?'));
      return query(...args);
    };
  });
  counted = new PrismaClient({ adapter: new PrismaPg(pool) }) as unknown as Db;
});
afterAll(async () => {
  await counted?.$disconnect();
  await pool?.end();
  await env?.stop();
});

/** One run of the driver on the counting client; the statements it sent. */
async function run(deps: CoreDeps, nodeId: string): Promise<string[]> {
  statements = [];
  await provisionNode(deps, nodeId);
  releaseParkedClocks(deps);
  return statements;
}

describe('SQL statements per acquisition', () => {
  it('QUEUED to READY costs a pinned number of statements', async () => {
    // The machine never calls (its API address is dead): the test writes its facts instead.
    const deps: CoreDeps = { ...env.deps, db: counted, config: { ...env.deps.config, publicUrl: 'http://127.0.0.1:9' } };
    const counts: number[][] = [];
    for (let i = 0; i < 2; i++) {
      const node = await env.createNode();
      const first = await run(deps, node.id); // QUEUED → VALIDATING, hands its slot back
      const second = await run(deps, node.id); // → CREATING_SERVER → WAITING_FOR_SERVER → PROVISIONING, parks
      expect((await env.testDb.db.node.findUniqueOrThrow({ where: { id: node.id } })).phase).toBe('PROVISIONING');
      await env.testDb.db.node.update({ where: { id: node.id }, data: { registeredAt: new Date(), lastHeartbeatHealthy: true } });
      const third = await run(deps, node.id); // → WAITING_FOR_READINESS → READY
      const events = await env.events(node.id);
      expect(phasesOf(events)).toEqual(HAPPY_PATH);
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      // The row a phase change returns (and lockNode reads) with raw SQL is the row Prisma reads.
      const read = await env.testDb.db.node.findUniqueOrThrow({ where: { id: node.id } });
      expect(await env.testDb.db.$transaction((tx) => lockNode(tx, node.id))).toStrictEqual(read);
      counts.push([first.length, second.length, third.length]);
    }
    // The same for every node (no growth with the number of nodes or events).
    expect(counts[1]).toEqual(counts[0]);
    // A driver's phase change is one statement (conditional UPDATE, event, NOTIFY), and the next
    // step works on the node it returned (no re-read); a PROGRESS event is one statement.
    // 1st run: read the node with its connection (1: Prisma's relationJoins joins the include),
    //   QUEUED → VALIDATING (1).
    // 2nd run: read (1), catalog (1), → CREATING_SERVER (1), store the token hash (1),
    //   → WAITING_FOR_SERVER (1), two PROGRESS events (2), → PROVISIONING (1); parks.
    // 3rd run: read (1), → WAITING_FOR_READINESS (1), → READY (1).
    // (Before issue 14's cut: 8 + 36 + 17 = 61.)
    expect(counts[0]).toEqual([2, 8, 3]);
  });

  it('createNode costs a pinned number of statements', async () => {
    const deps: CoreDeps = { ...env.deps, db: counted };
    await createNode(deps, env.actor, { providerConnectionId: env.connection.id, name: 'counted-warm', serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' }); // stores the catalog
    const counts: string[][] = [];
    for (let i = 0; i < 2; i++) {
      statements = [];
      const node = await createNode(deps, env.actor, { providerConnectionId: env.connection.id, name: `counted-${i}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' });
      counts.push(statements.map((sql) => sql.trim().split(/\s+/)[0] ?? ''));
      // The row it returns without reading it again is the row as committed.
      expect(node).toStrictEqual(await env.testDb.db.node.findUniqueOrThrow({ where: { id: node.id } }));
    }
    expect(counts[1]).toEqual(counts[0]);
    // The connection with its stored catalog (1: relationJoins), then one transaction: the node,
    // its QUEUED event (which returns the new lastSeq and updatedAt), its audit row, its pg-boss
    // job. (Before: 9, the catalog read on its own and the node read again before COMMIT.)
    expect(counts[0]).toEqual(['SELECT', 'BEGIN', 'INSERT', 'WITH', 'INSERT', 'WITH', 'COMMIT']);
  });
});
