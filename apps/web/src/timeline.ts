import type { AcquisitionEventFieldsFragment as AcquisitionEvent, NodePhase } from './graphql/generated/graphql.ts';
import { isTerminalPhase } from '@hangar/domain/phases';
import { ACQUISITION_STEPS } from './phases.ts';

/** One phase on the timeline, from the event that entered it to the next phase. */
export interface TimelineStep {
  phase: NodePhase;
  /** seq of the PHASE_ENTERED event (unique key; a retried acquisition enters phases again). */
  seq: number;
  enteredAt: string;
  /** When the next phase began; null while this is the current one. */
  endedAt: string | null;
  message: string;
  /** Latest progress 0..100 reported in this phase (WAITING_FOR_SERVER), null if none. */
  progress: number | null;
  /** RETRY, ERROR and INFO events inside the phase, in order. */
  notes: AcquisitionEvent[];
  /** The acquisition attempt the step belongs to, when known. */
  attempt: number | null;
  /** The failure that entered this step (a FAILED step), shown by its title: the node's error notice has the message. */
  error: AcquisitionEvent['error'];
}

/** The timeline to draw: steps that happened, then the steps still to come. */
export interface Timeline {
  steps: TimelineStep[];
  upcoming: NodePhase[];
}

/**
 * Builds the timeline from a node's events (any order, no duplicates expected: the caller
 * keys them by seq). Events before the first PHASE_ENTERED open a step of their own phase.
 */
export function buildTimeline(events: readonly AcquisitionEvent[]): Timeline {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  const steps: TimelineStep[] = [];
  for (const event of ordered) {
    let current = steps.at(-1);
    if (event.kind === 'PHASE_ENTERED' || !current || current.phase !== event.phase) {
      if (current && current.endedAt === null) current.endedAt = event.at;
      current = { phase: event.phase, seq: event.seq, enteredAt: event.at, endedAt: null, message: event.message, progress: null, notes: [], attempt: event.attempt, error: event.kind === 'PHASE_ENTERED' ? event.error : null };
      steps.push(current);
      if (event.kind !== 'PHASE_ENTERED') current.notes.push(event);
    } else if (event.kind !== 'PROGRESS') {
      current.notes.push(event);
    }
    if (event.progress !== null) current.progress = event.progress;
  }
  const last = steps.at(-1);
  if (last && isTerminalPhase(last.phase)) last.endedAt = last.enteredAt;
  return { steps, upcoming: upcomingPhases(last?.phase ?? null) };
}

/** The acquisition phases still ahead of `current` (none once it ended or during a release). */
function upcomingPhases(current: NodePhase | null): NodePhase[] {
  if (current === 'RELEASING') return ['RELEASED'];
  if (current === null) return [...ACQUISITION_STEPS];
  const index = ACQUISITION_STEPS.indexOf(current);
  return index < 0 ? [] : ACQUISITION_STEPS.slice(index + 1);
}

/** The highest seq among `events` (0 when none): where a resumed stream continues. */
export function lastSeq(events: Iterable<AcquisitionEvent>): number {
  let max = 0;
  for (const event of events) if (event.seq > max) max = event.seq;
  return max;
}
