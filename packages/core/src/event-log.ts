import type { AcquisitionEvent, Prisma } from '@hangar/db/generated/prisma/client';
import { EventKind, NodePhase } from '@hangar/db/generated/prisma/enums';
import { MAX_NOTICE_BYTES, type ChannelPayloads } from '@hangar/events/topics';

/**
 * The Postgres channel that announces committed node events (ChannelPayloads['hangar_node_events']
 * in @hangar/events/topics): the ids, the seq and, when the notice stays within
 * MAX_NOTICE_BYTES, the row itself (`event`), so that a follower needs no read (eventOfNotice).
 */
export const NODE_EVENTS_CHANNEL = 'hangar_node_events';

export interface NewEvent {
  phase: NodePhase;
  kind: EventKind;
  message: string;
  progress?: number | null;
  attempt?: number | null;
  error?: Prisma.InputJsonValue | null;
}

/**
 * Appends one event to a node's timeline in ONE statement (one round trip): it bumps `lastSeq`
 * (which also locks the node row until the transaction ends, so seqs are gap-free and commit in
 * order), inserts the row with that seq, and queues a NOTIFY that Postgres delivers only if the
 * transaction commits. `db` may be a transaction (the event commits with the caller's other
 * writes) or the client itself (the statement is its own transaction).
 * `nodeUpdate` (e.g. the new phase) is applied to the node first, in the caller's transaction:
 * one more round trip, only when it is not empty.
 */
export async function appendEvent(
  db: Prisma.TransactionClient,
  nodeId: string,
  event: NewEvent,
  nodeUpdate: Prisma.NodeUpdateInput = {},
): Promise<{ seq: number }> {
  if (Object.keys(nodeUpdate).length > 0) await db.node.update({ where: { id: nodeId }, data: nodeUpdate, select: { id: true } });
  const error = event.error === undefined || event.error === null ? null : JSON.stringify(event.error);
  // Data-modifying CTEs run exactly once, to completion, whether or not the outer query reads
  // them. `updatedAt` is what Prisma's @updatedAt would stamp (nodeChanged's resync reads it).
  // The notice carries the inserted row as stored (RETURNING: the id, the `at` Postgres stamped)
  // when it fits; otherwise only the ids and the seq, and followers read the row. Postgres
  // refuses a payload of 8,000 bytes or more, which would fail the whole statement.
  const rows = await db.$queryRaw<Array<{ seq: number }>>`
    WITH bumped AS (
      UPDATE "Node" SET "lastSeq" = "lastSeq" + 1, "updatedAt" = clock_timestamp()
      WHERE "id" = ${nodeId}::uuid
      RETURNING "id", "organizationId", "lastSeq"
    ), inserted AS (
      INSERT INTO "AcquisitionEvent" ("nodeId", "seq", "phase", "kind", "message", "progress", "attempt", "error")
      SELECT "id", "lastSeq", ${event.phase}::"NodePhase", ${event.kind}::"EventKind", ${event.message}::text,
             ${event.progress ?? null}::integer, ${event.attempt ?? null}::integer, ${error}::jsonb
      FROM bumped
      RETURNING *
    )
    SELECT bumped."lastSeq" AS "seq"
    FROM bumped
    JOIN inserted ON inserted."seq" = bumped."lastSeq"
    CROSS JOIN LATERAL (
      SELECT json_build_object('nodeId', bumped."id", 'organizationId', bumped."organizationId", 'seq', bumped."lastSeq", 'phase', inserted."phase",
               'event', json_build_object('id', inserted."id"::text, 'kind', inserted."kind", 'message', inserted."message", 'progress', inserted."progress",
                                          'attempt', inserted."attempt", 'error', inserted."error", 'at', inserted."at"))::text AS with_row,
             json_build_object('nodeId', bumped."id", 'organizationId', bumped."organizationId", 'seq', bumped."lastSeq", 'phase', inserted."phase")::text AS ids_only
    ) AS payload
    -- A function in FROM runs once per row (implicitly LATERAL); its void result is not selected.
    CROSS JOIN LATERAL pg_notify(${NODE_EVENTS_CHANNEL}, CASE WHEN octet_length(payload.with_row) <= ${MAX_NOTICE_BYTES}::integer THEN payload.with_row ELSE payload.ids_only END) AS notified`;
  const row = rows[0];
  if (!row) throw new Error(`appendEvent: no node ${nodeId}`);
  return { seq: Number(row.seq) };
}

const NODE_PHASES: ReadonlySet<string> = new Set(Object.values(NodePhase));
const EVENT_KINDS: ReadonlySet<string> = new Set(Object.values(EventKind));
const isCount = (value: unknown): value is number | null => value === null || Number.isInteger(value);

/**
 * The event row a node-event notice carries (appendEvent), exactly as a read of the row would
 * return it; null when the notice carries none (the row did not fit) or anything in it is off.
 * A null means "read the row": a notice never delivers content that a read would not.
 */
export function eventOfNotice(notice: ChannelPayloads[typeof NODE_EVENTS_CHANNEL]): AcquisitionEvent | null {
  const row = notice.event;
  if (typeof row !== 'object' || row === null) return null;
  const { id, kind, message, progress, attempt, error, at } = row;
  if (!Number.isInteger(notice.seq) || !NODE_PHASES.has(notice.phase) || !EVENT_KINDS.has(kind)) return null;
  if (typeof id !== 'string' || !/^[0-9]{1,19}$/.test(id) || typeof message !== 'string' || !isCount(progress) || !isCount(attempt) || typeof at !== 'string') return null;
  const stamped = new Date(at);
  if (Number.isNaN(stamped.getTime())) return null;
  return {
    id: BigInt(id),
    nodeId: notice.nodeId,
    seq: notice.seq,
    phase: notice.phase as NodePhase,
    kind: kind as EventKind,
    message,
    progress,
    attempt,
    error: (error ?? null) as AcquisitionEvent['error'],
    at: stamped,
  };
}
