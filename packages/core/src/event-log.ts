import type { Prisma } from '@hangar/db/generated/prisma/client';
import type { EventKind, NodePhase } from '@hangar/db/generated/prisma/enums';

/** The Postgres channel that announces committed node events (payload: ids and seq only). */
export const NODE_EVENTS_CHANNEL = 'hangar_node_events';

export interface NewEvent {
  phase: NodePhase;
  kind: EventKind;
  message: string;
  progress?: number | null;
  attempt?: number | null;
  error?: Prisma.InputJsonValue | null;
}

/** The NOTIFY payload: small (well under Postgres' 8 KB limit), never the event itself. */
export interface NodeEventNotice {
  nodeId: string;
  organizationId: string;
  seq: number;
  phase: NodePhase;
}

/**
 * Appends one event to a node's timeline inside the caller's transaction: bumps `lastSeq`
 * (which also locks the node row, so seqs are gap-free and ordered), inserts the row, and
 * queues a NOTIFY that Postgres delivers only if the transaction commits.
 * `nodeUpdate` is applied to the node in the same statement (e.g. the new phase).
 */
export async function appendEvent(
  tx: Prisma.TransactionClient,
  nodeId: string,
  event: NewEvent,
  nodeUpdate: Prisma.NodeUpdateInput = {},
): Promise<{ seq: number }> {
  const node = await tx.node.update({
    where: { id: nodeId },
    data: { ...nodeUpdate, lastSeq: { increment: 1 } },
    select: { lastSeq: true, organizationId: true },
  });
  await tx.acquisitionEvent.create({
    data: {
      nodeId,
      seq: node.lastSeq,
      phase: event.phase,
      kind: event.kind,
      message: event.message,
      progress: event.progress ?? null,
      attempt: event.attempt ?? null,
      error: event.error ?? undefined,
    },
  });
  const notice: NodeEventNotice = { nodeId, organizationId: node.organizationId, seq: node.lastSeq, phase: event.phase };
  await tx.$executeRaw`SELECT pg_notify(${NODE_EVENTS_CHANNEL}, ${JSON.stringify(notice)})`;
  return { seq: node.lastSeq };
}
