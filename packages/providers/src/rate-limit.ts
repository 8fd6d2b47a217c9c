/**
 * The request budget of one provider connection, learned from the RateLimit-Limit /
 * RateLimit-Remaining / RateLimit-Reset headers of every answer and shared by every adapter
 * instance on that connection in this process.
 *
 * RateLimit-Limit is the number of requests per hour, and Hetzner refills the budget
 * gradually (at 3600/h, one request per second); RateLimit-Reset is when it is full again. So
 * between answers the budget is estimated as the last Remaining plus one request per
 * (1 h / Limit) since then, and full after the reset time. (The refill pace is taken from the
 * limit, not from the reset time: a project whose burst is smaller than its hourly limit would
 * otherwise look like it refills far too fast.) Before sending, a request takes one unit; when
 * none is left it waits for the next refill (or fails fast if that is too far away), instead
 * of spending a request on a certain 429.
 */
import { createHash } from 'node:crypto';
import type { RateLimitStatus } from './provider.ts';

/** The window RateLimit-Limit counts requests in. */
export const RATE_LIMIT_WINDOW_MS = 3_600_000;
/** Assumed wait after a 429 that carried neither rate-limit headers nor Retry-After. */
export const RATE_LIMIT_DEFAULT_RETRY_AFTER_MS = 1_000;
/** Below this share of the limit, pollers slow down to the refill pace. */
export const RATE_LIMIT_LOW_BUDGET_FRACTION = 0.1;

type BudgetState = {
  limit: number;
  /** Units available at `observedAt` (fractional: refill is continuous). */
  remaining: number;
  /** Epoch ms of the last answer (or local reservation) the state is based on. */
  observedAt: number;
  /** Epoch ms when the whole limit is available again. */
  resetAt: number;
  /** Milliseconds per refilled unit. */
  refillMs: number;
};

/** Rate-limit facts parsed from one answer. */
export type RateLimitHeaders = { limit: number; remaining: number; resetAt: number };

/** Reads RateLimit-* headers; null when they are missing or not numbers. */
export function parseRateLimitHeaders(headers: Headers): RateLimitHeaders | null {
  const limit = Number(headers.get('ratelimit-limit'));
  const remaining = Number(headers.get('ratelimit-remaining'));
  const resetSeconds = Number(headers.get('ratelimit-reset'));
  if (!headers.has('ratelimit-limit') || !headers.has('ratelimit-remaining') || !headers.has('ratelimit-reset')) return null;
  if (!Number.isFinite(limit) || !Number.isFinite(remaining) || !Number.isFinite(resetSeconds) || limit <= 0) return null;
  return { limit, remaining: Math.max(0, Math.min(remaining, limit)), resetAt: resetSeconds * 1000 };
}

/** Reads a Retry-After header (seconds or HTTP date) as milliseconds from `now`. */
export function parseRetryAfterMs(headers: Headers, now: number): number | null {
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The shared budget of one connection. */
export class RateLimitBudget {
  #state: BudgetState | null = null;
  /** Requests sent on this budget whose answer has not arrived yet. */
  #inFlight = 0;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A request on this budget is being sent; pair with settle() when it is answered or fails. */
  begin(): void {
    this.#inFlight += 1;
  }

  /**
   * A request begun with begin() is over: `headers` of its answer, or null when there was none.
   * The provider's RateLimit-Remaining cannot count requests still in flight, so they are taken
   * off it: concurrent acquisitions on one connection never overdraw the budget together.
   */
  settle(headers: Headers | null): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (headers) this.observe(headers);
  }

  /** Learns from an answer's headers (every answer, errors and 429s included). */
  observe(headers: Headers): void {
    const parsed = parseRateLimitHeaders(headers);
    if (parsed === null) return;
    const now = this.#now();
    const refillMs = Math.max(1, RATE_LIMIT_WINDOW_MS / parsed.limit);
    this.#state = { limit: parsed.limit, remaining: parsed.remaining - this.#inFlight, observedAt: now, resetAt: Math.max(parsed.resetAt, now), refillMs };
  }

  /** Records a 429 without usable headers: assume the budget is empty for `retryAfterMs`. */
  exhausted(retryAfterMs: number): void {
    const now = this.#now();
    const limit = this.#state?.limit ?? 1;
    this.#state = { limit, remaining: 0, observedAt: now, resetAt: now + retryAfterMs * limit, refillMs: Math.max(1, retryAfterMs) };
  }

  #available(state: BudgetState, now: number): number {
    if (now >= state.resetAt) return state.limit;
    return Math.min(state.limit, state.remaining + (now - state.observedAt) / state.refillMs);
  }

  /** Milliseconds until one request may be sent (0 = now). */
  delayMs(): number {
    const state = this.#state;
    if (state === null) return 0;
    const now = this.#now();
    const available = this.#available(state, now);
    if (available >= 1) return 0;
    return Math.max(1, Math.min(Math.ceil((1 - available) * state.refillMs), state.resetAt - now));
  }

  /** Takes one unit if one is available now; returns the wait in ms otherwise (0 = taken). */
  tryTake(): number {
    const wait = this.delayMs();
    if (wait > 0) return wait;
    const state = this.#state;
    if (state !== null) {
      const now = this.#now();
      this.#state = { ...state, remaining: this.#available(state, now) - 1, observedAt: now };
    }
    return 0;
  }

  /**
   * The pace pollers should keep so they do not eat the budget: 0 while plenty is left, the
   * refill interval once less than RATE_LIMIT_LOW_BUDGET_FRACTION of the limit remains.
   */
  suggestedIntervalMs(): number {
    const state = this.#state;
    if (state === null) return 0;
    const available = this.#available(state, this.#now());
    return available < state.limit * RATE_LIMIT_LOW_BUDGET_FRACTION ? Math.ceil(state.refillMs) : 0;
  }

  /** The current estimate, or null before the first answer with headers. */
  status(): RateLimitStatus | null {
    const state = this.#state;
    if (state === null) return null;
    return { limit: state.limit, remaining: Math.floor(this.#available(state, this.#now())), resetAt: state.resetAt };
  }
}

/** Process-local budgets by connection key. */
const budgets = new Map<string, RateLimitBudget>();

/**
 * The key of a connection's budget: its id when known, else the endpoint plus a fingerprint of
 * the token (never the token itself).
 */
export function rateLimitKey(input: { connectionId?: string | undefined; apiEndpoint: string; token: string }): string {
  if (input.connectionId !== undefined && input.connectionId !== '') return `connection:${input.connectionId}`;
  const fingerprint = createHash('sha256').update(input.token).digest('hex').slice(0, 16);
  return `endpoint:${input.apiEndpoint.replace(/\/+$/, '')}#${fingerprint}`;
}

/** The shared budget for a key, created on first use. */
export function rateLimitBudgetFor(key: string): RateLimitBudget {
  let budget = budgets.get(key);
  if (budget === undefined) {
    budget = new RateLimitBudget();
    budgets.set(key, budget);
  }
  return budget;
}

/** Forgets a connection's budget (when the connection is deleted or its token replaced). */
export function forgetRateLimitBudget(key: string): void {
  budgets.delete(key);
}
