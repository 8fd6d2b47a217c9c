import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';

export type { PrismaClient } from './generated/prisma/client.ts';
export type Db = InstanceType<typeof PrismaClient>;

/** Largest pool one process opens; pg-boss and LISTEN use their own connections. */
const POOL_MAX_CONNECTIONS = 10;
/**
 * Interactive transactions ($transaction(async (tx) => …)). Prisma's defaults, 2 s to get a
 * connection and 5 s for the whole transaction, turned bursts into masked "Unexpected error."s:
 * with 25 createNode calls at once on a pool of 8 and both cores busy, a transaction waited
 * more than 2 s for a connection (P2028 "Unable to start a transaction in the given time") and
 * createNode's five short statements took 8.6–10.7 s end to end (P2028 "expired
 * transaction"), measured under `stress-ng --cpu 2`. A request that waits is slower, not
 * wrong; these limits only stop a transaction that is stuck.
 */
const TRANSACTION_MAX_WAIT_MS = 30_000;
const TRANSACTION_TIMEOUT_MS = 60_000;

/** The node-postgres pool under each client createDb made (the same connections Prisma uses). */
const pools = new WeakMap<object, pg.Pool>();

/** A Prisma client over node-postgres (no engine binary). */
export function createDb(url: string, options: { poolMax?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString: url, max: options.poolMax ?? POOL_MAX_CONNECTIONS });
  // $disconnect ends the pool; a later query makes Prisma open a new one of its own.
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const db = new PrismaClient({ adapter, transactionOptions: { maxWait: TRANSACTION_MAX_WAIT_MS, timeout: TRANSACTION_TIMEOUT_MS } });
  pools.set(db, pool);
  return db;
}

/**
 * The open node-postgres pool of a client from createDb, for a hot statement that Prisma's query
 * path would slow down (a named, prepared statement: one round trip, parsed once per
 * connection). Undefined for a transaction client (its statements must stay on its connection)
 * and once the client was disconnected.
 */
export function pgPoolOf(db: object): pg.Pool | undefined {
  const pool = pools.get(db);
  return pool && !pool.ending && !pool.ended ? pool : undefined;
}
