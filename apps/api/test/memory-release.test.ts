import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@hangar/core/logger';
import { createMemoryRelease } from '../src/memory-release.ts';

const log = createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });

describe('createMemoryRelease', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  function opened(release: ReturnType<typeof createMemoryRelease>, count: number): void {
    for (let i = 0; i < count; i += 1) release.opened();
  }
  function closed(release: ReturnType<typeof createMemoryRelease>, count: number): void {
    for (let i = 0; i < count; i += 1) release.closed();
  }

  it('collects once, quietMs after the open sockets fell below half of their peak', () => {
    const collect = vi.fn();
    const release = createMemoryRelease(log, { minPeak: 10, quietMs: 2_000, collect });
    opened(release, 10);
    closed(release, 5);
    vi.runAllTimers();
    expect(collect).not.toHaveBeenCalled();
    closed(release, 1);
    expect(collect).not.toHaveBeenCalled();
    closed(release, 4);
    vi.advanceTimersByTime(2_000);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.runAllTimers();
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it('does not collect when the sockets come back before the wait is over', () => {
    const collect = vi.fn();
    const release = createMemoryRelease(log, { minPeak: 10, quietMs: 2_000, collect });
    opened(release, 10);
    closed(release, 6);
    opened(release, 1);
    vi.runAllTimers();
    expect(collect).not.toHaveBeenCalled();
  });

  it('does not collect below minPeak sockets, nor after stop', () => {
    const collect = vi.fn();
    const small = createMemoryRelease(log, { minPeak: 10, quietMs: 2_000, collect });
    opened(small, 9);
    closed(small, 9);
    const stopped = createMemoryRelease(log, { minPeak: 10, quietMs: 2_000, collect });
    opened(stopped, 10);
    stopped.stop();
    closed(stopped, 10);
    vi.runAllTimers();
    expect(collect).not.toHaveBeenCalled();
  });

  it('takes the count after a collection as the new peak', () => {
    const collect = vi.fn();
    const release = createMemoryRelease(log, { minPeak: 10, quietMs: 2_000, collect });
    opened(release, 40);
    closed(release, 20 + 1);
    vi.runAllTimers();
    expect(collect).toHaveBeenCalledTimes(1);
    // 19 open is the new peak: 10 open is not below half of it, 9 is.
    closed(release, 9);
    vi.runAllTimers();
    expect(collect).toHaveBeenCalledTimes(1);
    closed(release, 1);
    vi.runAllTimers();
    expect(collect).toHaveBeenCalledTimes(2);
  });
});
