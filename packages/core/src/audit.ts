/**
 * Audit rows: who did what, with which API token. One row per user-initiated change (and per
 * on-demand check), written in the same transaction as the change when there is one.
 *
 * Invariant: an audit row never holds a secret. Details are flat, small and made of names,
 * kinds, endpoints, statuses and token hints; keys that name a secret are refused outright,
 * so a careless caller fails in its tests instead of leaking in production.
 */
import type { Prisma } from '@hangar/db/generated/prisma/client';
import type { Db } from '@hangar/db/client';

/** A flat value an audit detail may hold. */
export type AuditDetailValue = string | number | boolean | null;

/** What happened, to what, by whom. `apiTokenId` is null for Hangar's own actions (jobs, first run). */
export interface AuditEntry {
  organizationId: string;
  apiTokenId: string | null;
  /** `<target>.<verb>`, e.g. `provider_connection.create`. */
  action: string;
  /** The model the action touched, e.g. `ProviderConnection`. */
  targetType: string;
  targetId: string;
  details?: Record<string, AuditDetailValue>;
}

/**
 * Detail keys that would name a secret. `tokenHint` (the last 4 characters) is allowed; a
 * whole token under any of these names is not.
 */
const SECRET_DETAIL_KEYS = /^(token|secret|password|authorization|apitoken|providertoken|registrationtoken|nodecredential|tokensealed|credential)$/i;

/** Refuses detail keys that name a secret (a programming error, never a user's). */
export function assertNoSecretDetails(details: Record<string, AuditDetailValue>): void {
  for (const key of Object.keys(details)) {
    if (SECRET_DETAIL_KEYS.test(key)) throw new Error(`audit details must not carry a secret (key "${key}")`);
  }
}

/** Writes one audit row with the client or transaction given (use the change's transaction). */
export async function recordAudit(dbOrTx: Db | Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  const details = entry.details ?? {};
  assertNoSecretDetails(details);
  await dbOrTx.auditEvent.create({
    data: {
      organizationId: entry.organizationId,
      apiTokenId: entry.apiTokenId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      details,
    },
  });
}
