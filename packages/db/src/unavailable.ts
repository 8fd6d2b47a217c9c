/**
 * Whether an error means "the database is down or saturated right now", not "this request is
 * wrong": Postgres killed or restarting (57P01 admin shutdown, 57P02 crash shutdown, 57P03
 * starting up), a refused or dropped connection, no free connection in time (Prisma P2024,
 * P2028 "Unable to start a transaction in the given time"), too many connections. Such an
 * error is retryable: the API answers it as UNAVAILABLE (HTTP 503 with Retry-After) instead of
 * masking it as INTERNAL_SERVER_ERROR, and a job simply runs again.
 *
 * Prisma over node-postgres wraps the driver's error in several ways (a DriverAdapterError with
 * a `kind`, a PrismaClientKnownRequestError with a `P` code and `meta.driverAdapterError`, or
 * pg's own Error when the adapter does not recognise it), so the whole cause chain is read.
 */

/** Prisma's codes for an unreachable, closed or exhausted database. */
const PRISMA_UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
/** Driver adapter error kinds (@prisma/driver-adapter-utils) of the same. */
const ADAPTER_UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** Socket errors of a connection to Postgres. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLSTATEs: connection exceptions (class 08), shutdown and startup (57P01-57P03), too many connections (53300). */
const SQLSTATE_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
/** Messages of node-postgres and Prisma that carry no code. */
const MESSAGE_UNAVAILABLE = /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Unable to start a transaction in the given time|Can't reach database server|Server has closed the connection|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to/i;

/** The objects of an error's cause chain (cause, Prisma's meta.driverAdapterError and its cause). */
function* chain(error: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 16) {
    const current = queue.shift();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const record = current as Record<string, unknown>;
    yield record;
    queue.push(record.cause);
    const meta = record.meta as Record<string, unknown> | undefined;
    if (meta && typeof meta === 'object') queue.push(meta.driverAdapterError, meta.cause);
    if (Array.isArray(record.errors)) queue.push(...(record.errors as unknown[]));
  }
}

/** Whether `error` (anything thrown by Prisma, pg or pg-boss) means the database is unavailable for now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const part of chain(error)) {
    const code = typeof part.code === 'string' ? part.code : undefined;
    const originalCode = typeof part.originalCode === 'string' ? part.originalCode : undefined;
    if (code && (PRISMA_UNAVAILABLE_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATE_UNAVAILABLE.test(code))) return true;
    if (originalCode && SQLSTATE_UNAVAILABLE.test(originalCode)) return true;
    if (typeof part.kind === 'string' && ADAPTER_UNAVAILABLE_KINDS.has(part.kind)) return true;
    if (typeof part.message === 'string' && MESSAGE_UNAVAILABLE.test(part.message)) return true;
  }
  return false;
}

/** Seconds a caller should wait before trying again when the database is unavailable (Retry-After). */
export const DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS = 2;
