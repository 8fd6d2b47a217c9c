import { providerError } from './provider-error.ts';

/**
 * Waits `ms` milliseconds; rejects with PROVIDER_CANCELLED as soon as `signal` aborts, and
 * does not keep the process alive on its own after an abort.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => providerError('PROVIDER_CANCELLED', { message: 'cancelled while waiting' });
    if (signal?.aborted) {
      reject(cancelled());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
