/**
 * Hetzner list pagination: follow `meta.pagination.next_page` until it is null.
 */
import { providerError } from '../provider-error.ts';

/** Entries per page requested from list endpoints (Hetzner's maximum). */
export const PAGE_SIZE = 50;
/** Safety stop: a listing longer than this many pages is treated as a broken answer. */
export const MAX_PAGES = 1_000;

/** What one page of a list endpoint gave. */
export type Page<T> = {
  items: T[] | undefined;
  meta: { pagination?: { page?: number | null; next_page?: number | null } | null } | null | undefined;
};

/**
 * Reads every page, in order. A page without `meta.pagination` is the last one. A next_page
 * that does not move forward, or too many pages, is PROVIDER_BAD_RESPONSE rather than a loop.
 */
export async function collectPages<T>(what: string, fetchPage: (page: number) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let page = 1;
  for (let fetched = 0; ; fetched += 1) {
    if (fetched >= MAX_PAGES) throw providerError('PROVIDER_BAD_RESPONSE', { message: `${what}: more than ${MAX_PAGES} pages` });
    const { items, meta } = await fetchPage(page);
    if (!Array.isArray(items)) throw providerError('PROVIDER_BAD_RESPONSE', { message: `${what}: page ${page} has no list` });
    all.push(...items);
    const next = meta?.pagination?.next_page;
    if (next === null || next === undefined) return all;
    if (!Number.isInteger(next) || next <= page) {
      throw providerError('PROVIDER_BAD_RESPONSE', { message: `${what}: page ${page} points to next page ${String(next)}` });
    }
    page = next;
  }
}
