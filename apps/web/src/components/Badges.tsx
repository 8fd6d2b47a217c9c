import type { CredentialStatus, NodePhase } from '../graphql/generated/graphql.ts';
import { PHASE_LABELS, phaseTone } from '../phases.ts';

const CREDENTIAL_TONES: Record<CredentialStatus, string> = {
  VALID: 'success',
  UNCHECKED: 'muted',
  INVALID: 'danger',
  READ_ONLY: 'warning',
  UNREACHABLE: 'warning',
  RATE_LIMITED: 'warning',
};

const CREDENTIAL_LABELS: Record<CredentialStatus, string> = {
  VALID: 'Valid',
  UNCHECKED: 'Not checked yet',
  INVALID: 'Invalid token',
  READ_ONLY: 'Read-only token',
  UNREACHABLE: 'Unreachable',
  RATE_LIMITED: 'Rate limited',
};

/** A connection's credential status; the enum value is in data-status for scripts and tests. */
export function CredentialBadge({ status }: { status: CredentialStatus }) {
  return (
    <span className={`badge badge-${CREDENTIAL_TONES[status]}`} data-status={status} title={status}>
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
