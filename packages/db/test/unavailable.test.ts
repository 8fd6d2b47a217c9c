/**
 * Which errors mean "the database is unavailable right now" (answered UNAVAILABLE, 503) and which
 * do not (a real bug stays INTERNAL_SERVER_ERROR). The shapes are those Prisma over node-postgres
 * throws; apps/api/test/database-restart.test.ts provokes the real ones by killing Postgres.
 */
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../src/unavailable.ts';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });

describe('isDatabaseUnavailable', () => {
  it('knows a database that is down, restarting or saturated', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: 'P1001' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), { code: 'P2028' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('Timed out fetching a new connection from the connection pool'), { code: 'P2024' }))).toBe(true);
    expect(isDatabaseUnavailable(pgError('57P01', 'terminating connection due to unexpected postmaster exit'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('57P03', 'the database system is starting up'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('08006', 'connection failure'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('53300', 'sorry, too many clients already'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    // Wrapped: Prisma's meta.driverAdapterError and an error's cause.
    expect(isDatabaseUnavailable(Object.assign(new Error('Invalid invocation'), { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'ConnectionClosed' } } } }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('query failed', { cause: pgError('57P02', 'terminating connection because of crash of another server process') }))).toBe(true);
  });

  it('leaves everything else alone: a bug must stay a bug', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('Unique constraint failed on the fields: (`name`)'), { code: 'P2002' }))).toBe(false);
    expect(isDatabaseUnavailable(pgError('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isDatabaseUnavailable(pgError('40001', 'could not serialize access due to concurrent update'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDatabaseUnavailable('a string')).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    const loop: Record<string, unknown> = { message: 'a cycle' };
    loop.cause = loop;
    expect(isDatabaseUnavailable(loop)).toBe(false);
  });
});
