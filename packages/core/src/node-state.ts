/**
 * Changing a node's phase. Every change locks the node row, checks that the node is still
 * where the caller expects it (a phase, an attempt) and writes the new phase together with its
 * PHASE_ENTERED event in one transaction (appendEvent). The API (registration, heartbeats,
 * mutations) and the worker (the phase driver, release, reconcile) move the same nodes; the row
 * lock and the expectation make them take turns instead of overwriting each other.
 */
import { Prisma as PrismaSql, type Node, type Prisma } from '@hangar/db/generated/prisma/client';
import type { NodeError } from '@hangar/domain/node-errors';
import { assertTransition, type Phase } from '@hangar/domain/phases';
import { PHASE_CLOCK_LEASE_MS, PHASE_CLOCK_RENEW_MS, phaseUsedMs, type PhaseClock } from './deadlines.ts';
import type { CoreDeps } from './deps.ts';
import { appendEvent, appendPhaseChange, type NewEvent } from './event-log.ts';
import { errorJson } from './provider-steps.ts';

type Tx = Prisma.TransactionClient;

/**
 * Locks the node's row until the transaction ends and reads it; null when it does not exist
 * (or, with `organizationId`, belongs to another organization: that row is never locked, so
 * no timing tells another organization's ids from random ones).
 */
export async function lockNode(tx: Tx, nodeId: string, organizationId?: string): Promise<Node | null> {
  // One statement: the row as Prisma reads it (raw rows of Node come back with the model's types:
  // Json parsed, timestamps as Date, arrays; acquisition-statements.test.ts compares them).
  const rows = organizationId === undefined
    ? await tx.$queryRaw<Node[]>`SELECT * FROM "Node" WHERE "id" = ${nodeId}::uuid FOR UPDATE`
    : await tx.$queryRaw<Node[]>`SELECT * FROM "Node" WHERE "id" = ${nodeId}::uuid AND "organizationId" = ${organizationId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

/** What the new phase is entered with. */
export interface PhaseChange {
  message: string;
  /** Set on entering FAILED: stored on the node and on the event. */
  error?: NodeError | null;
  /** More columns to change with the phase (server id, addresses, timestamps). */
  update?: Prisma.NodeUpdateManyMutationInput;
}

/** The node columns a phase change writes (with `change.update`). */
function phaseColumns(to: Phase, change: PhaseChange, now: Date): Prisma.NodeUpdateManyMutationInput {
  return {
    ...change.update,
    phase: to,
    phaseEnteredAt: now,
    phaseUsedMs: 0,
    phaseClockAt: now,
    // Health is a READY node's (node-health.ts): it starts HEALTHY (a healthy heartbeat made it READY) and ends with READY.
    health: to === 'READY' ? 'HEALTHY' : null,
    ...(to === 'FAILED' ? { error: errorJson(change.error ?? null) } : {}),
  };
}

/** The PHASE_ENTERED event of a phase change. */
function phaseEvent(to: Phase, change: PhaseChange): NewEvent {
  const error = change.error ?? null;
  return { phase: to, kind: 'PHASE_ENTERED', message: change.message, error: error === null ? null : (error as unknown as Prisma.InputJsonObject) };
}

/** Moves a node locked by this transaction to `to` and appends its PHASE_ENTERED event. */
export async function enterPhase(tx: Tx, node: Pick<Node, 'id' | 'phase'>, to: Phase, change: PhaseChange): Promise<void> {
  assertTransition(node.phase, to);
  await appendEvent(tx, node.id, phaseEvent(to, change), phaseColumns(to, change, new Date()));
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

/** Columns a phase driver step sets with the phase (moveNode), each with its SQL type. */
const DRIVER_COLUMNS = {
  price: 'jsonb',
  providerServerId: 'text',
  providerActionId: 'text',
  providerNextActionIds: 'text[]',
  serverCreatedAt: 'timestamptz',
  ipv4: 'text',
  ipv6: 'text',
  readyAt: 'timestamptz',
} as const;

/** What a phase driver step changes with the phase (moveNode). */
export interface DriverPhaseChange {
  message: string;
  update?: {
    price?: Prisma.InputJsonObject;
    providerServerId?: string | null;
    providerActionId?: string | null;
    providerNextActionIds?: string[];
    serverCreatedAt?: Date;
    ipv4?: string | null;
    ipv6?: string | null;
    readyAt?: Date;
  };
}

/**
 * Moves the node from one expected phase and attempt to `to` (not FAILED: no error is set) and
 * returns the node as the change left it, or null when it had moved on. One statement
 * (event-log.ts appendPhaseChange): the conditional UPDATE is the row lock and the expectation
 * check at once, with the PHASE_ENTERED event and its NOTIFY. The same columns as enterPhase.
 */
export async function moveNode(deps: Pick<CoreDeps, 'db'>, nodeId: string, expected: { phase: Phase; attempt: number }, to: Phase, change: DriverPhaseChange): Promise<Node | null> {
  assertTransition(expected.phase, to);
  if (to === 'FAILED') throw new Error('moveNode does not fail a node: failNode records the error (transition)');
  const now = new Date();
  const columns = [
    PrismaSql.sql`"phase" = ${to}::"NodePhase"`,
    PrismaSql.sql`"phaseEnteredAt" = ${now}::timestamptz`,
    PrismaSql.sql`"phaseUsedMs" = 0`,
    PrismaSql.sql`"phaseClockAt" = ${now}::timestamptz`,
    // As enterPhase: health starts HEALTHY on READY and is null in every other phase.
    to === 'READY' ? PrismaSql.sql`"health" = 'HEALTHY'::"NodeHealth"` : PrismaSql.sql`"health" = NULL`,
  ];
  for (const [column, value] of Object.entries(change.update ?? {})) {
    if (value === undefined) continue;
    const type = (DRIVER_COLUMNS as Record<string, (typeof DRIVER_COLUMNS)[keyof typeof DRIVER_COLUMNS] | undefined>)[column];
    if (type === undefined) throw new Error(`moveNode: ${column} is not a column a driver step sets`);
    const sqlValue = type === 'jsonb' && value !== null ? JSON.stringify(value) : value;
    columns.push(PrismaSql.sql`${PrismaSql.raw(`"${column}"`)} = ${sqlValue}::${PrismaSql.raw(type)}`);
  }
  return appendPhaseChange(deps.db, nodeId, expected, PrismaSql.join(columns, ', '), { phase: to, message: change.message });
}

/**
 * The phase clock while a job holds the node (deadlines.ts): renewed at once unless it was less
 * than PHASE_CLOCK_RENEW_MS ago (the gap since the last renewal counts for at most one lease) and
 * then every PHASE_CLOCK_RENEW_MS until stopped.
 * Only the job's holder renews (node queues are stately: one holder per node), and only while
 * the node is still in the phase and attempt it was read in. `usedMs()` is the deadline time
 * the phase has used, as of now.
 */
export async function holdPhaseClock(
  deps: CoreDeps,
  node: Pick<Node, 'id' | 'phase' | 'attempt'> & PhaseClock,
): Promise<{ usedMs(): number; stop(): Promise<void> }> {
  let clock: PhaseClock = { phaseUsedMs: node.phaseUsedMs, phaseClockAt: node.phaseClockAt };
  let writing: Promise<void> = Promise.resolve();
  const renew = () => {
    writing = writing
      .then(async () => {
        const now = Date.now();
        const next: PhaseClock = { phaseUsedMs: Math.round(phaseUsedMs(clock, now)), phaseClockAt: new Date(now) };
        await deps.db.node.updateMany({ where: { id: node.id, phase: node.phase, attempt: node.attempt }, data: next });
        clock = next;
      })
      .catch((error: unknown) => deps.log.warn({ err: error, nodeId: node.id }, 'could not renew the phase clock'));
    return writing;
  };
  // A clock renewed (or a phase entered) less than a renewal period ago needs no write yet: the
  // gap counts in full either way (it is shorter than a lease), and the timer writes it next.
  if (Date.now() - clock.phaseClockAt.getTime() >= PHASE_CLOCK_RENEW_MS) await renew();
  const timer = setInterval(() => void renew(), PHASE_CLOCK_RENEW_MS);
  timer.unref();
  return {
    usedMs: () => phaseUsedMs(clock),
    async stop() {
      clearInterval(timer);
      await writing;
    },
  };
}

/** A parked wait whose phase clock this process keeps running. */
interface ParkedClock {
  phase: Phase;
  attempt: number;
  /** Renewed until then: the follow-up job's start plus a lease (it holds the clock itself from then on). */
  untilMs: number;
}

/** The parked clocks of one database client, renewed together by one timer. */
interface ParkedClocks {
  nodes: Map<string, ParkedClock>;
  timer: NodeJS.Timeout | null;
  renewing: boolean;
}

const parkedClocks = new WeakMap<CoreDeps['db'], ParkedClocks>();

/**
 * Keeps the phase clock of a parked machine wait running (deadlines.ts) without a job holding
 * the node: this worker process renews the clocks of all its parked nodes with one statement
 * every PHASE_CLOCK_RENEW_MS, for as long as each node stays in the phase and attempt it was
 * parked in, and at most until its follow-up job starts (`forMs`, plus a lease). A process that
 * dies stops renewing, so Hangar's downtime still does not count against the deadline.
 */
export function parkPhaseClock(deps: Pick<CoreDeps, 'db' | 'log'>, node: Pick<Node, 'id' | 'phase' | 'attempt'>, forMs: number): void {
  let clocks = parkedClocks.get(deps.db);
  if (!clocks) {
    clocks = { nodes: new Map(), timer: null, renewing: false };
    parkedClocks.set(deps.db, clocks);
  }
  clocks.nodes.set(node.id, { phase: node.phase, attempt: node.attempt, untilMs: Date.now() + forMs + PHASE_CLOCK_LEASE_MS });
  if (clocks.timer === null) {
    const own = clocks;
    own.timer = setInterval(() => void renewParkedClocks(deps, own), PHASE_CLOCK_RENEW_MS);
    own.timer.unref();
  }
}

/** Stops renewing parked clocks (a worker that stops; the follow-up jobs take over). */
export function releaseParkedClocks(deps: Pick<CoreDeps, 'db'>): void {
  const clocks = parkedClocks.get(deps.db);
  if (!clocks) return;
  if (clocks.timer !== null) clearInterval(clocks.timer);
  clocks.timer = null;
  clocks.nodes.clear();
}

/** How many parked clocks this database client renews (tests). */
export function parkedClockCount(deps: Pick<CoreDeps, 'db'>): number {
  return parkedClocks.get(deps.db)?.nodes.size ?? 0;
}

async function renewParkedClocks(deps: Pick<CoreDeps, 'db' | 'log'>, clocks: ParkedClocks): Promise<void> {
  if (clocks.renewing) return;
  const now = Date.now();
  for (const [id, parked] of clocks.nodes) if (parked.untilMs <= now) clocks.nodes.delete(id);
  if (clocks.nodes.size === 0) {
    if (clocks.timer !== null) clearInterval(clocks.timer);
    clocks.timer = null;
    return;
  }
  const entries = [...clocks.nodes];
  clocks.renewing = true;
  try {
    // Same rule as holdPhaseClock: the time since the last renewal counts for at most one lease.
    const at = new Date(now);
    const renewed = await deps.db.$queryRaw<Array<{ id: string }>>`
      UPDATE "Node" AS n
      SET "phaseUsedMs" = n."phaseUsedMs" + LEAST(${PHASE_CLOCK_LEASE_MS}::integer, GREATEST(0, (EXTRACT(EPOCH FROM (${at}::timestamptz - n."phaseClockAt")) * 1000)::integer)),
          "phaseClockAt" = ${at}::timestamptz
      FROM unnest(${entries.map(([id]) => id)}::uuid[], ${entries.map(([, parked]) => parked.phase)}::text[], ${entries.map(([, parked]) => parked.attempt)}::integer[]) AS p("id", "phase", "attempt")
      WHERE n."id" = p."id" AND n."phase"::text = p."phase" AND n."attempt" = p."attempt"
      RETURNING n."id"::text AS "id"`;
    const still = new Set(renewed.map((row) => row.id));
    // A node that moved on (or whose attempt changed) is no longer this process's to renew.
    // (An entry parked again while this ran is the new park's, and stays.)
    for (const [id, parked] of entries) if (!still.has(id) && clocks.nodes.get(id) === parked) clocks.nodes.delete(id);
  } catch (error) {
    deps.log.warn({ err: error, nodes: entries.length }, 'could not renew the phase clocks of parked machine waits');
  } finally {
    clocks.renewing = false;
  }
}
