/**
 * The stored catalog: what each provider connection's provider offers (locations, server types
 * with prices per location, images), kept in Postgres (ProviderCatalog, one row per connection)
 * so that reading it never calls the provider. The provider_health job and the refreshCatalog
 * mutation refresh it; createNode and the VALIDATING phase check a node against it, refreshing
 * once when the choice is not in it.
 *
 * Invariants:
 * - A catalog is served only for the token it was read with (the row carries the token's
 *   fingerprint): after a rotation the connection has no catalog until the next refresh.
 * - A refresh writes only when the connection still has the token it read with (one statement:
 *   INSERT ... SELECT guarded by the fingerprint), so a refresh racing a rotation cannot store
 *   the old token's catalog over the new one's.
 * - A failed refresh leaves the last good catalog in place. A refused token
 *   (PROVIDER_AUTH_FAILED) is also recorded on the connection (INVALID, with the diagnostic).
 * - A miss (no catalog, or a name not in it) refreshes at most once per
 *   CATALOG_MISS_REFRESH_MIN_AGE_MS per connection, and concurrent refreshes of one connection in
 *   this process share one provider read: made-up names cannot spend the provider's rate budget.
 */
import type { ProviderCatalog as CatalogRow, ProviderConnection } from '@hangar/db/generated/prisma/client';
import { HangarError } from '@hangar/domain/api-errors';
import { isProviderError } from '@hangar/providers/provider-error';
import type { CatalogImage, CatalogLocation, CatalogServerType, ProviderCatalog } from '@hangar/providers/provider';
import type { CoreDeps } from './deps.ts';
import { specProblem, type SpecProblem } from './node-spec.ts';
import { recordAudit } from './audit.ts';
import {
  CONNECTION_CHANGES_CHANNEL,
  INTERACTIVE_TUNING,
  getConnection,
  openConnectionAdapter,
  providerHangarError,
  recordCredentialCheck,
  type ConnectionActor,
  type ConnectionChangeNotice,
} from './provider-connections.ts';

/** A miss refreshes the catalog only when the stored one is at least this old. */
export const CATALOG_MISS_REFRESH_MIN_AGE_MS = 60_000;

/** A catalog as stored: the provider's offer and when it was read. */
export type StoredCatalog = ProviderCatalog & { fetchedAt: Date };

/** What a refresh needs of a connection row. */
export type CatalogConnection = Pick<ProviderConnection, 'id' | 'organizationId' | 'kind' | 'apiEndpoint' | 'tokenSealed' | 'tokenFingerprint'>;

/** Refreshes in flight in this process, by connection id and token fingerprint. */
const inflight = new Map<string, Promise<StoredCatalog | null>>();

/** The stored row as a catalog, or null when it belongs to another token than `tokenFingerprint`. */
export function catalogOfRow(row: Pick<CatalogRow, 'tokenFingerprint' | 'locations' | 'serverTypes' | 'images' | 'fetchedAt'> | null, tokenFingerprint: string): StoredCatalog | null {
  if (row === null || row.tokenFingerprint !== tokenFingerprint) return null;
  return {
    locations: row.locations as CatalogLocation[],
    serverTypes: row.serverTypes as CatalogServerType[],
    images: row.images as CatalogImage[],
    fetchedAt: row.fetchedAt,
  };
}

/** The connection's stored catalog for its current token, or null. One SQL statement, no provider call. */
export async function readStoredCatalog(deps: CoreDeps, connection: Pick<ProviderConnection, 'id' | 'tokenFingerprint'>): Promise<StoredCatalog | null> {
  const row = await deps.db.providerCatalog.findUnique({ where: { providerConnectionId: connection.id } });
  return catalogOfRow(row, connection.tokenFingerprint);
}

async function readAndStore(deps: CoreDeps, connection: CatalogConnection, signal: AbortSignal | undefined): Promise<StoredCatalog | null> {
  let catalog: ProviderCatalog;
  try {
    catalog = await openConnectionAdapter(deps, connection, INTERACTIVE_TUNING).readCatalog({ signal });
  } catch (error) {
    if (!isProviderError(error)) throw error;
    if (error.code === 'PROVIDER_AUTH_FAILED') {
      await recordCredentialCheck(deps, connection.id, { status: 'INVALID', error: error.info }, { tokenFingerprint: connection.tokenFingerprint });
    }
    deps.log.info({ connectionId: connection.id, organizationId: connection.organizationId, errorCode: error.code }, 'provider catalog refresh failed; the last good catalog stays');
    throw providerHangarError(error.info, error.retryAfterMs);
  }
  const fetchedAt = new Date();
  const notice: ConnectionChangeNotice = { connectionId: connection.id, organizationId: connection.organizationId };
  const [stored] = await deps.db.$transaction([
    deps.db.$executeRaw`
      INSERT INTO "ProviderCatalog" ("providerConnectionId", "tokenFingerprint", "locations", "serverTypes", "images", "fetchedAt")
      SELECT "id", "tokenFingerprint", ${JSON.stringify(catalog.locations)}::jsonb, ${JSON.stringify(catalog.serverTypes)}::jsonb, ${JSON.stringify(catalog.images)}::jsonb, ${fetchedAt}
      FROM "ProviderConnection" WHERE "id" = ${connection.id}::uuid AND "tokenFingerprint" = ${connection.tokenFingerprint}
      ON CONFLICT ("providerConnectionId") DO UPDATE SET
        "tokenFingerprint" = EXCLUDED."tokenFingerprint", "locations" = EXCLUDED."locations", "serverTypes" = EXCLUDED."serverTypes",
        "images" = EXCLUDED."images", "fetchedAt" = EXCLUDED."fetchedAt"`,
    deps.db.$executeRaw`SELECT pg_notify(${CONNECTION_CHANGES_CHANNEL}, ${JSON.stringify(notice)})`,
  ]);
  if (stored === 0) return null; // rotated or deleted while reading: this catalog belongs to no current token
  deps.log.info(
    { connectionId: connection.id, organizationId: connection.organizationId, locations: catalog.locations.length, serverTypes: catalog.serverTypes.length, images: catalog.images.length },
    'provider catalog refreshed',
  );
  return { ...catalog, fetchedAt };
}

/**
 * Reads the catalog from the provider now and stores it. Fails with a HangarError carrying the
 * PROVIDER_* code (the stored catalog is kept); returns null when the connection was rotated or
 * deleted meanwhile.
 */
export function refreshCatalog(deps: CoreDeps, connection: CatalogConnection, options: { signal?: AbortSignal } = {}): Promise<StoredCatalog | null> {
  const key = `${connection.id}#${connection.tokenFingerprint}`;
  const running = inflight.get(key);
  if (running) return running;
  const refresh = readAndStore(deps, connection, options.signal).finally(() => inflight.delete(key));
  inflight.set(key, refresh);
  return refresh;
}

function rotatedMeanwhile(): HangarError {
  return new HangarError('CONFLICT', 'the provider connection’s token changed while its catalog was read; try again');
}

/**
 * refreshCatalog for a caller: the caller's connection (NOT_FOUND otherwise), read now, stored,
 * audited. Returns the connection as it is after the refresh (a refused token shows in its
 * credentialStatus; the error is thrown as the PROVIDER_* HangarError).
 */
export async function refreshConnectionCatalog(deps: CoreDeps, actor: ConnectionActor, id: string): Promise<ProviderConnection> {
  const connection = await getConnection(deps, actor.organizationId, id);
  const audit = (outcome: string) =>
    recordAudit(deps.db, {
      organizationId: actor.organizationId,
      apiTokenId: actor.apiTokenId,
      action: 'provider_connection.refresh_catalog',
      targetType: 'ProviderConnection',
      targetId: id,
      details: { name: connection.name, outcome },
    });
  let fresh: StoredCatalog | null;
  try {
    fresh = await refreshCatalog(deps, connection);
  } catch (error) {
    if (error instanceof HangarError) await audit(error.code);
    throw error;
  }
  if (fresh === null) throw rotatedMeanwhile();
  await audit('REFRESHED');
  return getConnection(deps, actor.organizationId, id);
}

/**
 * The catalog to check a node's choice against, and the first problem with the choice (or
 * null). Uses the stored catalog; refreshes it once when there is none, or when the choice is
 * not in it and it is older than CATALOG_MISS_REFRESH_MIN_AGE_MS. Provider failures of that
 * refresh are HangarErrors with the PROVIDER_* code. A connection read with its catalog
 * (`include: { catalog: true }`, one statement with relationJoins) is not read again.
 */
export async function checkAgainstCatalog(
  deps: CoreDeps,
  connection: CatalogConnection & { catalog?: CatalogRow | null },
  spec: { serverType: string; location: string; image: string },
  options: { signal?: AbortSignal } = {},
): Promise<{ catalog: StoredCatalog; problem: SpecProblem | null }> {
  const stored = connection.catalog === undefined ? await readStoredCatalog(deps, connection) : catalogOfRow(connection.catalog, connection.tokenFingerprint);
  if (stored !== null) {
    const problem = specProblem(stored, spec);
    if (problem === null || Date.now() - stored.fetchedAt.getTime() < CATALOG_MISS_REFRESH_MIN_AGE_MS) return { catalog: stored, problem };
  }
  const fresh = await refreshCatalog(deps, connection, options);
  if (fresh === null) throw rotatedMeanwhile();
  return { catalog: fresh, problem: specProblem(fresh, spec) };
}
