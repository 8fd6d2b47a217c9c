import { describe, expect, it } from 'vitest';
import { MAX_PAGES, collectPages } from '../src/hetzner/pagination.ts';
import type { Page } from '../src/hetzner/pagination.ts';

const page = <T>(items: T[], nextPage: number | null, current: number): Page<T> => ({
  items,
  meta: { pagination: { page: current, next_page: nextPage } },
});

describe('collectPages', () => {
  it('follows next_page until it is null, in order', async () => {
    const asked: number[] = [];
    const all = await collectPages('list', async (n) => {
      asked.push(n);
      return n === 1 ? page(['a', 'b'], 2, 1) : n === 2 ? page(['c'], 4, 2) : page(['d'], null, 4);
    });
    expect(all).toEqual(['a', 'b', 'c', 'd']);
    expect(asked).toEqual([1, 2, 4]);
  });

  it('treats an answer without meta as the only page', async () => {
    expect(await collectPages('list', async () => ({ items: [1, 2], meta: undefined }))).toEqual([1, 2]);
  });

  it('refuses a next_page that does not move forward, a missing list, or endless pages', async () => {
    await expect(collectPages('list', async () => page([1], 1, 1))).rejects.toMatchObject({ info: { code: 'PROVIDER_BAD_RESPONSE' } });
    await expect(collectPages('list', async () => ({ items: undefined, meta: null }))).rejects.toMatchObject({ info: { code: 'PROVIDER_BAD_RESPONSE' } });
    let calls = 0;
    await expect(
      collectPages('list', async (n) => {
        calls += 1;
        return page([n], n + 1, n);
      }),
    ).rejects.toMatchObject({ info: { code: 'PROVIDER_BAD_RESPONSE' } });
    expect(calls).toBe(MAX_PAGES);
  });
});
