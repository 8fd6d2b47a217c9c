/**
 * Wraps an async generator so that `return()` (a client unsubscribing) ends it promptly.
 *
 * A plain async generator parked in `await wait()` only sees `return()` after that await
 * settles, which for a quiet node could be a long poll interval. Here `return()` first aborts
 * the signal handed to the generator (its waits end at once), then finishes the generator, and
 * `onClose` runs exactly once however the stream ends (completion, error or return).
 */
export interface ClosableStream<T> extends AsyncIterableIterator<T, void, undefined> {
  /** Ends the stream at once (the consumer left). */
  return(): Promise<IteratorReturnResult<void>>;
}

export function closableStream<T>(run: (signal: AbortSignal) => AsyncGenerator<T, void, undefined>, onClose: () => void): ClosableStream<T> {
  const controller = new AbortController();
  const generator = run(controller.signal);
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    controller.abort();
    onClose();
  };
  return {
    async next() {
      try {
        const result = await generator.next();
        if (result.done) close();
        return result;
      } catch (error) {
        close();
        throw error;
      }
    },
    async return() {
      close();
      await generator.return(undefined);
      return { done: true as const, value: undefined };
    },
    async throw(error?: unknown) {
      close();
      await generator.return(undefined);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
