/**
 * Waiting for an asynchronous provider action: poll, back off, stay within the budget.
 * Provider-independent; an adapter supplies how to read one action.
 */
import { isProviderError, providerError, type ProviderError } from './provider-error.ts';
import type { CallOptions, ProviderAction, WaitForActionOptions } from './provider.ts';
import { sleep } from './sleep.ts';

/** First pause between two polls of an action (hcloud-cli polls every 500 ms). */
export const ACTION_POLL_INTERVAL_MS = 500;
/** The pause never grows beyond this. */
export const ACTION_POLL_MAX_INTERVAL_MS = 5_000;
/** Each pause is this many times the previous one. */
export const ACTION_POLL_BACKOFF_FACTOR = 1.5;
/**
 * Polls that fail with a retryable error (timeout, reset, 5xx, 429) in a row before the wait
 * gives up with that error. A blip must not fail a minutes-long wait; an outage must.
 */
export const ACTION_POLL_MAX_CONSECUTIVE_FAILURES = 3;

/** Pacing of the polls; the defaults are the constants above. */
export type ActionPollPacing = {
  initialIntervalMs: number;
  maxIntervalMs: number;
  backoffFactor: number;
  maxConsecutiveFailures: number;
};

/** The default pacing. */
export const DEFAULT_ACTION_POLL_PACING: ActionPollPacing = {
  initialIntervalMs: ACTION_POLL_INTERVAL_MS,
  maxIntervalMs: ACTION_POLL_MAX_INTERVAL_MS,
  backoffFactor: ACTION_POLL_BACKOFF_FACTOR,
  maxConsecutiveFailures: ACTION_POLL_MAX_CONSECUTIVE_FAILURES,
};

/** What the poller needs from an adapter. */
export type ActionPollSource = {
  readAction(id: string, options?: CallOptions): Promise<ProviderAction>;
  /** Minimum pause the shared request budget asks for right now (0 = no constraint). */
  budgetIntervalMs(): number;
};

/**
 * Polls `id` until it is no longer running. Resolves with the final action; rejects with
 * PROVIDER_TIMEOUT when `deadlineMs` passes, PROVIDER_CANCELLED when the signal aborts, or the
 * last error after too many failed polls in a row (non-retryable errors end the wait at once).
 * Every poll repeated after a failure is announced to `onRetry` first (a RETRY event for the
 * caller's timeline).
 */
export async function pollAction(
  source: ActionPollSource,
  id: string,
  options: WaitForActionOptions = {},
  pacing: ActionPollPacing = DEFAULT_ACTION_POLL_PACING,
): Promise<ProviderAction> {
  const { signal, onProgress, onRetry, deadlineMs } = options;
  const startedAt = Date.now();
  const deadlineAt = deadlineMs === undefined ? Number.POSITIVE_INFINITY : startedAt + deadlineMs;
  let interval = pacing.initialIntervalMs;
  let lastProgress: number | null = null;
  let failures = 0;
  const timedOut = (last: ProviderAction | null) =>
    providerError('PROVIDER_TIMEOUT', {
      message: `action ${id} still running after ${Date.now() - startedAt} ms (deadline ${deadlineMs} ms${last ? `, progress ${last.progress}%` : ''})`,
    });
  let last: ProviderAction | null = null;

  for (;;) {
    if (signal?.aborted) throw providerError('PROVIDER_CANCELLED', { message: `cancelled while waiting for action ${id}` });
    let pauseMs = interval;
    let failed: ProviderError | null = null;
    try {
      const action = await source.readAction(id, { signal });
      failures = 0;
      last = action;
      if (action.progress !== lastProgress) {
        lastProgress = action.progress;
        onProgress?.(action.progress, action);
      }
      if (action.status !== 'running') return action;
    } catch (error) {
      if (!isProviderError(error) || !error.info.retryable) throw error;
      failures += 1;
      if (failures >= pacing.maxConsecutiveFailures) throw error;
      if (error.retryAfterMs !== null) pauseMs = Math.max(pauseMs, error.retryAfterMs);
      failed = error;
    }
    pauseMs = Math.max(pauseMs, source.budgetIntervalMs());
    const leftMs = deadlineAt - Date.now();
    if (leftMs <= 0) throw timedOut(last);
    if (failed !== null) onRetry?.({ error: failed, retry: failures, waitMs: Math.min(pauseMs, leftMs) });
    // Never sleep past the deadline; poll once more right at it.
    await sleep(Math.min(pauseMs, leftMs), signal);
    if (Date.now() >= deadlineAt) {
      // One last look: an action that finished right at the deadline is a success, not a timeout.
      const action = await source.readAction(id, { signal });
      if (action.progress !== lastProgress) onProgress?.(action.progress, action);
      if (action.status !== 'running') return action;
      throw timedOut(action);
    }
    interval = Math.min(pacing.maxIntervalMs, Math.ceil(interval * pacing.backoffFactor));
  }
}
