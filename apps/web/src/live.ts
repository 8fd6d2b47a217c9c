import { useEffect, useState } from 'react';
import { useSubscription, type TypedDocumentNode } from 'urql';
import { fromOperationError, type AppError } from './errors.ts';

/** While a subscription is unavailable, lists re-read this often instead. */
export const POLL_FALLBACK_INTERVAL_MS = 5_000;

/**
 * The newest version of every entity a subscription announced, by id. Lists show a query's
 * result with these laid over it, so a change appears without refetching the list.
 */
export function useLiveEntities<Data, T extends { id: string }>(
  query: TypedDocumentNode<Data, Record<string, never>>,
  select: (data: Data) => T | null,
): { latest: ReadonlyMap<string, T>; failure: AppError | null } {
  const [{ data, error }] = useSubscription<Data, ReadonlyMap<string, T>>({ query }, (previous = new Map(), event) => {
    const entity = select(event);
    return entity === null ? previous : new Map(previous).set(entity.id, entity);
  });
  return { latest: data ?? new Map(), failure: error ? fromOperationError(error) : null };
}

/**
 * A list with live versions laid over it: known ids are replaced in place; ids the list has not
 * seen (created elsewhere) are added first or last when `admit` accepts them (a list page must
 * not pull in an old item from a later page); `removed` ids are left out.
 */
export function overlay<T extends { id: string }>(
  list: readonly T[],
  latest: ReadonlyMap<string, T>,
  options: { newAt: 'start' | 'end'; removed?: ReadonlySet<string>; admit?: (item: T) => boolean },
): T[] {
  const known = new Set(list.map((item) => item.id));
  const keep = (item: T) => !options.removed?.has(item.id);
  const merged = list.map((item) => latest.get(item.id) ?? item).filter(keep);
  const unseen = [...latest.values()].filter((item) => !known.has(item.id) && keep(item) && (options.admit?.(item) ?? true));
  return options.newAt === 'start' ? [...unseen.reverse(), ...merged] : [...merged, ...unseen];
}

/** Calls `refresh` every POLL_FALLBACK_INTERVAL_MS while `active` (live updates are down). */
export function usePollingFallback(active: boolean, refresh: () => void): void {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(refresh, POLL_FALLBACK_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [active, refresh]);
}

/** A value that changes every `intervalMs` while `active` (re-renders elapsed-time displays). */
export function useTicker(active: boolean, intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}
