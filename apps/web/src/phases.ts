import { HAPPY_PATH, isAcquisitionPhase, TRANSITIONS } from '@hangar/domain/phases';
import type { NodePhase } from './graphql/generated/graphql.ts';

/** The phases of a successful acquisition, in order (the timeline's steps). */
export const ACQUISITION_STEPS: readonly NodePhase[] = HAPPY_PATH;

/** Words a person reads for each phase (one module has them all). */
export { PHASE_LABELS } from './words.ts';

/** How a phase badge looks: still moving, done well, done badly, or gone. */
export type PhaseTone = 'progress' | 'success' | 'danger' | 'muted';

export function phaseTone(phase: NodePhase): PhaseTone {
  if (phase === 'READY') return 'success';
  if (phase === 'FAILED') return 'danger';
  if (phase === 'CANCELLED' || phase === 'RELEASED') return 'muted';
  return 'progress';
}

/**
 * The actions a person may take on a node in this phase, from the domain's transition table
 * (cancel while acquiring, retry = FAILED → QUEUED, release = → RELEASING). The API has the
 * last word and answers CONFLICT if the node moved on meanwhile.
 */
export function nodeActions(phase: NodePhase): { cancel: boolean; retry: boolean; release: boolean } {
  return {
    cancel: isAcquisitionPhase(phase),
    retry: TRANSITIONS[phase].includes('QUEUED'),
    release: TRANSITIONS[phase].includes('RELEASING'),
  };
}
