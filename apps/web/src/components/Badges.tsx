import type { CredentialStatus, NodePhase } from '../graphql/generated/graphql.ts';
import { phaseTone } from '../phases.ts';
import { CREDENTIAL_LABELS, PHASE_LABELS } from '../words.ts';

const CREDENTIAL_TONES: Record<CredentialStatus, string> = {
  VALID: 'success',
  UNCHECKED: 'muted',
  INVALID: 'danger',
  READ_ONLY: 'warning',
  UNREACHABLE: 'warning',
  RATE_LIMITED: 'warning',
};

/** A connection's credential status; the enum value is in data-status for scripts and tests. */
export function CredentialBadge({ status }: { status: CredentialStatus }) {
  return (
    <span className={`badge badge-${CREDENTIAL_TONES[status]}`} data-status={status}>
      {CREDENTIAL_LABELS[status]}
    </span>
  );
}

/** A node's phase; a moving phase pulses. */
export function PhaseBadge({ phase }: { phase: NodePhase }) {
  const tone = phaseTone(phase);
  return (
    <span className={`badge badge-${tone === 'progress' ? 'info' : tone}${tone === 'progress' ? ' badge-pulse' : ''}`} data-phase={phase}>
      {PHASE_LABELS[phase]}
    </span>
  );
}
