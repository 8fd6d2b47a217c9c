import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRateLimiter } from '../src/rate-limit.ts';
import { waitFor } from './support/http.ts';
import { validateResponse } from './support/openapi.ts';
import { type TestSim, startTestSim } from './support/sim.ts';

/** Hetzner's per-project token bucket: headers on every answer, 429 when empty, steady refill. */
let t: TestSim;

beforeAll(async () => {
  t = await startTestSim({ speed: 'fast', seed: 3 });
});
afterAll(async () => {
  await t.sim.stop();
});

const nowSeconds = (): number => Date.now() / 1000;
/** RateLimit-Reset is whole seconds, rounded up, of an instant between the request and its answer. */
function expectResetBetween(reset: number, earliestSeconds: number, latestSeconds: number): void {
  expect(reset).toBeGreaterThanOrEqual(Math.floor(earliestSeconds));
  expect(reset).toBeLessThanOrEqual(Math.ceil(latestSeconds));
}
const header = (res: { headers: Record<string, unknown> }, name: string): number => Number(res.headers[name.toLowerCase()]);

describe('rate limiting', () => {
  it('sends RateLimit-* headers with the default 3600/hour on every /v1 answer', async () => {
    const { token } = await t.project();
    const api = t.api(token);
    const sent = nowSeconds();
    const first = await api('GET', '/locations');
    const answered = nowSeconds();
    expect(header(first, 'RateLimit-Limit')).toBe(3600);
    expect(header(first, 'RateLimit-Remaining')).toBe(3599);
    // One request used at one per second: full again a second after the server answered.
    expectResetBetween(header(first, 'RateLimit-Reset'), sent + 1, answered + 1);
    const notFound = await api('GET', '/servers/1');
    expect(notFound.status).toBe(404);
    expect(header(notFound, 'RateLimit-Remaining')).toBe(3598);
    const unauthenticated = await t.api('nope')('GET', '/locations');
    expect(unauthenticated.status).toBe(401);
    expect(header(unauthenticated, 'RateLimit-Limit')).toBe(3600);
  });

  it('allows a burst of 10 at 10/hour, then answers 429 rate_limit_exceeded', async () => {
    const started = nowSeconds();
    const { token } = await t.project({ rateLimit: 10 });
    const api = t.api(token);
    const remaining: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await api('GET', '/server_types');
      expect(res.status).toBe(200);
      remaining.push(header(res, 'RateLimit-Remaining'));
    }
    expect(remaining).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const sent = nowSeconds();
    const refused = await api('GET', '/server_types');
    const answered = nowSeconds();
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({ error: { code: 'rate_limit_exceeded', message: expect.any(String), details: null } });
    expect(validateResponse('GET', '/server_types', 429, refused.headers['content-type'], refused.text)).toEqual([]);
    expect(header(refused, 'RateLimit-Limit')).toBe(10);
    expect(header(refused, 'RateLimit-Remaining')).toBe(0);
    expect(refused.headers['x-correlation-id']).toMatch(/^[0-9a-f]{16}$/);
    // Ten tokens at one per 360 s: full again an hour after the server answered (less what
    // trickled back while the ten requests ran).
    expectResetBetween(header(refused, 'RateLimit-Reset'), sent + 3600 - (answered - started), answered + 3600);
    // Writes count too, and are refused the same way.
    expect((await api('POST', '/ssh_keys', { name: 'k', public_key: 'x' })).status).toBe(429);
  });

  it('refills one request per 3600/limit seconds, never above the burst', () => {
    // The bucket's arithmetic on explicit instants (the server passes its clock): no sleeping,
    // so a slow machine cannot refill it between requests the test meant to be back to back.
    const limiter = buildRateLimiter();
    const take = (atMs: number) => limiter.take('p', 36_000, 2, atMs);
    const remaining = (decision: { headers: Record<string, string> }) => Number(decision.headers['RateLimit-Remaining']);
    expect(remaining(take(0))).toBe(1);
    expect(remaining(take(0))).toBe(0);
    const refused = take(0);
    expect(refused.allowed).toBe(false);
    // Two requests missing at ten per second: full again at 0.2 s, rounded up to the second.
    expect(refused.headers['RateLimit-Reset']).toBe('1');
    // 150 ms later one and a half came back.
    const refilled = take(150);
    expect(refilled.allowed).toBe(true);
    expect(remaining(refilled)).toBe(0);
    // Long after, the bucket holds the burst and no more.
    expect(remaining(take(60_000))).toBe(1);
  });

  it('keeps one bucket per project, changeable through the admin API', async () => {
    const a = await t.project({ rateLimit: 1 });
    const b = await t.project({ rateLimit: 1 });
    expect((await t.api(a.token)('GET', '/locations')).status).toBe(200);
    // The read-only token shares the project's bucket.
    expect((await t.api(a.readOnlyToken)('GET', '/locations')).status).toBe(429);
    expect((await t.api(b.token)('GET', '/locations')).status).toBe(200);

    const patched = await t.admin('PATCH', `/projects/${a.id}`, { rateLimit: 36_000, rateBurst: 5 });
    expect(patched.status).toBe(200);
    expect(patched.json.project).toMatchObject({ rateLimit: 36_000, rateBurst: 5 });
    // The empty bucket refills at the new rate (one request per 100 ms): the next one is let through.
    const res = await waitFor(async () => { const answer = await t.api(a.token)('GET', '/locations'); return answer.status === 200 ? answer : undefined; }, 'a request let through at the new rate');
    expect(header(res, 'RateLimit-Limit')).toBe(36_000);
  });

  it('never limits the admin API', async () => {
    const { id } = await t.project({ rateLimit: 1 });
    for (let i = 0; i < 5; i++) {
      const res = await t.admin('GET', `/servers?projectId=${id}`);
      expect(res.status).toBe(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    }
  });
});
