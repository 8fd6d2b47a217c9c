/**
 * The phases of a node and the transitions between them. Pure TypeScript: the API, the worker
 * and the web app share it. The phase names equal the NodePhase enum of schema.prisma and the
 * GraphQL contract.
 *
 * ```
 * QUEUED → VALIDATING → CREATING_SERVER → WAITING_FOR_SERVER → PROVISIONING
 *        → WAITING_FOR_READINESS → READY → RELEASING → RELEASED
 * any acquisition phase → FAILED | CANCELLED;  FAILED → QUEUED (retryNode) | RELEASING
 * ```
 */

/** Every phase, in the order an acquisition passes them. */
export const NODE_PHASES = [
  'QUEUED',
  'VALIDATING',
  'CREATING_SERVER',
  'WAITING_FOR_SERVER',
  'PROVISIONING',
  'WAITING_FOR_READINESS',
  'READY',
  'FAILED',
  'CANCELLED',
  'RELEASING',
  'RELEASED',
] as const;

/** One phase of a node. */
export type Phase = (typeof NODE_PHASES)[number];

/** The phases of an acquisition in progress, in order: the happy path up to READY. */
export const ACQUISITION_PHASES = [
  'QUEUED',
  'VALIDATING',
  'CREATING_SERVER',
  'WAITING_FOR_SERVER',
  'PROVISIONING',
  'WAITING_FOR_READINESS',
] as const satisfies readonly Phase[];

/** A phase in which the acquisition is still running (cancelNode applies). */
export type AcquisitionPhase = (typeof ACQUISITION_PHASES)[number];

/** The exact order of PHASE_ENTERED events of a successful acquisition. */
export const HAPPY_PATH: readonly Phase[] = [...ACQUISITION_PHASES, 'READY'];

/** Phases nothing leaves on its own (FAILED can still be retried or released by a person). */
export const TERMINAL_PHASES = ['READY', 'FAILED', 'CANCELLED', 'RELEASED'] as const satisfies readonly Phase[];

/**
 * Phases in which the node holds no server and never will again without a new attempt: the
 * node's name is free again (the partial unique index Node_live_name_key excludes them) and a
 * server labelled with its id is a leak.
 */
export const SERVERLESS_PHASES = ['FAILED', 'CANCELLED', 'RELEASED'] as const satisfies readonly Phase[];

/** Phases in which a server must exist at the provider (its loss is NODE_SERVER_LOST). */
export const SERVER_EXPECTED_PHASES = ['PROVISIONING', 'WAITING_FOR_READINESS', 'READY'] as const satisfies readonly Phase[];

/** Which phase may follow which. Anything not listed is refused. */
export const TRANSITIONS: Readonly<Record<Phase, readonly Phase[]>> = {
  QUEUED: ['VALIDATING', 'FAILED', 'CANCELLED'],
  VALIDATING: ['CREATING_SERVER', 'FAILED', 'CANCELLED'],
  CREATING_SERVER: ['WAITING_FOR_SERVER', 'FAILED', 'CANCELLED'],
  WAITING_FOR_SERVER: ['PROVISIONING', 'FAILED', 'CANCELLED'],
  PROVISIONING: ['WAITING_FOR_READINESS', 'FAILED', 'CANCELLED'],
  WAITING_FOR_READINESS: ['READY', 'FAILED', 'CANCELLED'],
  // A READY node whose server vanished fails with NODE_SERVER_LOST.
  READY: ['RELEASING', 'FAILED'],
  // retryNode starts a new attempt; releaseNode deletes a server a failed node kept.
  FAILED: ['QUEUED', 'RELEASING'],
  CANCELLED: [],
  // A delete the provider refuses for good (e.g. protection) fails the release.
  RELEASING: ['RELEASED', 'FAILED'],
  RELEASED: [],
};

/** Whether `value` is a phase name. */
export function isPhase(value: unknown): value is Phase {
  return typeof value === 'string' && (NODE_PHASES as readonly string[]).includes(value);
}

/** Whether `to` may follow `from`. */
export function canTransition(from: Phase, to: Phase): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Whether the acquisition is still running in this phase (cancelNode applies). */
export function isAcquisitionPhase(phase: Phase): phase is AcquisitionPhase {
  return (ACQUISITION_PHASES as readonly Phase[]).includes(phase);
}

/** Whether nothing moves the node out of this phase on its own. */
export function isTerminalPhase(phase: Phase): boolean {
  return (TERMINAL_PHASES as readonly Phase[]).includes(phase);
}

/** Whether a node in this phase must not have a server at the provider. */
export function isServerlessPhase(phase: Phase): boolean {
  return (SERVERLESS_PHASES as readonly Phase[]).includes(phase);
}

/** Whether a node in this phase must have a server at the provider. */
export function expectsServer(phase: Phase): boolean {
  return (SERVER_EXPECTED_PHASES as readonly Phase[]).includes(phase);
}

/** The phase after `phase` on the happy path, or null after READY (and off the path). */
export function nextAcquisitionPhase(phase: Phase): Phase | null {
  const index = HAPPY_PATH.indexOf(phase);
  return index === -1 || index === HAPPY_PATH.length - 1 ? null : (HAPPY_PATH[index + 1] ?? null);
}

/** A transition that is not in TRANSITIONS. */
export class PhaseTransitionError extends Error {
  override name = 'PhaseTransitionError';
  readonly from: Phase;
  readonly to: Phase;

  constructor(from: Phase, to: Phase) {
    super(`a node cannot go from ${from} to ${to}`);
    this.from = from;
    this.to = to;
  }
}

/** Throws PhaseTransitionError unless `to` may follow `from`. */
export function assertTransition(from: Phase, to: Phase): void {
  if (!canTransition(from, to)) throw new PhaseTransitionError(from, to);
}
