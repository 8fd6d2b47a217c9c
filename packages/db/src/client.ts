import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export type { PrismaClient } from './generated/prisma/client.ts';
export type Db = InstanceType<typeof PrismaClient>;

/** Largest pool one process opens; pg-boss and LISTEN use their own connections. */
const POOL_MAX_CONNECTIONS = 10;

/** A Prisma client over node-postgres (no engine binary). */
export function createDb(url: string, options: { poolMax?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: url, max: options.poolMax ?? POOL_MAX_CONNECTIONS });
  return new PrismaClient({ adapter });
}
