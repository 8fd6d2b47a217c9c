/**
 * How long a node may stay in each phase. A phase that outlives its deadline ends the node
 * FAILED with the phase's timeout code. Every default is multiplied by
 * HangarConfig.deadlineScale (HANGAR_DEADLINE_SCALE): production keeps 1, tests shrink them.
 *
 * QUEUED has no deadline on purpose: a node waits for a free worker as long as it takes and
 * is never failed because Hangar itself was busy or down.
 *
 * The phase clock: a deadline counts the time a worker held the node's job, not the wall clock
 * since the phase began, so Hangar being down (every worker killed, Postgres restarting) never
 * fails a node. The node row carries the clock: `phaseUsedMs`, the deadline time used up to
 * `phaseClockAt`. Entering a phase sets both (0, now); the job's holder renews the clock at
 * least every PHASE_CLOCK_RENEW_MS (used += now − clockAt, clockAt = now). Time since the last
 * renewal counts only up to PHASE_CLOCK_LEASE_MS: a holder that died stops renewing, so the
 * gap until a new worker resumes the job counts for at most the lease, and anything beyond it
 * was time nobody held the job. A run that hands its slot back on purpose (a booting machine)
 * is followed by the next job within the lease, so the machine's time keeps counting.
 */
import type { NodeErrorCode } from '@hangar/domain/node-errors';
import type { Phase } from '@hangar/domain/phases';
import type { ProviderErrorCode } from '@hangar/domain/provider-errors';

/** Re-check the connection and the live catalog. */
export const VALIDATING_DEADLINE_MS = 60_000;
/** Find or create the server (POST /servers, with retries). */
export const CREATING_SERVER_DEADLINE_MS = 2 * 60_000;
/** The create and start actions (Hetzner: typically 30–60 s). */
export const WAITING_FOR_SERVER_DEADLINE_MS = 10 * 60_000;
/** From a running server to the bootstrap's registration call (cloud-init, package installs). */
export const PROVISIONING_DEADLINE_MS = 10 * 60_000;
/** From registration to the first healthy heartbeat. */
export const WAITING_FOR_READINESS_DEADLINE_MS = 5 * 60_000;
/** Delete the server and wait for the provider to confirm it. */
export const RELEASING_DEADLINE_MS = 10 * 60_000;

/** The phases that have a deadline, with its default in milliseconds (scale 1). */
export const PHASE_DEADLINES_MS = {
  VALIDATING: VALIDATING_DEADLINE_MS,
  CREATING_SERVER: CREATING_SERVER_DEADLINE_MS,
  WAITING_FOR_SERVER: WAITING_FOR_SERVER_DEADLINE_MS,
  PROVISIONING: PROVISIONING_DEADLINE_MS,
  WAITING_FOR_READINESS: WAITING_FOR_READINESS_DEADLINE_MS,
  RELEASING: RELEASING_DEADLINE_MS,
} as const satisfies Partial<Record<Phase, number>>;

/** A phase with a deadline. */
export type TimedPhase = keyof typeof PHASE_DEADLINES_MS;

/** The code a timed-out phase fails with: the provider was too slow, or the machine was. */
export const PHASE_TIMEOUT_CODES: Readonly<Record<TimedPhase, ProviderErrorCode | NodeErrorCode>> = {
  VALIDATING: 'PROVIDER_TIMEOUT',
  CREATING_SERVER: 'PROVIDER_TIMEOUT',
  WAITING_FOR_SERVER: 'PROVIDER_TIMEOUT',
  PROVISIONING: 'NODE_BOOTSTRAP_TIMEOUT',
  WAITING_FOR_READINESS: 'NODE_READINESS_TIMEOUT',
  RELEASING: 'PROVIDER_TIMEOUT',
};

/** Whether `phase` has a deadline. */
export function isTimedPhase(phase: Phase): phase is TimedPhase {
  return Object.hasOwn(PHASE_DEADLINES_MS, phase);
}

/** The deadline of `phase` in milliseconds at this scale; null for phases without one. */
export function phaseDeadlineMs(phase: Phase, scale: number): number | null {
  if (!isTimedPhase(phase)) return null;
  return Math.max(1, Math.round(PHASE_DEADLINES_MS[phase] * scale));
}

/** A running holder brings the phase clock up to date this often. */
export const PHASE_CLOCK_RENEW_MS = 2_000;
/** Time after the last renewal that still counts: longer than a renewal period plus a hand-back (follow-up job start and poll). */
export const PHASE_CLOCK_LEASE_MS = 5_000;

/** The phase clock of a node (Node.phaseUsedMs, Node.phaseClockAt). */
export interface PhaseClock {
  phaseUsedMs: number;
  phaseClockAt: Date;
}

/** Deadline time the phase has used at `now`: the stored time plus at most one lease since the last renewal. */
export function phaseUsedMs(clock: PhaseClock, now: number = Date.now()): number {
  const sinceRenewal = Math.min(PHASE_CLOCK_LEASE_MS, Math.max(0, now - clock.phaseClockAt.getTime()));
  return clock.phaseUsedMs + sinceRenewal;
}

/** Milliseconds left in the phase at `now` (negative once past); +Infinity for phases without a deadline. */
export function msLeftInPhase(phase: Phase, clock: PhaseClock, scale: number, now: number = Date.now()): number {
  const deadline = phaseDeadlineMs(phase, scale);
  return deadline === null ? Number.POSITIVE_INFINITY : deadline - phaseUsedMs(clock, now);
}
