import { PrismaPg } from '@prisma/adapter-pg';
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

/** A Prisma client over node-postgres (no engine binary). */
export function createDb(url: string, options: { poolMax?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: url, max: options.poolMax ?? POOL_MAX_CONNECTIONS });
  return new PrismaClient({ adapter, transactionOptions: { maxWait: TRANSACTION_MAX_WAIT_MS, timeout: TRANSACTION_TIMEOUT_MS } });
}
