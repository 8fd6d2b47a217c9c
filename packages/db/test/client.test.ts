import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, pgPoolOf } from '../src/client.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.ts';

let testDb: TestDatabase;
beforeAll(async () => { testDb = await createTestDatabase(); });
afterAll(async () => { await testDb.drop(); });

describe('createDb and its pg pool', () => {
  it('shares the client’s pool, never a transaction’s, and none after a disconnect, after which Prisma still answers', async () => {
    const db = createDb(testDb.url, { poolMax: 2 });
    const pool = pgPoolOf(db);
    expect(pool).toBeDefined();
    expect(pool!.totalCount).toBe(0);
    // Prisma's statements run on this pool: its first one opens the pool's first connection.
    await db.organization.count();
    expect(pool!.totalCount).toBe(1);
    expect((await pool!.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(pool!.totalCount).toBe(1);
    await db.$transaction(async (tx) => {
      expect(pgPoolOf(tx)).toBeUndefined();
    });
    await db.$disconnect();
    expect(pool!.ended).toBe(true);
    expect(pgPoolOf(db)).toBeUndefined();
    expect(await db.organization.count()).toBe(0);
    await db.$disconnect();
  });
});
