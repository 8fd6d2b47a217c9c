/**
 * When the acquisition engine retries a provider call in place, and how long it waits.
 *
 * Capped exponential backoff with full jitter (wait = random(0, min(cap, base · 2^(n-1)))),
 * never shorter than what the provider asked for (ProviderError.retryAfterMs). The request
 * budget of the connection (packages/providers rate-limit.ts, shared by every acquisition on
 * that connection in the process) additionally holds each request back until the budget has
 * refilled, so retries never push a project over its rate limit.
 *
 * HangarConfig.deadlineScale scales the backoff too (tests run with tiny scales); the
 * provider's own Retry-After is never scaled.
 */
import type { ProviderErrorCode } from '@hangar/domain/provider-errors';

/** First backoff step. */
export const RETRY_BASE_DELAY_MS = 500;
/** The backoff never grows beyond this. */
export const RETRY_MAX_DELAY_MS = 30_000;
/** Attempts of one step within one phase (the first try included) before the node fails. */
export const RETRY_MAX_ATTEMPTS_PER_PHASE = 8;

/**
 * Provider failures retried in place: blips of the provider or of the way to it, after which
 * the same request usually succeeds. Codes that mean "this specification, here, now" fail the
 * node at once even though retryNode may help later (PROVIDER_CAPACITY_UNAVAILABLE,
 * PROVIDER_PLACEMENT_FAILED, PROVIDER_ACTION_FAILED): retrying them in place would keep a
 * person waiting minutes for what is most likely the same answer, while a failed node tells
 * them at once to pick another location or server type.
 */
export const TRANSIENT_PROVIDER_CODES: ReadonlySet<ProviderErrorCode> = new Set<ProviderErrorCode>([
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_CONFLICT',
  'PROVIDER_LOCKED',
  'PROVIDER_MAINTENANCE',
  'PROVIDER_SERVER_ERROR',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_TIMEOUT',
  'PROVIDER_UNREACHABLE',
  'PROVIDER_DNS_ERROR',
  'PROVIDER_CONNECTION_RESET',
  'PROVIDER_BAD_RESPONSE',
  'PROVIDER_UNKNOWN_ERROR',
]);

/** Whether a provider failure is retried in place. */
export function isTransient(code: ProviderErrorCode): boolean {
  return TRANSIENT_PROVIDER_CODES.has(code);
}

/** Tuning of one retry loop; the defaults are the constants above. */
export type RetryPolicy = {
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
};

/** The policy at a deadline scale (backoff steps scaled, attempts unchanged). */
export function retryPolicy(scale = 1): RetryPolicy {
  return {
    baseDelayMs: RETRY_BASE_DELAY_MS * scale,
    maxDelayMs: RETRY_MAX_DELAY_MS * scale,
    maxAttempts: RETRY_MAX_ATTEMPTS_PER_PHASE,
  };
}

/**
 * The wait before retry number `retry` (1 = the first retry): full jitter over the capped
 * exponential step, but at least `retryAfterMs` when the provider named a time.
 */
export function retryDelayMs(retry: number, policy: RetryPolicy, options: { retryAfterMs?: number | null; random?: () => number } = {}): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = Math.round(random() * ceiling);
  return Math.max(jittered, Math.ceil(options.retryAfterMs ?? 0));
}
