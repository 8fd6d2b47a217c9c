import { closableStream, type ClosableStream } from './closable-stream.ts';
import type { PgEventTarget, ResyncDetail } from './pg-event-target.ts';
import type { TopicName, TopicNotice } from './topics.ts';
import { createWakeSignal, type WakeSignal } from './wake-signal.ts';

/**
 * After a reconnect, rows changed this long before the connection was lost are read again:
 * `updatedAt` is stamped by the writer's clock, which may run a little behind ours.
 */
export const RESYNC_LOOKBACK_MS = 5_000;
/** An idle stream re-checks its abort signal this often (it has nothing else to do). */
const IDLE_WAIT_MS = 60_000;

export interface ChangeStreamOptions<T extends TopicName, Row extends { id: string }> {
  events: Pick<PgEventTarget, 'on' | 'onResync'>;
  topic: T;
  /** The topic key (e.g. the caller's organization id). */
  key: string;
  /** The id of the changed row named by a notice. */
  idOf(notice: TopicNotice<T>): string;
  /**
   * Reads the current rows for these ids, scoped by the key only (every stream of the key shares
   * one reader and the first stream's loaders); ids outside the key are left out.
   */
  loadByIds(ids: string[]): Promise<Row[]>;
  /** Reads the key's rows changed since a moment (used after a reconnect), scoped like loadByIds. */
  loadChangedSince(since: Date): Promise<Row[]>;
  /** This stream's own filter on the rows read (e.g. nodeChanged's `filter`); default: every row. */
  accept?(row: Row): boolean;
}

/**
 * One (topic, key) followed in this process: one listener, one reader, however many streams.
 * Exists while at least one stream does.
 */
interface SharedChanges<Row> {
  /** Each stream's rows not yet taken, by id, in the order they first changed; its wake and filter. */
  followers: Set<{ rows: Map<string, Row>; wake: WakeSignal; accept?: (row: Row) => boolean }>;
  /** Set when the reader failed: every stream ends with this error. */
  failure?: { error: unknown };
  stop(): void;
}

/**
 * The followed (topic, key) pairs of each event target (one per process). Each value is the
 * SharedChanges<Row> of that pair's own Row type (a stream's `accept` makes Row invariant).
 */
const shared = new WeakMap<object, Map<string, unknown>>();

function startSharedReader<T extends TopicName, Row extends { id: string }>(options: ChangeStreamOptions<T, Row>, onFailure: (error: unknown) => void): SharedChanges<Row> {
  const wake = createWakeSignal();
  const pending = new Set<string>();
  let resyncSince: Date | undefined;
  const controller = new AbortController();
  const unsubscribeNotices = options.events.on(options.topic, options.key, (notice) => {
    pending.add(options.idOf(notice));
    wake.notify();
  });
  const unsubscribeResync = options.events.onResync((detail: ResyncDetail) => {
    const since = new Date(detail.disconnectedAt.getTime() - RESYNC_LOOKBACK_MS);
    if (!resyncSince || since < resyncSince) resyncSince = since;
    wake.notify();
  });
  const changes: SharedChanges<Row> = {
    followers: new Set(),
    stop() {
      controller.abort();
      unsubscribeNotices();
      unsubscribeResync();
    },
  };
  void (async () => {
    const signal = controller.signal;
    try {
      while (!signal.aborted) {
        await wake.wait(IDLE_WAIT_MS, signal);
        if (signal.aborted) return;
        wake.clear();
        const ids = [...pending];
        pending.clear();
        const since = resyncSince;
        resyncSince = undefined;
        const byId = new Map<string, Row>();
        if (ids.length > 0) for (const row of await options.loadByIds(ids)) byId.set(row.id, row);
        if (since) for (const row of await options.loadChangedSince(since)) byId.set(row.id, row);
        if (signal.aborted || byId.size === 0) continue;
        // In the order the notices came, then whatever the resync found.
        const notified = new Set(ids);
        const ordered = [...ids.map((id) => byId.get(id)).filter((row): row is Row => row !== undefined), ...[...byId.values()].filter((row) => !notified.has(row.id))];
        for (const follower of changes.followers) {
          // A row that changed again before this stream took it keeps its place, with its latest state.
          let added = false;
          for (const row of ordered) {
            if (follower.accept && !follower.accept(row)) continue;
            follower.rows.set(row.id, row);
            added = true;
          }
          if (added) follower.wake.notify();
        }
      }
    } catch (error) {
      if (!signal.aborted) onFailure(error);
    }
  })();
  return changes;
}

/**
 * A stream of the current state of rows as they change: every notice names a row, the row is
 * read (never taken from the notice) and emitted. Changes to one row that arrive while the
 * consumer is busy are coalesced into one emission of its latest state, so a slow consumer
 * costs one entry per changed row, not one per notice. After the LISTEN connection comes back,
 * every row changed since shortly before it was lost is emitted again.
 *
 * All streams of one (topic, key) in a process (per event target) share one listener and one
 * reader: each change is read once, whatever the number of streams, with the loaders of the
 * stream that started the reader. Their loaders must therefore read the same rows (they are
 * scoped by the key, e.g. the organization, never by one stream's filter: that is `accept`).
 * Every stream is handed the same row objects (so a caller may share work per row, e.g. one
 * GraphQL execution per selection). The reader stops when the last stream ends.
 *
 * The stream listens before it returns: a change committed after this call resolves is seen.
 */
export function openChangeStream<T extends TopicName, Row extends { id: string }>(options: ChangeStreamOptions<T, Row>): ClosableStream<Row> {
  let byRoute = shared.get(options.events);
  if (!byRoute) {
    byRoute = new Map();
    shared.set(options.events, byRoute);
  }
  const routes = byRoute;
  const route = `${options.topic}:${options.key}`;
  let changes = routes.get(route) as SharedChanges<Row> | undefined;
  if (!changes) {
    const started: SharedChanges<Row> = startSharedReader(options, (error) => {
      // Every stream of the reader ends with its error; new streams start a new reader.
      if (routes.get(route) === started) routes.delete(route);
      started.failure = { error };
      started.stop();
      for (const follower of started.followers) follower.wake.notify();
    });
    changes = started;
    routes.set(route, started);
  }
  const current = changes;
  const follower = { rows: new Map<string, Row>(), wake: createWakeSignal(), accept: options.accept };
  current.followers.add(follower);

  async function* run(signal: AbortSignal): AsyncGenerator<Row, void, undefined> {
    while (!signal.aborted) {
      await follower.wake.wait(IDLE_WAIT_MS, signal);
      if (signal.aborted) return;
      follower.wake.clear();
      if (current.failure) throw current.failure.error;
      const rows = [...follower.rows.values()];
      follower.rows.clear();
      for (const row of rows) yield row;
    }
  }

  return closableStream(run, () => {
    current.followers.delete(follower);
    if (current.followers.size > 0) return;
    current.stop();
    if (routes.get(route) === current) routes.delete(route);
  });
}

/** How many (topic, key) pairs this process follows through `events` (one reader each): for tests and metrics. */
export function sharedChangeReaderCount(events: object): number {
  return shared.get(events)?.size ?? 0;
}
