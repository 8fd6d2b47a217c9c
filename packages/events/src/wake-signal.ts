/**
 * Coalesces hints ("something may have changed, read the rows") into one flag a reader waits
 * on. However many notices arrive while a reader is busy, it reads once more, not once per
 * notice: memory stays constant for a slow subscriber.
 *
 * Protocol: `clear()` right before reading rows, `wait()` after. A hint between the two leaves
 * the flag set, so `wait()` returns at once and the reader reads again: nothing is missed.
 */
export interface WakeSignal {
  /** Records a hint and wakes a waiting reader. */
  notify(): void;
  /** Forgets earlier hints; call immediately before reading rows. */
  clear(): void;
  /** Resolves on the next hint (or at once if one arrived since clear()), after `timeoutMs`, or on abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}

export function createWakeSignal(): WakeSignal {
  let pending = false;
  let wake: (() => void) | undefined;
  return {
    notify() {
      pending = true;
      wake?.();
    },
    clear() {
      pending = false;
    },
    wait(timeoutMs, signal) {
      if (pending || signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal?.addEventListener('abort', done, { once: true });
        wake = done;
      });
    },
  };
}
