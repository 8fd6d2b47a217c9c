import { Prisma, type AcquisitionEvent, type Node } from '@hangar/db/generated/prisma/client';
import { EventKind, NodePhase } from '@hangar/db/generated/prisma/enums';
import { pgPoolOf } from '@hangar/db/client';
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
 * The NOTIFY of a node event, as the tail of a statement whose CTE `node` returned the node's
 * "id", "organizationId" and "lastSeq" and whose CTE `event` returned the inserted event row
 * (RETURNING *): the notice carries that row as stored (the id, the `at` Postgres stamped) when the
 * payload fits in MAX_NOTICE_BYTES (counted in bytes: Postgres refuses 8,000 or more, which would
 * fail the whole statement); otherwise only the ids and the seq, and followers read the row
 * (eventOfNotice is the reverse). A function in FROM runs once per row (implicitly LATERAL);
 * pg_notify's void result is not selected. The one definition of the payload for every statement
 * that appends an event (appendEvent, appendPhaseChange).
 */
function noticeOf(node: string, event: string): string {
  return `CROSS JOIN LATERAL (
    SELECT json_build_object('nodeId', ${node}."id", 'organizationId', ${node}."organizationId", 'seq', ${node}."lastSeq", 'phase', ${event}."phase",
             'event', json_build_object('id', ${event}."id"::text, 'kind', ${event}."kind", 'message', ${event}."message", 'progress', ${event}."progress",
                                        'attempt', ${event}."attempt", 'error', ${event}."error", 'at', ${event}."at"))::text AS with_row,
           json_build_object('nodeId', ${node}."id", 'organizationId', ${node}."organizationId", 'seq', ${node}."lastSeq", 'phase', ${event}."phase")::text AS ids_only
  ) AS payload
  CROSS JOIN LATERAL pg_notify('${NODE_EVENTS_CHANNEL}', CASE WHEN octet_length(payload.with_row) <= ${MAX_NOTICE_BYTES} THEN payload.with_row ELSE payload.ids_only END) AS notified`;
}

/**
 * The statement behind appendEvent: $1 node id, $2 phase, $3 kind, $4 message, $5 progress,
 * $6 attempt, $7 error (JSON text). Data-modifying CTEs run exactly once, to completion, whether
 * or not the outer query reads them. `updatedAt` is what Prisma's @updatedAt would stamp
 * (nodeChanged's resync reads it). The notice: noticeOf.
 */
const APPEND_EVENT_SQL = `
  WITH bumped AS (
    UPDATE "Node" SET "lastSeq" = "lastSeq" + 1, "updatedAt" = clock_timestamp()
    WHERE "id" = $1::uuid
    RETURNING "id", "organizationId", "lastSeq", "updatedAt"
  ), inserted AS (
    INSERT INTO "AcquisitionEvent" ("nodeId", "seq", "phase", "kind", "message", "progress", "attempt", "error")
    SELECT "id", "lastSeq", $2::"NodePhase", $3::"EventKind", $4::text, $5::integer, $6::integer, $7::jsonb
    FROM bumped
    RETURNING *
  )
  SELECT bumped."lastSeq" AS "seq", bumped."updatedAt" AS "updatedAt"
  FROM bumped
  JOIN inserted ON inserted."seq" = bumped."lastSeq"
  ${noticeOf('bumped', 'inserted')}`;

/** What appendEvent's statement returns. */
interface AppendedRow {
  seq: number;
  updatedAt: Date;
}

/** The name appendEvent's statement is prepared under, once per pooled connection. */
const APPEND_EVENT_STATEMENT = 'hangar_append_event';

/**
 * Appends one event to a node's timeline in ONE statement (one round trip): it bumps `lastSeq`
 * (which also locks the node row until the transaction ends, so seqs are gap-free and commit in
 * order), inserts the row with that seq, and queues a NOTIFY that Postgres delivers only if the
 * transaction commits. `db` may be a transaction (the event commits with the caller's other
 * writes) or the client itself (the statement is its own transaction).
 * `nodeUpdate` (e.g. the new phase) is applied to the node first, in the caller's transaction:
 * one more round trip, only when it is not empty.
 * Outside a transaction the statement goes through the client's node-postgres pool as a prepared
 * statement (pgPoolOf): Prisma's query path cost more than the statement itself (measured: 8
 * producers made ~1,150 events/s through $queryRaw, ~2,700/s prepared through pg).
 * Returns the event's seq and the node's new `updatedAt`: with them a caller that holds the node
 * row has the row as it now is (createNode returns it without reading it again).
 */
export async function appendEvent(
  db: Prisma.TransactionClient,
  nodeId: string,
  event: NewEvent,
  nodeUpdate: Prisma.NodeUpdateInput = {},
): Promise<{ seq: number; updatedAt: Date }> {
  if (Object.keys(nodeUpdate).length > 0) await db.node.update({ where: { id: nodeId }, data: nodeUpdate, select: { id: true } });
  const error = event.error === undefined || event.error === null ? null : JSON.stringify(event.error);
  const values = [nodeId, event.phase, event.kind, event.message, event.progress ?? null, event.attempt ?? null, error];
  const pool = pgPoolOf(db);
  const rows = pool
    ? (await pool.query<AppendedRow>({ name: APPEND_EVENT_STATEMENT, text: APPEND_EVENT_SQL, values })).rows
    : await db.$queryRawUnsafe<AppendedRow[]>(APPEND_EVENT_SQL, ...values);
  const row = rows[0];
  if (!row) throw new Error(`appendEvent: no node ${nodeId}`);
  return { seq: Number(row.seq), updatedAt: row.updatedAt };
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

/**
 * A phase change and its PHASE_ENTERED event in ONE statement (its own transaction: no
 * BEGIN/COMMIT round trips): a conditional UPDATE of the node (only while it is in `from.phase`
 * and attempt; under READ COMMITTED the UPDATE waits for the row's lock and re-checks that on the
 * row as committed, as SELECT … FOR UPDATE and a check do) that sets `set` and bumps `lastSeq`,
 * the event row with that seq, and the NOTIFY with the row in it, as appendEvent (noticeOf).
 * Returns the node as changed (every column, as Prisma reads it), or null when it was not in that
 * phase and attempt (nothing written).
 */
export async function appendPhaseChange(
  db: Prisma.TransactionClient,
  nodeId: string,
  from: { phase: NodePhase; attempt: number },
  set: Prisma.Sql,
  event: { phase: NodePhase; message: string },
): Promise<Node | null> {
  const rows = await db.$queryRaw<Node[]>`
    WITH moved AS (
      UPDATE "Node" SET ${set}, "lastSeq" = "lastSeq" + 1, "updatedAt" = clock_timestamp()
      WHERE "id" = ${nodeId}::uuid AND "phase" = ${from.phase}::"NodePhase" AND "attempt" = ${from.attempt}::integer
      RETURNING *
    ), inserted AS (
      INSERT INTO "AcquisitionEvent" ("nodeId", "seq", "phase", "kind", "message")
      SELECT "id", "lastSeq", ${event.phase}::"NodePhase", 'PHASE_ENTERED'::"EventKind", ${event.message}::text
      FROM moved
      RETURNING *
    )
    SELECT moved.*
    FROM moved
    JOIN inserted ON inserted."seq" = moved."lastSeq"
    ${Prisma.raw(noticeOf('moved', 'inserted'))}`;
  return rows[0] ?? null;
}
