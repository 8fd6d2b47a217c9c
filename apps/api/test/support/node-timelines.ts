// Node rows and timelines written straight to the database, the way createNode and the worker
// write them (appendEvent in a transaction), for tests of the streaming side. Tests only: in
// Hangar, nodes are created by packages/core/src/nodes.ts through a provider connection.
import type { Db } from '@hangar/db/client';
import type { EventKind, NodePhase } from '@hangar/db/generated/prisma/enums';
import { appendEvent } from '@hangar/core/event-log';

export const HAPPY_PATH: NodePhase[] = ['QUEUED', 'VALIDATING', 'CREATING_SERVER', 'WAITING_FOR_SERVER', 'PROVISIONING', 'WAITING_FOR_READINESS', 'READY'];

export interface TimelineStep {
  phase: NodePhase;
  kind: EventKind;
  message: string;
  progress?: number;
  attempt?: number;
  error?: { code: string; message: string; retryable: boolean };
}

let nameCounter = 0;

/** A provider connection row for an organization (the token is a placeholder; nothing calls the provider). */
export async function createConnectionRow(db: Db, organizationId: string, name = 'sandbox'): Promise<string> {
  const connection = await db.providerConnection.create({
    data: { organizationId, name, kind: 'HETZNER', apiEndpoint: 'http://127.0.0.1:1/v1', tokenSealed: 'sealed', tokenKeyId: 'k', tokenHint: '…abcd', tokenFingerprint: 'f'.repeat(16) },
  });
  return connection.id;
}

/** A node row in QUEUED with no event yet. */
export async function createNodeRow(db: Db, organizationId: string, providerConnectionId: string, name?: string): Promise<string> {
  nameCounter += 1;
  const node = await db.node.create({
    data: { organizationId, providerConnectionId, name: name ?? `node-${process.pid}-${nameCounter}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' },
  });
  return node.id;
}

/** Appends one step in its own transaction; a PHASE_ENTERED step also moves the node's phase. */
export async function appendStep(db: Db, nodeId: string, step: TimelineStep): Promise<number> {
  const nodeUpdate = step.kind === 'PHASE_ENTERED'
    ? { phase: step.phase, phaseEnteredAt: new Date(), ...(step.phase === 'READY' ? { readyAt: new Date(), ipv4: '203.0.113.10', ipv6: '2001:db8::10' } : {}), ...(step.error ? { error: step.error } : {}) }
    : {};
  const { seq } = await db.$transaction((tx) => appendEvent(tx, nodeId, { phase: step.phase, kind: step.kind, message: step.message, progress: step.progress, attempt: step.attempt, error: step.error }, nodeUpdate));
  return seq;
}

/** Shorthand for a PHASE_ENTERED step. */
export const enter = (phase: NodePhase, error?: TimelineStep['error']): TimelineStep => ({ phase, kind: 'PHASE_ENTERED', message: `entered ${phase}`, ...(error ? { error } : {}) });

/**
 * A realistic acquisition timeline: the happy path with PROGRESS steps while waiting for the
 * server and, every so often, a RETRY; or one that fails while creating the server.
 */
export function realisticTimeline(options: { progressSteps?: number; retries?: number; failWith?: string } = {}): TimelineStep[] {
  const steps: TimelineStep[] = [enter('QUEUED'), enter('VALIDATING'), enter('CREATING_SERVER')];
  for (let attempt = 1; attempt <= (options.retries ?? 0); attempt += 1) {
    steps.push({ phase: 'CREATING_SERVER', kind: 'RETRY', message: 'provider rate limited; waiting', attempt, error: { code: 'PROVIDER_RATE_LIMITED', message: 'rate limited', retryable: true } });
  }
  if (options.failWith) {
    const error = { code: options.failWith, message: 'the provider refused the server', retryable: false };
    steps.push({ phase: 'CREATING_SERVER', kind: 'ERROR', message: error.message, error });
    steps.push(enter('FAILED', error));
    return steps;
  }
  steps.push(enter('WAITING_FOR_SERVER'));
  const progressSteps = options.progressSteps ?? 4;
  for (let i = 1; i <= progressSteps; i += 1) steps.push({ phase: 'WAITING_FOR_SERVER', kind: 'PROGRESS', message: 'creating server', progress: Math.round((100 * i) / progressSteps) });
  steps.push(enter('PROVISIONING'), { phase: 'PROVISIONING', kind: 'INFO', message: 'machine registered' }, enter('WAITING_FOR_READINESS'), enter('READY'));
  return steps;
}

/** Writes a whole timeline, one transaction per step, waiting `pauseMs()` between steps. */
export async function writeTimeline(db: Db, nodeId: string, steps: TimelineStep[], pauseMs: () => number = () => 0, onCommitted?: (seq: number, at: number) => void): Promise<number> {
  let seq = 0;
  for (const step of steps) {
    const pause = pauseMs();
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    seq = await appendStep(db, nodeId, step);
    onCommitted?.(seq, Date.now());
  }
  return seq;
}
