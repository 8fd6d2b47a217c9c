import { Prisma, type Node } from '@hangar/db/generated/prisma/client';
import type { EventKind, NodePhase } from '@hangar/db/generated/prisma/enums';

/** The Postgres channel that announces committed node events (payload: ids and seq only, ChannelPayloads['hangar_node_events'] in @hangar/events/topics). */
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
      RETURNING "seq"
    )
    SELECT bumped."lastSeq" AS "seq"
    FROM bumped
    JOIN inserted ON inserted."seq" = bumped."lastSeq"
    -- A function in FROM runs once per row (implicitly LATERAL); its void result is not selected.
    CROSS JOIN LATERAL pg_notify(${NODE_EVENTS_CHANNEL}, json_build_object('nodeId', bumped."id", 'organizationId', bumped."organizationId", 'seq', bumped."lastSeq", 'phase', ${event.phase}::text)::text) AS notified`;
  const row = rows[0];
  if (!row) throw new Error(`appendEvent: no node ${nodeId}`);
  return { seq: Number(row.seq) };
}

/**
 * A phase change and its PHASE_ENTERED event in ONE statement (its own transaction: no
 * BEGIN/COMMIT round trips): a conditional UPDATE of the node (only while it is in `from.phase`
 * and attempt; under READ COMMITTED the UPDATE waits for the row's lock and re-checks that on the
 * row as committed, as SELECT … FOR UPDATE and a check do) that sets `set` and bumps `lastSeq`,
 * the event row with that seq, and the NOTIFY, as appendEvent. Returns the node as changed (every
 * column, as Prisma reads it), or null when it was not in that phase and attempt (nothing written).
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
      RETURNING "seq"
    )
    SELECT moved.*
    FROM moved
    JOIN inserted ON inserted."seq" = moved."lastSeq"
    CROSS JOIN LATERAL pg_notify(${NODE_EVENTS_CHANNEL}, json_build_object('nodeId', moved."id", 'organizationId', moved."organizationId", 'seq', moved."lastSeq", 'phase', ${event.phase}::text)::text) AS notified`;
  return rows[0] ?? null;
}
