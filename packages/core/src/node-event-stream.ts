import type { Db } from '@hangar/db/client';
import { TERMINAL_PHASES } from '@hangar/domain/phases';
import type { AcquisitionEvent } from '@hangar/db/generated/prisma/client';
import type { NodePhase } from '@hangar/db/generated/prisma/enums';
import { HangarError } from '@hangar/domain/api-errors';
import { shownId } from '@hangar/domain/text-rules';
import { closableStream, type ClosableStream } from '@hangar/events/closable-stream';
import type { PgEventTarget } from '@hangar/events/pg-event-target';
import { createWakeSignal, type WakeSignal } from '@hangar/events/wake-signal';
import { eventOfNotice } from './event-log.ts';

/**
 * Phases in which nothing happens to a node until someone asks (releaseNode, retryNode): the
 * acquisition, the failure, the cancellation or the release has run its course. A timeline
 * stream completes when it has delivered everything up to a moment at which the node's latest
 * event belongs to one of them. A later chapter (a release, a retry) is a new subscription
 * with `after` = the last seq received.
 */
export const RESTING_PHASES: ReadonlySet<NodePhase> = new Set<NodePhase>(TERMINAL_PHASES);

/** Rows read per query while replaying; a long timeline is sent in batches of this size. */
export const REPLAY_BATCH_SIZE = 200;

/**
 * The shared reader of a node reads the rows this often even without a notice. Notices are
 * reliable while the LISTEN connection is up and a reconnect triggers a read, so this only
 * bounds the delay of a failure nobody foresaw.
 */
export const SAFETY_POLL_INTERVAL_MS = 15_000;

/**
 * The latest rows of a followed node kept in memory, shared by its subscribers. A subscriber
 * that needs older rows (a replay from far back, or one that fell this far behind) reads them
 * itself, in batches of REPLAY_BATCH_SIZE.
 */
export const TIMELINE_CACHE_ROWS = 500;

export interface NodeEventStreamRequest {
  organizationId: string;
  nodeId: string;
  /** Send events with seq greater than this (default 0: the whole timeline). */
  after?: number | null;
}

export interface NodeEventStreamDeps {
  db: Db;
  events: Pick<PgEventTarget, 'on' | 'onResync'>;
  /**
   * How long a caught-up node waits for a notice before reading anyway (default
   * SAFETY_POLL_INTERVAL_MS). Tests set it beyond their own timeout, so that whatever they
   * receive can only have come through a notice or a resync. The first stream of a process
   * (per event target and db) decides it.
   */
  safetyPollIntervalMs?: number;
}

/**
 * One followed node in this process: one listener, one reader and one window of its latest rows,
 * however many streams follow it. It exists while at least one stream does.
 */
interface FollowedNode {
  organizationId: string;
  /** rows[i].seq === firstSeq + i; `tail` = the last seq read (firstSeq - 1 when none is kept). */
  rows: AcquisitionEvent[];
  firstSeq: number;
  tail: number;
  followers: Set<WakeSignal>;
  /** Set when the shared reader failed: every follower throws it, the node is forgotten. */
  failure?: unknown;
  stop(): void;
}

/** The followed nodes of one process (one event target and one db). */
interface Hub {
  /** `streams`: the streams opened or opening on the node; at 0 it is forgotten. */
  nodes: Map<string, { followed: Promise<FollowedNode | null>; streams: number }>;
  safetyPollIntervalMs: number;
}

const hubs = new WeakMap<object, WeakMap<object, Hub>>();

function hubOf(deps: NodeEventStreamDeps): Hub {
  let byDb = hubs.get(deps.events);
  if (!byDb) {
    byDb = new WeakMap();
    hubs.set(deps.events, byDb);
  }
  let hub = byDb.get(deps.db);
  if (!hub) {
    hub = { nodes: new Map(), safetyPollIntervalMs: deps.safetyPollIntervalMs ?? SAFETY_POLL_INTERVAL_MS };
    byDb.set(deps.db, hub);
  }
  return hub;
}

/** How many nodes this process follows for `deps` (one shared reader each): for tests and metrics. */
export function followedNodeCount(deps: NodeEventStreamDeps): number {
  return hubOf(deps).nodes.size;
}

/**
 * Starts following a node: listen first (a commit at any later instant wakes the reader), then
 * read the node and its latest rows. Resolves null when there is no such node.
 */
async function follow(deps: NodeEventStreamDeps, hub: Hub, nodeId: string): Promise<FollowedNode | null> {
  const { db, events } = deps;
  const wake = createWakeSignal();
  let followed: FollowedNode | undefined;
  // A notice that carries the next row is the read: append it and wake the streams. Anything
  // else (no row in it, a seq after a missed one, the window not built yet) wakes the reader.
  const unsubscribeNotices = events.on('node', nodeId, (notice) => {
    if (followed && !followed.failure) {
      if (notice.seq <= followed.tail) return;
      const row = notice.seq === followed.tail + 1 ? eventOfNotice(notice) : null;
      if (row) {
        appendRows(followed, nodeId, [row]);
        for (const follower of followed.followers) follower.notify();
        return;
      }
    }
    wake.notify();
  });
  const unsubscribeResync = events.onResync(() => wake.notify());
  const controller = new AbortController();
  const stopListening = (): void => {
    controller.abort();
    unsubscribeNotices();
    unsubscribeResync();
  };
  try {
    // A malformed id is simply not a node.
    const node = await db.node.findUnique({ where: { id: nodeId }, select: { organizationId: true, lastSeq: true } }).catch(() => null);
    if (!node) {
      stopListening();
      return null;
    }
    const firstSeq = Math.max(0, node.lastSeq - TIMELINE_CACHE_ROWS) + 1;
    const rows = await db.acquisitionEvent.findMany({ where: { nodeId, seq: { gte: firstSeq } }, orderBy: { seq: 'asc' }, take: TIMELINE_CACHE_ROWS + REPLAY_BATCH_SIZE });
    const initial: FollowedNode = { organizationId: node.organizationId, rows: [], firstSeq, tail: firstSeq - 1, followers: new Set(), stop: stopListening };
    appendRows(initial, nodeId, rows);
    followed = initial;
  } catch (error) {
    stopListening();
    throw error;
  }
  const current = followed;

  void (async () => {
    const signal = controller.signal;
    try {
      while (!signal.aborted) {
        wake.clear();
        const from = current.tail;
        const rows = await db.acquisitionEvent.findMany({ where: { nodeId, seq: { gt: from } }, orderBy: { seq: 'asc' }, take: REPLAY_BATCH_SIZE });
        if (signal.aborted) return;
        const before = current.tail;
        appendRows(current, nodeId, rows);
        if (current.tail > before) for (const follower of current.followers) follower.notify();
        if (rows.length === REPLAY_BATCH_SIZE) continue;
        await wake.wait(hub.safetyPollIntervalMs, signal);
      }
    } catch (error) {
      if (signal.aborted) return;
      current.failure = error;
      stopListening();
      // New streams start over with a reader of their own.
      const shared = hub.nodes.get(nodeId);
      void shared?.followed.then((found) => { if (found === current && hub.nodes.get(nodeId) === shared) hub.nodes.delete(nodeId); }, () => undefined);
      for (const follower of current.followers) follower.notify();
    }
  })();
  return current;
}

/**
 * Appends rows in seq order to the window (skipping those it has: a notice may have delivered
 * them while a read was under way), refuses a gap, and trims the window to TIMELINE_CACHE_ROWS.
 */
function appendRows(followed: FollowedNode, nodeId: string, rows: readonly AcquisitionEvent[]): void {
  let last = followed.tail;
  for (const row of rows) {
    if (row.seq <= last) continue;
    if (row.seq !== last + 1) throw new Error(`node ${nodeId}: event ${row.seq} follows ${last}; seqs must be gap-free`);
    followed.rows.push(row);
    last = row.seq;
  }
  followed.tail = last;
  const excess = followed.rows.length - TIMELINE_CACHE_ROWS;
  if (excess > 0) {
    followed.rows.splice(0, excess);
    followed.firstSeq += excess;
  }
}

/**
 * Opens a node's timeline: the stored events with seq > `after`, then live ones, in seq order,
 * each exactly once, then completion once the node rests (RESTING_PHASES).
 *
 * However many streams follow one node in a process, the process listens once and reads each
 * new row once (FollowedNode); the streams take the rows from its window of the latest
 * TIMELINE_CACHE_ROWS rows. When the last stream of a node ends, the node is forgotten.
 *
 * The algorithm, and why it has no gap and no duplicate:
 * 1. The shared reader listens for the node's notices (and for reconnects) before reading
 *    anything, so an event that commits at any later instant wakes it at least once.
 * 2. A notice that carries the row with the next seq (appendEvent puts the row in it when it
 *    fits) is appended to the window at once, and the streams are woken: no read. A notice for a
 *    seq the window has is ignored. Any other notice (no row in it, or a seq beyond the next one:
 *    a notice was missed) and a reconnect wake the reader, which loops: clear its wake flag, read
 *    the rows with seq > the window's last, append those it does not have yet, wake the streams,
 *    wait for the flag. Notices and reads both append only the next seq, so the window stays
 *    gap-free and in order whichever comes first.
 * 3. Each stream delivers the rows with seq > the last it delivered, from the window, or from
 *    its own reads when they are older than the window; it clears its flag before looking.
 * appendEvent takes the node's row lock to number an event, so event n+1 commits after event n:
 * a read never sees n+1 without n, and "seq > last delivered" then yields each seq once.
 *
 * Throws NOT_FOUND when the node is not in the caller's organization, and VALIDATION_FAILED
 * (field `after`) for a negative `after` or one beyond the node's last event.
 */
export async function openNodeEventStream(deps: NodeEventStreamDeps, request: NodeEventStreamRequest): Promise<ClosableStream<AcquisitionEvent>> {
  const { db } = deps;
  const { nodeId, organizationId } = request;
  const after = request.after ?? 0;
  if (!Number.isInteger(after) || after < 0) throw new HangarError('VALIDATION_FAILED', 'after must be a seq (an integer of 0 or more)', { field: 'after' });

  const hub = hubOf(deps);
  let shared = hub.nodes.get(nodeId);
  if (!shared) {
    shared = { followed: follow(deps, hub, nodeId), streams: 0 };
    hub.nodes.set(nodeId, shared);
  }
  shared.streams += 1;
  const entry = shared;
  /** This stream is gone (ended or refused): the last one out stops the shared reader. */
  const leave = (): void => {
    entry.streams -= 1;
    if (entry.streams > 0) return;
    if (hub.nodes.get(nodeId) === entry) hub.nodes.delete(nodeId);
    entry.followed.then((followed) => followed?.stop(), () => undefined);
  };
  let followed: FollowedNode | null;
  try {
    followed = await entry.followed;
  } catch (error) {
    leave();
    throw error;
  }
  if (!followed || followed.organizationId !== organizationId) {
    leave();
    throw new HangarError('NOT_FOUND', `no node ${shownId(nodeId)} in your organization`);
  }
  const current = followed;
  const wake = createWakeSignal();
  current.followers.add(wake);
  const release = (): void => {
    current.followers.delete(wake);
    leave();
  };

  if (after > current.tail) {
    // The window may lag a commit by the time its notice takes: ask the row itself.
    const node = await db.node.findUnique({ where: { id: nodeId }, select: { lastSeq: true } }).catch(() => null);
    if (!node || after > node.lastSeq) {
      release();
      throw new HangarError('VALIDATION_FAILED', `after (${after}) is beyond the node's last event (${node?.lastSeq ?? current.tail})`, { field: 'after' });
    }
  }

  async function* replayThenLive(signal: AbortSignal): AsyncGenerator<AcquisitionEvent, void, undefined> {
    let last = after;
    let latestPhase: NodePhase | undefined;
    while (!signal.aborted) {
      wake.clear();
      if (current.failure) throw current.failure;
      let rows: AcquisitionEvent[];
      let more = false;
      if (last + 1 < current.firstSeq) {
        // Older than the window: read them (a long replay, or a follower that fell behind).
        rows = await db.acquisitionEvent.findMany({ where: { nodeId, seq: { gt: last } }, orderBy: { seq: 'asc' }, take: REPLAY_BATCH_SIZE });
        more = rows.length === REPLAY_BATCH_SIZE;
      } else {
        rows = current.rows.slice(last + 1 - current.firstSeq);
      }
      const before = last;
      for (const row of rows) {
        if (row.seq <= last) continue;
        if (row.seq !== last + 1) throw new Error(`node ${nodeId}: event ${row.seq} follows ${last}; seqs must be gap-free`);
        yield row;
        last = row.seq;
        latestPhase = row.phase;
      }
      if (more || (last > before && last < current.tail)) continue;
      // Caught up with everything the shared reader had read.
      if (latestPhase === undefined && last > 0) {
        const seen = last >= current.firstSeq ? current.rows[last - current.firstSeq] : await db.acquisitionEvent.findUnique({ where: { nodeId_seq: { nodeId, seq: last } }, select: { phase: true } });
        latestPhase = seen?.phase;
      }
      if (latestPhase !== undefined && RESTING_PHASES.has(latestPhase)) return;
      await wake.wait(hub.safetyPollIntervalMs, signal);
    }
  }

  return closableStream(replayThenLive, release);

}
