/**
 * Changing a node's phase. Every change locks the node row, checks that the node is still
 * where the caller expects it (a phase, an attempt) and writes the new phase together with its
 * PHASE_ENTERED event in one transaction (appendEvent). The API (registration, heartbeats,
 * mutations) and the worker (the phase driver, release, reconcile) move the same nodes; the row
 * lock and the expectation make them take turns instead of overwriting each other.
 */
import type { Node, Prisma } from '@hangar/db/generated/prisma/client';
import type { NodeError } from '@hangar/domain/node-errors';
import { assertTransition, type Phase } from '@hangar/domain/phases';
import type { CoreDeps } from './deps.ts';
import { appendEvent } from './event-log.ts';
import { errorJson } from './provider-steps.ts';

type Tx = Prisma.TransactionClient;

/**
 * Locks the node's row until the transaction ends and reads it; null when it does not exist
 * (or, with `organizationId`, belongs to another organization: that row is never locked, so
 * no timing tells another organization's ids from random ones).
 */
export async function lockNode(tx: Tx, nodeId: string, organizationId?: string): Promise<Node | null> {
  const rows = organizationId === undefined
    ? await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Node" WHERE "id" = ${nodeId}::uuid FOR UPDATE`
    : await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Node" WHERE "id" = ${nodeId}::uuid AND "organizationId" = ${organizationId}::uuid FOR UPDATE`;
  if (rows.length === 0) return null;
  return tx.node.findUnique({ where: { id: nodeId } });
}

/** What the new phase is entered with. */
export interface PhaseChange {
  message: string;
  /** Set on entering FAILED: stored on the node and on the event. */
  error?: NodeError | null;
  /** More columns to change with the phase (server id, addresses, timestamps). */
  update?: Prisma.NodeUpdateInput;
}

/** Moves a node locked by this transaction to `to` and appends its PHASE_ENTERED event. */
export async function enterPhase(tx: Tx, node: Pick<Node, 'id' | 'phase'>, to: Phase, change: PhaseChange): Promise<void> {
  assertTransition(node.phase, to);
  const error = change.error ?? null;
  await appendEvent(
    tx,
    node.id,
    { phase: to, kind: 'PHASE_ENTERED', message: change.message, error: error === null ? null : (error as unknown as Prisma.InputJsonObject) },
    { ...change.update, phase: to, phaseEnteredAt: new Date(), ...(to === 'FAILED' ? { error: errorJson(error) } : {}) },
  );
}

/** What the caller expects of the node for a change to apply. */
export interface Expectation {
  phase: Phase | readonly Phase[];
  attempt?: number;
}

function meets(node: Node, expected: Expectation): boolean {
  const phases: readonly Phase[] = typeof expected.phase === 'string' ? [expected.phase] : expected.phase;
  return phases.includes(node.phase) && (expected.attempt === undefined || node.attempt === expected.attempt);
}

/**
 * Runs `change` on the locked node when it meets `expected`; returns its result, or null when
 * the node is gone or has moved on (someone else changed it first).
 */
export async function whenNode<T>(deps: CoreDeps, nodeId: string, expected: Expectation, change: (tx: Tx, node: Node) => Promise<T>): Promise<T | null> {
  return deps.db.$transaction(async (tx) => {
    const node = await lockNode(tx, nodeId);
    if (!node || !meets(node, expected)) return null;
    return change(tx, node);
  });
}

/** Moves the node from the expected phase to `to`; false when it had moved on already. */
export async function transition(deps: CoreDeps, nodeId: string, expected: Expectation, to: Phase, change: PhaseChange): Promise<boolean> {
  const done = await whenNode(deps, nodeId, expected, async (tx, node) => {
    await enterPhase(tx, node, to, change);
    return true;
  });
  return done === true;
}
