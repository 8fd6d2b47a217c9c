import { HAPPY_PATH, isAcquisitionPhase, TRANSITIONS } from '@hangar/domain/phases';
import type { NodePhase } from './graphql/generated/graphql.ts';

/** The phases of a successful acquisition, in order (the timeline's steps). */
export const ACQUISITION_STEPS: readonly NodePhase[] = HAPPY_PATH;

/** How a phase badge looks: still moving, done well, done badly, or gone. */
export type PhaseTone = 'progress' | 'success' | 'danger' | 'muted';

export function phaseTone(phase: NodePhase): PhaseTone {
  if (phase === 'READY') return 'success';
  if (phase === 'FAILED') return 'danger';
  if (phase === 'CANCELLED' || phase === 'RELEASED') return 'muted';
  return 'progress';
}

/** What the rules below need of a node. */
interface NodeState { phase: NodePhase; canRelease: boolean; archivedAt: string | null }

/** Phases in which a node rests for good unless a person acts (READY is at rest but working). */
const ENDED: readonly NodePhase[] = ['FAILED', 'CANCELLED', 'RELEASED'];

/**
 * Whether the node no longer holds a server: it ended (failed, cancelled, released) and the API
 * says there is nothing to release. Its addresses are then history, its health meaningless.
 */
export function withoutServer(node: NodeState): boolean {
  return ENDED.includes(node.phase) && !node.canRelease;
}

/**
 * The actions a person may take on a node now: cancel while acquiring, retry = FAILED → QUEUED
 * (the domain's transition table), release only when the API says a server exists to delete
 * (canRelease), archive a node at rest that holds no server and is still listed. The API has
 * the last word and answers CONFLICT if the node moved on meanwhile.
 */
export function nodeActions(node: NodeState): { cancel: boolean; retry: boolean; release: boolean; archive: boolean } {
  return {
    cancel: isAcquisitionPhase(node.phase),
    retry: TRANSITIONS[node.phase].includes('QUEUED'),
    release: node.canRelease,
    archive: withoutServer(node) && node.archivedAt === null,
  };
}
