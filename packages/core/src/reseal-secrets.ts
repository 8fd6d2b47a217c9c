/**
 * Key rotation, step 2: re-encrypts every stored provider token, and every node's own user
 * data (Node.userDataSealed), that is not under the current key. Step 1 is configuration: set the new key as HANGAR_SECRET_KEY and list the old one in
 * HANGAR_SECRET_KEYS_PREVIOUS (so old values still open). Once this reports nothing failed,
 * the old key can be dropped.
 *
 * Each row is updated with a compare-and-set on its sealed value, so a token rotated by a
 * person meanwhile is never overwritten with the older token. Plaintext lives only inside
 * keyring.reseal(); failures name key ids, never keys or tokens.
 */
import { SecretError, sealedKeyId } from './secrets.ts';
import type { CoreDeps } from './deps.ts';

/** Rows read per batch. */
export const RESEAL_BATCH_SIZE = 100;

/** A row that could not be resealed, and why (no secret in it). */
export interface ResealFailure {
  connectionId: string;
  keyId: string | null;
  reason: string;
}

export interface ResealReport {
  /** Rows looked at. */
  scanned: number;
  /** Rows re-encrypted under the current key. */
  resealed: number;
  /** Rows already under the current key. */
  current: number;
  /** Rows changed by someone else while this ran (they are under the current key now). */
  skipped: number;
  failed: ResealFailure[];
  /** The key every resealed row is under now. */
  currentKeyId: string;
  /** The same for nodes' user data (only nodes that have some). */
  userData: { scanned: number; resealed: number; current: number; skipped: number; failed: Array<{ nodeId: string; keyId: string | null; reason: string }> };
}

/** Re-encrypts every provider token not sealed under `deps.keyring`'s current key. */
export async function resealAll(deps: Pick<CoreDeps, 'db' | 'keyring' | 'log'>): Promise<ResealReport> {
  const { keyring } = deps;
  const report: ResealReport = {
    scanned: 0,
    resealed: 0,
    current: 0,
    skipped: 0,
    failed: [],
    currentKeyId: keyring.currentKeyId,
    userData: { scanned: 0, resealed: 0, current: 0, skipped: 0, failed: [] },
  };
  let after: string | undefined;
  for (;;) {
    const rows = await deps.db.providerConnection.findMany({
      select: { id: true, tokenSealed: true },
      orderBy: { id: 'asc' },
      take: RESEAL_BATCH_SIZE,
      ...(after === undefined ? {} : { cursor: { id: after }, skip: 1 }),
    });
    if (rows.length === 0) break;
    after = rows.at(-1)?.id;
    for (const row of rows) {
      report.scanned += 1;
      let stale: boolean;
      let resealed: string;
      try {
        stale = keyring.needsReseal(row.tokenSealed);
        if (!stale) {
          report.current += 1;
          continue;
        }
        resealed = keyring.reseal(row.tokenSealed);
      } catch (error) {
        if (!(error instanceof SecretError)) throw error;
        report.failed.push({ connectionId: row.id, keyId: error.keyId, reason: error.message });
        continue;
      }
      const updated = await deps.db.providerConnection.updateMany({
        where: { id: row.id, tokenSealed: row.tokenSealed },
        data: { tokenSealed: resealed, tokenKeyId: sealedKeyId(resealed) },
      });
      if (updated.count === 1) report.resealed += 1;
      else report.skipped += 1;
    }
  }
  await resealUserData(deps, report.userData);
  deps.log.info(
    { userData: { ...report.userData, failed: report.userData.failed.length }, scanned: report.scanned, resealed: report.resealed, current: report.current, skipped: report.skipped, failed: report.failed.length, currentKeyId: report.currentKeyId },
    'provider tokens resealed',
  );
  return report;
}

/** Re-encrypts nodes' user data not under the current key (compare-and-set, as above). */
async function resealUserData(deps: Pick<CoreDeps, 'db' | 'keyring'>, report: ResealReport['userData']): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const rows = await deps.db.node.findMany({
      where: { userDataSealed: { not: null } },
      select: { id: true, userDataSealed: true },
      orderBy: { id: 'asc' },
      take: RESEAL_BATCH_SIZE,
      ...(after === undefined ? {} : { cursor: { id: after }, skip: 1 }),
    });
    if (rows.length === 0) return;
    after = rows.at(-1)?.id;
    for (const row of rows) {
      const sealed = row.userDataSealed;
      if (sealed === null) continue;
      report.scanned += 1;
      let resealed: string;
      try {
        if (!deps.keyring.needsReseal(sealed)) {
          report.current += 1;
          continue;
        }
        resealed = deps.keyring.reseal(sealed);
      } catch (error) {
        if (!(error instanceof SecretError)) throw error;
        report.failed.push({ nodeId: row.id, keyId: error.keyId, reason: error.message });
        continue;
      }
      const updated = await deps.db.node.updateMany({ where: { id: row.id, userDataSealed: sealed }, data: { userDataSealed: resealed } });
      if (updated.count === 1) report.resealed += 1;
      else report.skipped += 1;
    }
  }
}
