import type { Logger } from '@hangar/core/logger';

/**
 * Gives the memory of departed sockets back to the operating system once most of them have left.
 *
 * Each open graphql-ws socket holds ~22 KB of heap; 15,000 of them grow the API's heap by ~320 MiB.
 * When they close, V8's collections free that heap but keep the freed pages mapped and resident,
 * pooled for reuse: the process stays at its peak RSS. V8 returns pooled pages only on a
 * memory-reducing collection, which it schedules itself only after a quiet stretch that a busy
 * process may not have for minutes (a 15,000-socket API measured 571 MiB, start 198, 10 s after
 * the sockets closed, with no major collection at all in those 10 s).
 *
 * So when the open sockets fall below half of their peak (at least MIN_PEAK sockets) and stay
 * below it for QUIET_MS, this runs V8's last-resort collection once (what V8 runs under memory
 * pressure: full collections that release freed pages, until nothing more is freed) and takes the
 * current count as the new peak. It is a pause of the event loop, taken when most of the
 * process's clients have just left: after 15,000 sockets closed, two full collections of 737 and
 * 536 ms on a 2-core machine at load 11 (heap 413 → 45 MiB used, RSS 562 → 176 MiB;
 * docs/benchmarks.md). It needs `gc`, which `--expose-gc`
 * (package.json's start flags) provides; without it, nothing is released early.
 */
export const MIN_PEAK = 1_000;
/** How long the count must stay below half its peak before the collection runs (a burst of closes settles first). */
export const QUIET_MS = 2_000;

/** V8's gc extension (--expose-gc) with its options argument. */
type ExposedGc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** The memory-reducing collection, when the process was started with --expose-gc. */
function lastResortCollection(): (() => void) | undefined {
  const gc = (globalThis as { gc?: ExposedGc }).gc;
  return gc && (() => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' }));
}

export interface MemoryRelease {
  opened(): void;
  closed(): void;
  stop(): void;
}

/** `collect`: the collection to run (default: V8's last-resort collection when `gc` is exposed). */
export function createMemoryRelease(log: Logger, options: { minPeak?: number; quietMs?: number; collect?: () => void } = {}): MemoryRelease {
  const minPeak = options.minPeak ?? MIN_PEAK;
  const quietMs = options.quietMs ?? QUIET_MS;
  const collect = options.collect ?? lastResortCollection();
  let open = 0;
  let peak = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const release = (): void => {
    timer = undefined;
    if (!collect || open * 2 >= peak) return;
    const rssBefore = process.memoryUsage.rss();
    const startedAt = performance.now();
    collect();
    const MiB = 2 ** 20;
    log.info({ sockets: open, peakSockets: peak, ms: Math.round(performance.now() - startedAt), rssBeforeMiB: Math.round(rssBefore / MiB), rssAfterMiB: Math.round(process.memoryUsage.rss() / MiB) }, 'released the memory of closed sockets');
    peak = open;
  };
  return {
    opened() {
      open += 1;
      peak = Math.max(peak, open);
      if (timer && open * 2 >= peak) {
        clearTimeout(timer);
        timer = undefined;
      }
    },
    closed() {
      open -= 1;
      if (stopped || timer || peak < minPeak || open * 2 >= peak) return;
      timer = setTimeout(release, quietMs).unref();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
