/**
 * The shared request budget: the estimate itself (with a controlled clock), then the adapter
 * against the simulator's token bucket over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHetznerAdapter } from '../src/hetzner/adapter.ts';
import type { HetznerAdapterConfig } from '../src/hetzner/adapter.ts';
import { RateLimitBudget, parseRateLimitHeaders, parseRetryAfterMs, rateLimitKey } from '../src/rate-limit.ts';
import type { SimProject, Simulator } from './support/simulator.ts';
import { createProject, requestsOf, startSimulator } from './support/simulator.ts';
import { failure } from './support/failure.ts';

function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}
const headers = (limit: number, remaining: number, resetAtMs: number) =>
  new Headers({ 'RateLimit-Limit': String(limit), 'RateLimit-Remaining': String(remaining), 'RateLimit-Reset': String(Math.ceil(resetAtMs / 1000)) });

describe('RateLimitBudget', () => {
  it('lets requests through before it has seen any headers', () => {
    const budget = new RateLimitBudget();
    expect(budget.tryTake()).toBe(0);
    expect(budget.status()).toBeNull();
  });

  it('spends what the headers say is left, then waits for the gradual refill', () => {
    const time = clock();
    const budget = new RateLimitBudget(time.now);
    // 3600/h with 3 left: full again in 3597 s, one request back per second.
    budget.observe(headers(3600, 3, time.now() + 3597 * 1000));
    expect([budget.tryTake(), budget.tryTake(), budget.tryTake()]).toEqual([0, 0, 0]);
    const wait = budget.tryTake();
    expect(wait).toBeGreaterThan(900);
    expect(wait).toBeLessThanOrEqual(1001);
    time.advance(wait);
    expect(budget.tryTake()).toBe(0);
    expect(budget.tryTake()).toBeGreaterThan(900);
  });

  it('is full again after the reset time', () => {
    const time = clock();
    const budget = new RateLimitBudget(time.now);
    budget.observe(headers(10, 0, time.now() + 5_000));
    expect(budget.delayMs()).toBeGreaterThan(0);
    time.advance(5_001);
    expect(budget.delayMs()).toBe(0);
    expect(budget.status()).toMatchObject({ limit: 10, remaining: 10 });
  });

  it('asks pollers to slow down to the refill pace when the budget runs low', () => {
    const time = clock();
    const budget = new RateLimitBudget(time.now);
    budget.observe(headers(3600, 3000, time.now() + 600 * 1000));
    expect(budget.suggestedIntervalMs()).toBe(0);
    budget.observe(headers(3600, 100, time.now() + 3500 * 1000));
    expect(budget.suggestedIntervalMs()).toBe(1000);
  });

  it('a 429 without headers empties the budget for the Retry-After time', () => {
    const time = clock();
    const budget = new RateLimitBudget(time.now);
    budget.exhausted(2_000);
    expect(budget.delayMs()).toBe(2_000);
    time.advance(2_000);
    expect(budget.delayMs()).toBe(0);
  });

  it('parses headers strictly', () => {
    expect(parseRateLimitHeaders(new Headers({ 'RateLimit-Limit': '3600' }))).toBeNull();
    expect(parseRateLimitHeaders(new Headers({ 'RateLimit-Limit': 'x', 'RateLimit-Remaining': '1', 'RateLimit-Reset': '1' }))).toBeNull();
    expect(parseRateLimitHeaders(headers(3600, 12, 1_700_000_000_000))).toEqual({ limit: 3600, remaining: 12, resetAt: 1_700_000_000_000 });
    expect(parseRetryAfterMs(new Headers({ 'Retry-After': '3' }), 0)).toBe(3_000);
    expect(parseRetryAfterMs(new Headers({ 'Retry-After': new Date(10_000).toUTCString() }), 4_000)).toBe(6_000);
    expect(parseRetryAfterMs(new Headers(), 0)).toBeNull();
  });

  it('keys budgets by connection id, else by endpoint and a token fingerprint (never the token)', () => {
    const token = 'secret-token-value-0123456789';
    expect(rateLimitKey({ connectionId: 'c1', apiEndpoint: 'https://x/v1', token })).toBe('connection:c1');
    const byEndpoint = rateLimitKey({ apiEndpoint: 'https://x/v1/', token });
    expect(byEndpoint).toMatch(/^endpoint:https:\/\/x\/v1#[0-9a-f]{16}$/);
    expect(byEndpoint).not.toContain(token);
    expect(rateLimitKey({ apiEndpoint: 'https://x/v1', token: `${token}2` })).not.toBe(byEndpoint);
  });
});

describe('rate limits against the simulator', () => {
  // 1800/h refills one request every 2 s: a busy machine's pause between two requests does not
  // refill the bucket in between (at 100 ms it did). A burst of 3 is quickly spent.
  const LIMIT_PER_HOUR = 1_800;
  const REFILL_MS = 3_600_000 / LIMIT_PER_HOUR;
  const BURST = 3;
  let sim: Simulator;
  let endpoint: string;
  beforeAll(async () => {
    sim = await startSimulator('instant');
    endpoint = `${sim.url}/v1`;
  });
  afterAll(async () => {
    await sim.stop();
  });

  const adapterFor = (project: SimProject, extra: Partial<HetznerAdapterConfig> = {}) =>
    createHetznerAdapter({ apiEndpoint: endpoint, token: project.token, connectionId: randomUUID(), ...extra });
  const statuses = async (project: SimProject) => (await requestsOf(sim, project.id)).map((entry) => entry.status);


  it('reads RateLimit-* from every answer', async () => {
    const project = await createProject(sim, { rateLimit: 1234 });
    const adapter = adapterFor(project);
    expect(adapter.rateLimitStatus()).toBeNull();
    await adapter.readServer('1');
    expect(adapter.rateLimitStatus()).toMatchObject({ limit: 1234, remaining: 1233 });
  });

  it('waits for the refill instead of sending into a 429', async () => {
    const project = await createProject(sim, { rateLimit: LIMIT_PER_HOUR, rateBurst: BURST });
    const adapter = adapterFor(project);
    const started = Date.now();
    for (let i = 0; i < BURST + 4; i += 1) expect(await adapter.readServer('1')).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * REFILL_MS);
    expect(await statuses(project)).toEqual(Array(BURST + 4).fill(404));
  });

  it('shares the budget between adapters of one connection', async () => {
    const project = await createProject(sim, { rateLimit: LIMIT_PER_HOUR, rateBurst: BURST });
    const connectionId = randomUUID();
    const first = adapterFor(project, { connectionId });
    for (let i = 0; i < BURST; i += 1) await first.readServer('1');

    const impatient = adapterFor(project, { connectionId, maxRateLimitWaitMs: 0 });
    const error = await failure(impatient.readServer('1'));
    expect(error.info).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', httpStatus: null, retryable: true });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(REFILL_MS);
    expect(await statuses(project)).toHaveLength(BURST); // not sent

    const patient = adapterFor(project, { connectionId });
    expect(await patient.readServer('1')).toBeNull();
    expect(await statuses(project)).toEqual(Array(BURST + 1).fill(404));
  });

  it('a real 429 carries retryAfterMs; retrying is left to the caller unless told to wait', async () => {
    const project = await createProject(sim, { rateLimit: LIMIT_PER_HOUR, rateBurst: BURST });
    // Another client of the project spends its budget (until it is refused); this connection has not seen it yet.
    const spend = async () => {
      while ((await fetch(`${endpoint}/servers/1`, { headers: { Authorization: `Bearer ${project.token}` } })).status !== 429);
    };
    await spend();

    const error = await failure(adapterFor(project).readServer('1'));
    expect(error.info).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', httpStatus: 429, providerCode: 'rate_limit_exceeded' });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(REFILL_MS);

    await spend();
    const before = (await statuses(project)).length;
    expect(await adapterFor(project, { waitOnRateLimit: true }).readServer('1')).toBeNull();
    expect((await statuses(project)).slice(before)).toEqual([429, 404]);
  });
});
