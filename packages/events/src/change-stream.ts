import { closableStream, type ClosableStream } from './closable-stream.ts';
import type { PgEventTarget, ResyncDetail } from './pg-event-target.ts';
import type { TopicName, TopicNotice } from './topics.ts';
import { createWakeSignal } from './wake-signal.ts';

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
  /** Reads the current rows for these ids, scoped to the caller; ids it cannot see are left out. */
  loadByIds(ids: string[]): Promise<Row[]>;
  /** Reads the caller's rows changed since a moment (used after a reconnect). */
  loadChangedSince(since: Date): Promise<Row[]>;
}

/**
 * A stream of the current state of rows as they change: every notice names a row, the row is
 * read (never taken from the notice) and emitted. Changes to one row that arrive while the
 * consumer is busy are coalesced into one emission of its latest state, so a slow consumer
 * costs one id per changed row, not one per notice. After the LISTEN connection comes back,
 * every row changed since shortly before it was lost is emitted again.
 *
 * The stream listens before it returns: a change committed after this call resolves is seen.
 */
export function openChangeStream<T extends TopicName, Row extends { id: string }>(options: ChangeStreamOptions<T, Row>): ClosableStream<Row> {
  const wake = createWakeSignal();
  const pending = new Set<string>();
  let resyncSince: Date | undefined;
  const unsubscribeNotices = options.events.on(options.topic, options.key, (notice) => {
    pending.add(options.idOf(notice));
    wake.notify();
  });
  const unsubscribeResync = options.events.onResync((detail: ResyncDetail) => {
    const since = new Date(detail.disconnectedAt.getTime() - RESYNC_LOOKBACK_MS);
    if (!resyncSince || since < resyncSince) resyncSince = since;
    wake.notify();
  });

  async function* run(signal: AbortSignal): AsyncGenerator<Row, void, undefined> {
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
      // In the order the notices came, then whatever the resync found.
      const notified = new Set(ids);
      const ordered = [...ids.map((id) => byId.get(id)).filter((row): row is Row => row !== undefined), ...[...byId.values()].filter((row) => !notified.has(row.id))];
      for (const row of ordered) yield row;
    }
  }

  return closableStream(run, () => {
    unsubscribeNotices();
    unsubscribeResync();
  });
}
