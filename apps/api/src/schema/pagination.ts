/**
 * Page sizes and cursors of every connection (nodes, a node's events, provider connections,
 * audit events). A page size outside 1..MAX_PAGE_SIZE or a cursor this API did not issue is a
 * VALIDATION_FAILED error naming the argument, never a clamp, an empty page or a 500.
 */
import { decodeBase64, decodeCursorChunk } from '@pothos/core';
import { HangarError } from '@hangar/domain/api-errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** A cursor is a few dozen characters; anything much longer is not one of ours. */
const MAX_CURSOR_CHARS = 200;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a connection's cursor holds: the row's id, a UUID or an auto-increment BigInt. */
export type CursorKind = 'uuid' | 'bigint';

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

function invalid(field: string, message: string): HangarError {
  return new HangarError('VALIDATION_FAILED', message, { field });
}

function checkCursor(field: 'after' | 'before', cursor: string, kind: CursorKind): void {
  let value: unknown;
  try {
    if (cursor.length > MAX_CURSOR_CHARS) throw new Error('too long');
    const decoded = decodeBase64(cursor);
    if (!decoded.startsWith('GPC:')) throw new Error('not ours');
    value = decodeCursorChunk(decoded.slice(4));
  } catch {
    value = undefined;
  }
  const fits = kind === 'uuid' ? typeof value === 'string' && UUID_RE.test(value) : typeof value === 'bigint' && value > 0n;
  if (!fits) throw invalid(field, `${field} is not a cursor of this list: pass a cursor from its edges or pageInfo`);
}

/** Checks a connection's arguments; returns the page-size limit for the Prisma plugin. */
export function checkedPageSize(args: ConnectionArgs, kind: CursorKind | null = null): number {
  for (const field of ['first', 'last'] as const) {
    const size = args[field];
    if (size !== null && size !== undefined && (size < 1 || size > MAX_PAGE_SIZE)) {
      throw invalid(field, `${field} must be between 1 and ${MAX_PAGE_SIZE}`);
    }
  }
  if (args.first != null && args.last != null) throw invalid('last', 'pass first or last, not both');
  if (args.after != null && args.before != null) throw invalid('before', 'pass after or before, not both');
  if (args.first != null && args.before != null) throw invalid('before', 'first pages forward from after; use last with before');
  if (args.last != null && args.after != null) throw invalid('after', 'last pages backward from before; use first with after');
  if (kind) {
    if (args.after != null) checkCursor('after', args.after, kind);
    if (args.before != null) checkCursor('before', args.before, kind);
  }
  return MAX_PAGE_SIZE;
}

/** The per-field paging options of a connection whose cursor holds `kind`. */
export function paging(kind: CursorKind) {
  return { maxSize: (args: ConnectionArgs) => checkedPageSize(args, kind), defaultSize: DEFAULT_PAGE_SIZE };
}
