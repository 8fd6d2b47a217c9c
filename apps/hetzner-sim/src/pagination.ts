import { invalidInput } from './errors.ts';

/**
 * Hetzner pagination: `page` (from 1) and `per_page` (default 25, at most 50), a
 * `meta.pagination` object with exactly six keys (python3-hcloud builds `Pagination(**...)` and
 * breaks on any extra key) and a `Link` header with prev/next/last.
 */
export const DEFAULT_PER_PAGE = 25;
export const MAX_PER_PAGE = 50;

export interface PaginationMeta {
  page: number;
  per_page: number;
  previous_page: number | null;
  next_page: number | null;
  last_page: number | null;
  total_entries: number | null;
}

export interface Page<T> {
  items: T[];
  meta: { pagination: PaginationMeta };
  headers: Record<string, string>;
}

function readPositiveInt(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1) {
    throw invalidInput([{ name, messages: ['must be a positive integer'] }]);
  }
  return Number(raw);
}

function pageUrl(requestUrl: URL, page: number, perPage: number): string {
  const url = new URL(requestUrl.href);
  url.searchParams.set('page', String(page));
  url.searchParams.set('per_page', String(perPage));
  return url.href;
}

/** Cuts one page out of `all` (already filtered and sorted). Oversized per_page is clamped to 50. */
export function paginate<T>(all: readonly T[], query: URLSearchParams, requestUrl: URL): Page<T> {
  const page = readPositiveInt(query, 'page', 1);
  const perPage = Math.min(readPositiveInt(query, 'per_page', DEFAULT_PER_PAGE), MAX_PER_PAGE);
  const lastPage = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const previousPage = page > 1 ? Math.min(page - 1, lastPage) : null;
  const nextPage = page < lastPage ? page + 1 : null;

  const links: string[] = [];
  if (previousPage !== null) links.push(`<${pageUrl(requestUrl, previousPage, perPage)}>; rel="prev"`);
  if (nextPage !== null) links.push(`<${pageUrl(requestUrl, nextPage, perPage)}>; rel="next"`);
  links.push(`<${pageUrl(requestUrl, lastPage, perPage)}>; rel="last"`);

  return {
    items,
    meta: {
      pagination: {
        page,
        per_page: perPage,
        previous_page: previousPage,
        next_page: nextPage,
        last_page: lastPage,
        total_entries: all.length,
      },
    },
    headers: { Link: links.join(', ') },
  };
}
