/**
 * The poller's pacing and failure handling, with a scripted action source (the HTTP side is
 * covered against the simulator in hetzner-adapter.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { pollAction } from '../src/action-polling.ts';
import type { ActionPollPacing } from '../src/action-polling.ts';
import { ProviderError, providerError } from '../src/provider-error.ts';
import type { ProviderAction } from '../src/provider.ts';

const PACING: ActionPollPacing = { initialIntervalMs: 10, maxIntervalMs: 40, backoffFactor: 2, maxConsecutiveFailures: 3 };
const running = (progress: number): ProviderAction => ({ id: '1', status: 'running', progress, error: null });
const success: ProviderAction = { id: '1', status: 'success', progress: 100, error: null };

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

describe('pollAction', () => {
  it('reports each new progress once and backs off up to the maximum pause', async () => {
    const { source, calls } = scripted([running(0), running(10), running(10), running(50), running(50), running(90), success]);
    const seen: number[] = [];
    const final = await pollAction(source, '1', { onProgress: (p) => seen.push(p) }, PACING);
    expect(final).toEqual(success);
    expect(seen).toEqual([0, 10, 50, 90, 100]);
    const gaps = calls.slice(1).map((at, i) => at - (calls[i] ?? at));
    // 10, 20, 40, 40, 40, 40 ms (timers may fire a little late, never early)
    expect(gaps.map((gap, i) => gap >= [10, 20, 40, 40, 40, 40][i]! - 2)).toEqual(Array(6).fill(true));
    expect(Math.max(...gaps)).toBeLessThan(500);
  });

  it('keeps at least the pace the budget asks for', async () => {
    const { source, calls } = scripted([running(0), running(0), success], 60);
    await pollAction(source, '1', {}, PACING);
    const gaps = calls.slice(1).map((at, i) => at - (calls[i] ?? at));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(58);
  });

  it('tolerates retryable failures in a row below the limit, honouring retryAfterMs', async () => {
    const limited = providerError('PROVIDER_RATE_LIMITED', { retryAfterMs: 80 });
    const { source, calls } = scripted([running(5), limited, providerError('PROVIDER_CONNECTION_RESET'), running(50), success]);
    expect(await pollAction(source, '1', {}, PACING)).toEqual(success);
    expect((calls[2] ?? 0) - (calls[1] ?? 0)).toBeGreaterThanOrEqual(78);
  });

  it('gives up after too many retryable failures in a row, and at once on a non-retryable one', async () => {
    const reset = providerError('PROVIDER_CONNECTION_RESET');
    const many = scripted([running(5), reset, reset, reset, success]);
    await expect(pollAction(many.source, '1', {}, PACING)).rejects.toBe(reset);
    expect(many.calls).toHaveLength(4);

    const denied = providerError('PROVIDER_AUTH_FAILED');
    const once = scripted([running(5), denied, success]);
    await expect(pollAction(once.source, '1', {}, PACING)).rejects.toBe(denied);
    expect(once.calls).toHaveLength(2);
  });

  it('looks once more at the deadline before calling it a timeout', async () => {
    const { source } = scripted([running(1), running(2), running(3), success]);
    // Pauses of 10, 20, 40 ms: the 4th read happens at about 70 ms, the deadline is 60 ms.
    expect(await pollAction(source, '1', { deadlineMs: 60 }, PACING)).toEqual(success);

    const stuck = scripted([running(1)]);
    const started = Date.now();
    await expect(pollAction(stuck.source, '1', { deadlineMs: 100 }, PACING)).rejects.toMatchObject({ info: { code: 'PROVIDER_TIMEOUT' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(98);
  });
});
