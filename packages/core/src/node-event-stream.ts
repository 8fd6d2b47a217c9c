import type { Db } from '@hangar/db/client';
import { TERMINAL_PHASES } from '@hangar/domain/phases';
import type { AcquisitionEvent } from '@hangar/db/generated/prisma/client';
import type { NodePhase } from '@hangar/db/generated/prisma/enums';
import { HangarError } from '@hangar/domain/api-errors';
import { shownId } from '@hangar/domain/text-rules';
import { closableStream, type ClosableStream } from '@hangar/events/closable-stream';
import type { PgEventTarget } from '@hangar/events/pg-event-target';
import { createWakeSignal } from '@hangar/events/wake-signal';

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
 * A waiting stream reads the rows this often even without a notice. Notices are reliable while
 * the LISTEN connection is up and a reconnect triggers a read, so this only bounds the delay
 * of a failure nobody foresaw.
 */
export const SAFETY_POLL_INTERVAL_MS = 15_000;

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
   * How long a caught-up stream waits for a notice before reading anyway (default
   * SAFETY_POLL_INTERVAL_MS). Tests set it beyond their own timeout, so that whatever they
   * receive can only have come through a notice or a resync.
   */
  safetyPollIntervalMs?: number;
}

/**
 * Opens a node's timeline: the stored events with seq > `after`, then live ones, in seq order,
 * each exactly once, then completion once the node rests (RESTING_PHASES).
 *
 * The algorithm, and why it has no gap and no duplicate:
 * 1. Listen for the node's notices (and for reconnects) before reading anything, so an event
 *    that commits at any later instant wakes the reader at least once.
 * 2. Loop: clear the wake flag, read the rows with seq > last delivered (the NOTIFY payload is
 *    never used), deliver them in order, and wait for the flag (or the safety poll).
 * appendEvent takes the node's row lock to number an event, so event n+1 commits after event n:
 * a read never sees n+1 without n, and "seq > last delivered" then yields each seq once.
 *
 * Throws NOT_FOUND when the node is not in the caller's organization, and VALIDATION_FAILED
 * (field `after`) for a negative `after` or one beyond the node's last event.
 */
export async function openNodeEventStream(deps: NodeEventStreamDeps, request: NodeEventStreamRequest): Promise<ClosableStream<AcquisitionEvent>> {
  const { db, events } = deps;
  const safetyPollIntervalMs = deps.safetyPollIntervalMs ?? SAFETY_POLL_INTERVAL_MS;
  const { nodeId, organizationId } = request;
  const after = request.after ?? 0;
  if (!Number.isInteger(after) || after < 0) throw new HangarError('VALIDATION_FAILED', 'after must be a seq (an integer of 0 or more)', { field: 'after' });

  const wake = createWakeSignal();
  const unsubscribeNotices = events.on('node', nodeId, () => wake.notify());
  const unsubscribeResync = events.onResync(() => wake.notify());
  const unsubscribe = (): void => {
    unsubscribeNotices();
    unsubscribeResync();
  };

  try {
    // A malformed id is simply not a node of this organization.
    const node = await db.node.findFirst({ where: { id: nodeId, organizationId }, select: { lastSeq: true } }).catch(() => null);
    if (!node) throw new HangarError('NOT_FOUND', `no node ${shownId(nodeId)} in your organization`);
    if (after > node.lastSeq) throw new HangarError('VALIDATION_FAILED', `after (${after}) is beyond the node's last event (${node.lastSeq})`, { field: 'after' });
  } catch (error) {
    unsubscribe();
    throw error;
  }

  async function* replayThenLive(signal: AbortSignal): AsyncGenerator<AcquisitionEvent, void, undefined> {
    let last = after;
    let latestPhase: NodePhase | undefined;
    while (!signal.aborted) {
      wake.clear();
      const rows = await db.acquisitionEvent.findMany({ where: { nodeId, seq: { gt: last } }, orderBy: { seq: 'asc' }, take: REPLAY_BATCH_SIZE });
      for (const row of rows) {
        if (row.seq !== last + 1) throw new Error(`node ${nodeId}: event ${row.seq} follows ${last}; seqs must be gap-free`);
        yield row;
        last = row.seq;
        latestPhase = row.phase;
      }
      if (rows.length === REPLAY_BATCH_SIZE) continue;
      // Caught up: no row after `last` existed when the read ran.
      if (latestPhase === undefined && last > 0) {
        const seen = await db.acquisitionEvent.findUnique({ where: { nodeId_seq: { nodeId, seq: last } }, select: { phase: true } });
        latestPhase = seen?.phase;
      }
      if (latestPhase !== undefined && RESTING_PHASES.has(latestPhase)) return;
      await wake.wait(safetyPollIntervalMs, signal);
    }
  }

  return closableStream(replayThenLive, unsubscribe);
}
