/**
 * The poller's pacing and failure handling, with a scripted action source (the HTTP side is
 * covered against the simulator in hetzner-adapter.test.ts). Time is a fake clock: every pause
 * the poller takes is exact, so pacing is asserted to the millisecond and no test depends on
 * how busy the machine is.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pollAction } from '../src/action-polling.ts';
import type { ActionPollPacing } from '../src/action-polling.ts';
import { ProviderError, providerError } from '../src/provider-error.ts';
import type { ProviderAction } from '../src/provider.ts';

const PACING: ActionPollPacing = { initialIntervalMs: 10, maxIntervalMs: 40, backoffFactor: 2, maxConsecutiveFailures: 3 };
const running = (progress: number): ProviderAction => ({ id: '1', status: 'running', progress, error: null });
const success: ProviderAction = { id: '1', status: 'success', progress: 100, error: null };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Settles `promise` on the fake clock: fires every timer, in order, until none is left. */
async function onFakeClock<T>(promise: Promise<T>): Promise<T> {
  const outcome = promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
  await vi.runAllTimersAsync();
  const result = await outcome;
  if (!result.ok) throw result.error;
  return result.value;
}

/** A source that answers with `script` in order (an Error entry is thrown), recording call times. */
function scripted(script: Array<ProviderAction | ProviderError>, budgetIntervalMs = 0) {
  const calls: number[] = [];
  return {
    calls,
    source: {
      readAction: async () => {
        calls.push(Date.now());
        const next = script.length > 1 ? script.shift() : script[0];
        if (next === undefined) throw new Error('script is empty');
        if (next instanceof ProviderError) throw next;
        return next;
      },
      budgetIntervalMs: () => budgetIntervalMs,
    },
  };
}

const gapsOf = (calls: number[]) => calls.slice(1).map((at, i) => at - (calls[i] ?? at));

describe('pollAction', () => {
  it('reports each new progress once and backs off up to the maximum pause', async () => {
    const { source, calls } = scripted([running(0), running(10), running(10), running(50), running(50), running(90), success]);
    const seen: number[] = [];
    const final = await onFakeClock(pollAction(source, '1', { onProgress: (p) => seen.push(p) }, PACING));
    expect(final).toEqual(success);
    expect(seen).toEqual([0, 10, 50, 90, 100]);
    // 10 ms, doubling, capped at maxIntervalMs (40): without the cap, 80 and 160 would follow.
    expect(gapsOf(calls)).toEqual([10, 20, 40, 40, 40, 40]);
  });

  it('keeps at least the pace the budget asks for', async () => {
    const { source, calls } = scripted([running(0), running(0), success], 60);
    await onFakeClock(pollAction(source, '1', {}, PACING));
    expect(gapsOf(calls)).toEqual([60, 60]);
  });

  it('tolerates retryable failures in a row below the limit, honouring retryAfterMs', async () => {
    const limited = providerError('PROVIDER_RATE_LIMITED', { retryAfterMs: 80 });
    const reset = providerError('PROVIDER_CONNECTION_RESET');
    const { source, calls } = scripted([running(5), limited, reset, running(50), success]);
    const retries: Array<{ code: string; retry: number; waitMs: number }> = [];
    const onRetry = ({ error, retry, waitMs }: { error: ProviderError; retry: number; waitMs: number }) => retries.push({ code: error.code, retry, waitMs });
    expect(await onFakeClock(pollAction(source, '1', { onRetry }, PACING))).toEqual(success);
    // 10 ms after the first read; then the 429's 80 ms instead of the 20 ms pause.
    expect(gapsOf(calls).slice(0, 2)).toEqual([10, 80]);
    // Every repeated poll is announced (the caller's RETRY events), with its pause.
    expect(retries).toEqual([
      { code: 'PROVIDER_RATE_LIMITED', retry: 1, waitMs: 80 },
      { code: 'PROVIDER_CONNECTION_RESET', retry: 2, waitMs: 40 },
    ]);
  });

  it('gives up after too many retryable failures in a row, and at once on a non-retryable one', async () => {
    const reset = providerError('PROVIDER_CONNECTION_RESET');
    const many = scripted([running(5), reset, reset, reset, success]);
    await expect(onFakeClock(pollAction(many.source, '1', {}, PACING))).rejects.toBe(reset);
    expect(many.calls).toHaveLength(4);

    const denied = providerError('PROVIDER_AUTH_FAILED');
    const once = scripted([running(5), denied, success]);
    await expect(onFakeClock(pollAction(once.source, '1', {}, PACING))).rejects.toBe(denied);
    expect(once.calls).toHaveLength(2);
  });

  it('looks once more at the deadline before calling it a timeout', async () => {
    const { source, calls } = scripted([running(1), running(2), running(3), success]);
    // Pauses of 10, 20, then 30 (not 40: never past the deadline): the 4th read is the last look, at 60 ms.
    expect(await onFakeClock(pollAction(source, '1', { deadlineMs: 60 }, PACING))).toEqual(success);
    expect(gapsOf(calls)).toEqual([10, 20, 30]);

    const stuck = scripted([running(1)]);
    const started = Date.now();
    await expect(onFakeClock(pollAction(stuck.source, '1', { deadlineMs: 100 }, PACING))).rejects.toMatchObject({ info: { code: 'PROVIDER_TIMEOUT', message: 'action 1 still running after 100 ms (deadline 100 ms, progress 1%)' } });
    expect(stuck.calls.at(-1)! - started).toBe(100);
  });
});
