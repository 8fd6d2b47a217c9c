/**
 * Provider connections: a provider account reached with the user's API token (a bearer
 * token). The use cases behind the GraphQL mutations and queries, the periodic health check
 * and the acquisition engine.
 *
 * Invariants:
 * - The token is sealed (AES-256-GCM, secrets.ts) before it is stored and opened only in
 *   memory, inside a provider adapter, while calling the provider. It never reaches a return
 *   value, an error, a log line, an audit row or a notification. Errors about a token describe
 *   it (length, whitespace) and never echo it.
 * - Credential status comes only from a live call (adapter.validateCredentials); the token's
 *   shape is checked only to refuse input that cannot be a token, before any call.
 * - A credential check is recorded only for the token it checked: a check that raced with a
 *   rotation is dropped (compare-and-set on the token fingerprint).
 * - Every credential status write sends NOTIFY on CONNECTION_CHANGES_CHANNEL in the same
 *   transaction, so listeners hear of it only once it is committed.
 * - Everything reachable by id is scoped to the caller's organization: another organization's
 *   id, or a malformed one, is NOT_FOUND.
 */
import { randomUUID } from 'node:crypto';
import { Prisma, type ProviderConnection } from '@hangar/db/generated/prisma/client';
import type { NodePhase } from '@hangar/db/generated/prisma/enums';
import { HangarError } from '@hangar/domain/api-errors';
import { displayTextProblem, hasUnsafeChars } from '@hangar/domain/text-rules';
import type { ProviderErrorInfo } from '@hangar/domain/provider-errors';
import type { CredentialCheck, ProviderAdapter, ProviderKind } from '@hangar/providers/provider';
import { providerError } from '@hangar/providers/provider-error';
import { DEFAULT_API_ENDPOINTS, createProviderAdapter, isProviderKind, providerProfile, type AdapterTuning } from '@hangar/providers/registry';
import { recordAudit, type AuditDetailValue } from './audit.ts';
import type { CoreDeps } from './deps.ts';
import { allowedEntry, assertEndpointAllowed } from './provider-endpoints.ts';
import { sealedKeyId, tokenFingerprint, tokenHint } from './secrets.ts';
import { CONNECTION_ID_LABEL } from './server-labels.ts';

/** Postgres channel announcing a committed change of a connection (payload: ConnectionChangeNotice). */
export const CONNECTION_CHANGES_CHANNEL = 'hangar_connection_changes';
/** Longest connection name, in characters. */
export const CONNECTION_NAME_MAX_CHARS = 64;
/**
 * Tuning for checks a person waits for (create, rotate, validate, catalog): a shorter request
 * timeout, and no long wait for the request budget (an empty budget is RATE_LIMITED now).
 */
export const INTERACTIVE_TUNING: AdapterTuning = { requestTimeoutMs: 10_000, maxRateLimitWaitMs: 2_000 };

/** Node phases in which a node holds nothing at the provider (unless providerServerId says otherwise). */
const FINISHED_NODE_PHASES: NodePhase[] = ['RELEASED', 'FAILED', 'CANCELLED'];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who acts: the caller's organization and API token (null for Hangar's own jobs). */
export interface ConnectionActor {
  organizationId: string;
  apiTokenId: string | null;
}

/** The actor for an authenticated API principal. */
export function actorOf(principal: { organizationId: string; tokenId: string }): ConnectionActor {
  return { organizationId: principal.organizationId, apiTokenId: principal.tokenId };
}

/** What createConnection takes. `token` is write-only: it is never returned. */
export interface CreateConnectionInput {
  name: string;
  kind: string;
  token: string;
  /** Default: the provider's public API (DEFAULT_API_ENDPOINTS). */
  apiEndpoint?: string | null;
}

/** The NOTIFY payload on CONNECTION_CHANGES_CHANNEL: ids only; read the row for the state. */
export interface ConnectionChangeNotice {
  connectionId: string;
  organizationId: string;
}

/** What opening an adapter needs of a connection row. */
export type ConnectionSecretFields = Pick<ProviderConnection, 'id' | 'kind' | 'apiEndpoint' | 'tokenSealed'>;

/** Prisma `select`/`include` from a GraphQL resolver, passed through to the read. */
export type ConnectionQuery = { select?: Prisma.ProviderConnectionSelect; include?: Prisma.ProviderConnectionInclude };

type Tx = Prisma.TransactionClient;

// ---------------------------------------------------------------------------------------------
// Input rules

function parseKind(kind: string): ProviderKind {
  if (!isProviderKind(kind)) throw new HangarError('VALIDATION_FAILED', `unknown provider kind; supported: ${Object.keys(DEFAULT_API_ENDPOINTS).join(', ')}`, { field: 'kind' });
  return kind;
}

/** The name to store: trimmed, 1–64 characters, no control, invisible or bidi characters. */
export function normaliseName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw new HangarError('VALIDATION_FAILED', 'name must not be empty', { field: 'name' });
  if (name.length > CONNECTION_NAME_MAX_CHARS) {
    throw new HangarError('VALIDATION_FAILED', `name must be at most ${CONNECTION_NAME_MAX_CHARS} characters (got ${name.length})`, { field: 'name' });
  }
  const problem = displayTextProblem(name);
  if (problem !== null) throw new HangarError('VALIDATION_FAILED', `name ${problem}`, { field: 'name' });
  return name;
}

/**
 * The token as it will be sent: trimmed, refused when it cannot be a token of this kind. The
 * messages describe the token (length, whitespace) and never echo it.
 */
export function normaliseToken(kind: ProviderKind, raw: string): string {
  const token = raw.trim();
  const field = { field: 'token' };
  const profile = providerProfile(kind);
  if (token === '') {
    throw new HangarError('VALIDATION_FAILED', `token is empty: ${profile.tokenGuidance}`, field);
  }
  if (/\s/.test(token)) {
    throw new HangarError('VALIDATION_FAILED', 'token contains whitespace (a space or line break inside it): paste the token as one piece', field);
  }
  if (hasUnsafeChars(token)) {
    throw new HangarError('VALIDATION_FAILED', `token contains control characters: paste the token itself, as ${profile.displayName} shows it`, field);
  }
  // The provider's token shape (length, what a truncated copy looks like): its profile says.
  const problem = profile.tokenShapeProblem(token);
  if (problem !== null) throw new HangarError('VALIDATION_FAILED', problem, field);
  return token;
}

/** The endpoint to store: trimmed, without trailing slashes, the kind's public API when empty. */
export function normaliseEndpoint(kind: ProviderKind, raw: string | null | undefined): string {
  const value = raw?.trim() ?? '';
  if (value === '') return DEFAULT_API_ENDPOINTS[kind];
  const field = { field: 'apiEndpoint' };
  const example = `e.g. ${DEFAULT_API_ENDPOINTS[kind]}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value is not echoed: people paste tokens into the wrong field.
    throw new HangarError('VALIDATION_FAILED', `apiEndpoint is not a URL (${example})`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HangarError('VALIDATION_FAILED', `apiEndpoint must be an http(s) URL (${example})`, field);
  if (url.username !== '' || url.password !== '') {
    throw new HangarError('VALIDATION_FAILED', 'apiEndpoint must not contain credentials; the token goes in the token field', field);
  }
  return value.replace(/\/+$/, '');
}

function notFound(id: string): HangarError {
  return new HangarError('NOT_FOUND', UUID_RE.test(id) ? `no provider connection ${id} in your organization` : 'no provider connection with that id in your organization');
}

function nameTaken(name: string): HangarError {
  return new HangarError('CONFLICT', `a provider connection named "${name}" already exists in your organization; choose another name`, { field: 'name' });
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

// ---------------------------------------------------------------------------------------------
// Reads

/** The organization's connections, oldest first. */
export async function listConnections(deps: CoreDeps, organizationId: string, query: ConnectionQuery = {}): Promise<ProviderConnection[]> {
  return deps.db.providerConnection.findMany({ ...query, where: { organizationId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }) as Promise<ProviderConnection[]>;
}

/** One connection of the organization; NOT_FOUND for another organization's id or a malformed one. */
export async function getConnection(deps: CoreDeps, organizationId: string, id: string, query: ConnectionQuery = {}): Promise<ProviderConnection> {
  if (!UUID_RE.test(id)) throw notFound(id);
  const connection = (await deps.db.providerConnection.findFirst({ ...query, where: { id, organizationId } })) as ProviderConnection | null;
  if (!connection) throw notFound(id);
  return connection;
}

// ---------------------------------------------------------------------------------------------
// Adapters and credential checks

function adapterFor(connection: Pick<ProviderConnection, 'id' | 'kind' | 'apiEndpoint'>, token: string, tuning: AdapterTuning = {}): ProviderAdapter {
  return createProviderAdapter({ kind: connection.kind, apiEndpoint: connection.apiEndpoint, token, connectionId: connection.id, ...tuning });
}

/**
 * The provider adapter of a connection. Opens the sealed token in memory only; the adapter
 * keeps it in closures. Used by the acquisition engine and by every check here.
 */
export function openConnectionAdapter(deps: CoreDeps, connection: ConnectionSecretFields, tuning: AdapterTuning = {}): ProviderAdapter {
  // The allow-list is checked again before every use of a stored connection (the worker's jobs,
  // the API's reads): an endpoint stored before the operator narrowed it is never called.
  if (allowedEntry(deps.config, connection.kind, connection.apiEndpoint) === null) return refusingAdapter(connection.kind);
  return adapterFor(connection, deps.keyring.open(connection.tokenSealed), tuning);
}

/** An adapter whose every call fails PROVIDER_ENDPOINT_NOT_ALLOWED without sending anything. */
function refusingAdapter(kind: ProviderConnection['kind']): ProviderAdapter {
  const refuse = async (): Promise<never> => {
    throw providerError('PROVIDER_ENDPOINT_NOT_ALLOWED');
  };
  return new Proxy({ kind } as ProviderAdapter, {
    get: (target, property) => (property === 'kind' ? target.kind : property === 'then' ? undefined : refuse),
  });
}

function checkColumns(check: CredentialCheck) {
  return {
    credentialStatus: check.status,
    credentialCheckedAt: new Date(),
    credentialError: check.error === null ? Prisma.DbNull : (check.error as Prisma.InputJsonObject),
  };
}

async function announce(tx: Tx, connection: { id: string; organizationId: string }): Promise<void> {
  const notice: ConnectionChangeNotice = { connectionId: connection.id, organizationId: connection.organizationId };
  await tx.$executeRaw`SELECT pg_notify(${CONNECTION_CHANGES_CHANNEL}, ${JSON.stringify(notice)})`;
}

/** Writes a check inside `tx` (compare-and-set on the token when a fingerprint is given). */
async function writeCredentialCheck(tx: Tx, connectionId: string, check: CredentialCheck, expectedFingerprint?: string): Promise<ProviderConnection | null> {
  const [updated] = await tx.providerConnection.updateManyAndReturn({
    where: { id: connectionId, ...(expectedFingerprint === undefined ? {} : { tokenFingerprint: expectedFingerprint }) },
    data: checkColumns(check),
  });
  if (!updated) return null;
  await announce(tx, updated);
  return updated;
}

/**
 * Records the outcome of a live credential check and announces it (one transaction). The
 * acquisition engine calls it with `{ status: 'INVALID', error }` when the provider answers
 * PROVIDER_AUTH_FAILED. With `tokenFingerprint`, the check is dropped when the token was
 * rotated meanwhile. Returns the updated connection, or null when it is gone (or was rotated).
 */
export async function recordCredentialCheck(
  deps: CoreDeps,
  connectionId: string,
  check: CredentialCheck,
  options: { tokenFingerprint?: string } = {},
): Promise<ProviderConnection | null> {
  if (!UUID_RE.test(connectionId)) return null;
  return deps.db.$transaction((tx) => writeCredentialCheck(tx, connectionId, check, options.tokenFingerprint));
}

function logCheck(deps: CoreDeps, connection: { id: string; organizationId: string }, check: CredentialCheck, reason: string): void {
  deps.log.info(
    { connectionId: connection.id, organizationId: connection.organizationId, credentialStatus: check.status, errorCode: check.error?.code ?? null, reason },
    'provider credentials checked',
  );
}

// ---------------------------------------------------------------------------------------------
// Use cases

/**
 * Creates a connection: validates the input (before any provider call), checks the token live,
 * then stores it sealed with the check's outcome, an audit row and a notification, in one
 * transaction. A bad token still creates the connection (status INVALID, with the diagnostic),
 * so the person can see why and rotate it.
 */
export async function createConnection(deps: CoreDeps, actor: ConnectionActor, input: CreateConnectionInput): Promise<ProviderConnection> {
  const kind = parseKind(input.kind);
  const name = normaliseName(input.name);
  const token = normaliseToken(kind, input.token);
  const apiEndpoint = normaliseEndpoint(kind, input.apiEndpoint);
  await assertEndpointAllowed(deps.config, kind, apiEndpoint);
  const existing = await deps.db.providerConnection.findFirst({ where: { organizationId: actor.organizationId, name }, select: { id: true } });
  if (existing) throw nameTaken(name);

  const id = randomUUID();
  const check = await adapterFor({ id, kind, apiEndpoint }, token, INTERACTIVE_TUNING).validateCredentials();
  const tokenSealed = deps.keyring.seal(token);
  const hint = tokenHint(token);
  try {
    const connection = await deps.db.$transaction(async (tx) => {
      const created = await tx.providerConnection.create({
        data: {
          id,
          organizationId: actor.organizationId,
          name,
          kind,
          apiEndpoint,
          tokenSealed,
          tokenKeyId: sealedKeyId(tokenSealed),
          tokenHint: hint,
          tokenFingerprint: tokenFingerprint(token),
          ...checkColumns(check),
        },
      });
      await recordAudit(tx, {
        organizationId: actor.organizationId,
        apiTokenId: actor.apiTokenId,
        action: 'provider_connection.create',
        targetType: 'ProviderConnection',
        targetId: id,
        details: { name, kind, apiEndpoint, tokenHint: hint, credentialStatus: check.status },
      });
      await announce(tx, created);
      return created;
    });
    logCheck(deps, connection, check, 'create');
    return connection;
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(name);
    throw error;
  }
}

/** Most servers named in a PROVIDER_TOKEN_CANNOT_MANAGE_SERVERS message. */
const UNSEEN_LISTED_MAX = 3;

function cannotManage(connection: Pick<ProviderConnection, 'name'>, why: string): HangarError {
  return new HangarError(
    'PROVIDER_TOKEN_CANNOT_MANAGE_SERVERS',
    `the new token was not stored: ${why}. Hangar would lose sight of servers that cost money. ` +
      `Use a Read & Write token of the provider project the servers of "${connection.name}" live in, or release its nodes first; the current token stays in force.`,
  );
}

/**
 * The rule of every credential change (docs/features/provider-connections.md, "Rotating a
 * token"): while the connection holds servers, the new token must be able to manage every one
 * of them, else Hangar could no longer see, release or clean them up and they would run on,
 * billed, unseen. The servers are those of its nodes that may hold one (their stored server
 * ids) and every server the current token finds by the connection's label; each is read by
 * id with the new token, which must also be allowed to write (credential check VALID: the
 * write probe passed). A 404 with the new token for a server the old token sees means the new
 * token belongs to another project. Throws PROVIDER_TOKEN_CANNOT_MANAGE_SERVERS; nothing is
 * changed then.
 */
async function assertTokenManagesServers(
  deps: CoreDeps,
  connection: ProviderConnection,
  newAdapter: ProviderAdapter,
  check: CredentialCheck,
): Promise<{ verified: Set<string> }> {
  const holding = await deps.db.node.findMany({
    where: { providerConnectionId: connection.id, OR: [{ phase: { notIn: FINISHED_NODE_PHASES } }, { providerServerId: { not: null } }] },
    select: { name: true, phase: true, providerServerId: true },
  });
  // A create request may be on its way with the current token: its server is not known yet, so it cannot be checked.
  const creating = holding.find((node) => node.phase === 'CREATING_SERVER');
  if (creating) throw cannotManage(connection, `node "${creating.name}" is creating its server right now, so not every server can be checked yet; rotate again once it has one (a few seconds)`);
  const serverIds = new Set(holding.flatMap((node) => (node.providerServerId ? [node.providerServerId] : [])));
  // Servers the current token sees by Hangar's label (a create whose id was never stored, an orphan the reconcile job has not deleted yet).
  let oldAdapter: ProviderAdapter | null = null;
  try {
    oldAdapter = openConnectionAdapter(deps, connection, INTERACTIVE_TUNING);
    for (const server of await oldAdapter.findServersByLabel({ [CONNECTION_ID_LABEL]: connection.id })) serverIds.add(server.id);
  } catch (error) {
    // The current token cannot list them (revoked, provider down): the stored ids still have to pass.
    deps.log.info({ connectionId: connection.id, err: error instanceof Error ? error.message : String(error) }, 'rotate: the current token could not list the servers');
  }
  if (serverIds.size === 0 && holding.length === 0) return { verified: serverIds };
  if (check.status !== 'VALID') {
    const answer = check.error ? `${check.error.code}: ${check.error.message}` : check.status;
    throw cannotManage(connection, `${holding.length} node${holding.length === 1 ? '' : 's'} of this connection may hold servers, and the new token cannot create and delete servers (${answer})`);
  }
  const unseen: string[] = [];
  for (const serverId of serverIds) {
    let seen: boolean;
    try {
      seen = (await newAdapter.readServer(serverId)) !== null;
    } catch (error) {
      const message = error instanceof HangarError ? `${error.code}: ${error.message}` : 'the provider did not answer';
      throw cannotManage(connection, `server ${serverId} could not be looked up with the new token (${message}), so it is not known that the token can manage it`);
    }
    if (!seen) unseen.push(serverId);
  }
  if (unseen.length > 0) {
    // Told apart for the message: a server the old token still sees lives in another project.
    let seenByOld = 0;
    if (oldAdapter) {
      for (const serverId of unseen.slice(0, UNSEEN_LISTED_MAX)) {
        try {
          if ((await oldAdapter.readServer(serverId)) !== null) seenByOld += 1;
        } catch {
          // Unknown: counted as not seen by the old token.
        }
      }
    }
    const listed = unseen.slice(0, UNSEEN_LISTED_MAX).join(', ') + (unseen.length > UNSEEN_LISTED_MAX ? ', …' : '');
    const where = seenByOld > 0 ? ' (the current token sees them: the new token belongs to another provider project)' : '';
    throw cannotManage(connection, `the new token does not see ${unseen.length === 1 ? 'server' : 'servers'} ${listed}${where}`);
  }
  return { verified: serverIds };
}

/**
 * Replaces the token of a connection. The new token is checked live first. While the
 * connection holds servers, the new token must manage every one of them
 * (assertTokenManagesServers), else the rotation is refused and nothing changes. Otherwise it
 * is stored with the check's outcome (a bad token is stored too, as INVALID, like on create).
 */
export async function rotateToken(deps: CoreDeps, actor: ConnectionActor, id: string, rawToken: string): Promise<ProviderConnection> {
  const connection = await getConnection(deps, actor.organizationId, id);
  const token = normaliseToken(connection.kind, rawToken);
  await assertEndpointAllowed(deps.config, connection.kind, connection.apiEndpoint);
  const newAdapter = adapterFor(connection, token, INTERACTIVE_TUNING);
  const check = await newAdapter.validateCredentials();
  const { verified } = await assertTokenManagesServers(deps, connection, newAdapter, check);
  const tokenSealed = deps.keyring.seal(token);
  const hint = tokenHint(token);
  const rotated = await deps.db.$transaction(async (tx) => {
    // A server stored since the check was not verified: refuse rather than guess.
    const stored = await tx.node.findMany({ where: { providerConnectionId: id, providerServerId: { not: null } }, select: { providerServerId: true } });
    const unverified = stored.map((node) => node.providerServerId as string).find((serverId) => !verified.has(serverId));
    if (unverified !== undefined) throw cannotManage(connection, `server ${unverified} appeared while the new token was being checked; rotate again`);
    const [updated] = await tx.providerConnection.updateManyAndReturn({
      where: { id, organizationId: actor.organizationId },
      data: { tokenSealed, tokenKeyId: sealedKeyId(tokenSealed), tokenHint: hint, tokenFingerprint: tokenFingerprint(token), ...checkColumns(check) },
    });
    if (!updated) throw notFound(id);
    await recordAudit(tx, {
      organizationId: actor.organizationId,
      apiTokenId: actor.apiTokenId,
      action: 'provider_connection.rotate_token',
      targetType: 'ProviderConnection',
      targetId: id,
      details: { name: updated.name, previousTokenHint: connection.tokenHint, tokenHint: hint, credentialStatus: check.status, serversVerified: verified.size },
    });
    await announce(tx, updated);
    return updated;
  });
  logCheck(deps, rotated, check, 'rotate');
  return rotated;
}

/** Checks a connection's stored token live now (on demand) and records the outcome. */
export async function validateConnection(deps: CoreDeps, actor: ConnectionActor, id: string): Promise<ProviderConnection> {
  const connection = await getConnection(deps, actor.organizationId, id);
  await assertEndpointAllowed(deps.config, connection.kind, connection.apiEndpoint);
  const check = await openConnectionAdapter(deps, connection, INTERACTIVE_TUNING).validateCredentials();
  const recorded = await deps.db.$transaction(async (tx) => {
    const updated = await writeCredentialCheck(tx, id, check, connection.tokenFingerprint);
    if (!updated) return null;
    await recordAudit(tx, {
      organizationId: actor.organizationId,
      apiTokenId: actor.apiTokenId,
      action: 'provider_connection.validate',
      targetType: 'ProviderConnection',
      targetId: id,
      details: { name: updated.name, previousStatus: connection.credentialStatus, credentialStatus: check.status },
    });
    return updated;
  });
  logCheck(deps, connection, check, 'validate');
  // Rotated (or deleted) while the check ran: the stored state is newer than this check.
  return recorded ?? getConnection(deps, actor.organizationId, id);
}

/**
 * Re-checks a connection for Hangar itself (periodic health check, first run): no actor, no
 * audit row. Returns null when the connection no longer exists or was rotated meanwhile.
 */
export async function revalidateConnection(
  deps: CoreDeps,
  connectionId: string,
  options: { signal?: AbortSignal; reason?: string } = {},
): Promise<{ connection: ProviderConnection; check: CredentialCheck } | null> {
  if (!UUID_RE.test(connectionId)) return null;
  const connection = await deps.db.providerConnection.findUnique({ where: { id: connectionId } });
  if (!connection) return null;
  const check = await openConnectionAdapter(deps, connection, INTERACTIVE_TUNING).validateCredentials({ signal: options.signal });
  const updated = await recordCredentialCheck(deps, connectionId, check, { tokenFingerprint: connection.tokenFingerprint });
  logCheck(deps, connection, check, options.reason ?? 'revalidate');
  return updated ? { connection: updated, check } : null;
}

/**
 * Deletes a connection. CONFLICT while any of its nodes may hold a server through it (a phase
 * other than RELEASED/FAILED/CANCELLED, or a providerServerId still set): deleting it would
 * strand those servers, billed, with no token left to release them. Finished nodes (and their
 * timelines) go with it.
 */
export async function deleteConnection(deps: CoreDeps, actor: ConnectionActor, id: string): Promise<string> {
  if (!UUID_RE.test(id)) throw notFound(id);
  await deps.db.$transaction(async (tx) => {
    // The row lock makes a concurrent node insert (its foreign key check) wait for this
    // transaction, so no node can slip in between the check below and the delete.
    const [locked] = await tx.$queryRaw<Array<{ name: string; kind: string }>>`
      SELECT "name", "kind"::text AS "kind" FROM "ProviderConnection"
      WHERE "id" = ${id}::uuid AND "organizationId" = ${actor.organizationId}::uuid
      FOR UPDATE`;
    if (!locked) throw notFound(id);
    const holding = { providerConnectionId: id, OR: [{ phase: { notIn: FINISHED_NODE_PHASES } }, { providerServerId: { not: null } }] };
    const held = await tx.node.count({ where: holding });
    if (held > 0) {
      const examples = await tx.node.findMany({ where: holding, select: { name: true, phase: true, providerServerId: true }, orderBy: { createdAt: 'asc' }, take: 3 });
      const listed = examples
        .map((node) => `"${node.name}" (${node.phase}${node.providerServerId ? `, server ${node.providerServerId}` : ''})`)
        .join(', ');
      throw new HangarError(
        'CONFLICT',
        `provider connection "${locked.name}" is still in use: ${held} node${held === 1 ? '' : 's'} may hold a server through it (${listed}${held > examples.length ? ', …' : ''}). ` +
          'Release them (releaseNode) or wait until they are RELEASED, FAILED or CANCELLED, then delete the connection.',
      );
    }
    const removed = await tx.node.deleteMany({ where: { providerConnectionId: id } });
    await tx.providerConnection.delete({ where: { id } });
    const details: Record<string, AuditDetailValue> = { name: locked.name, kind: locked.kind, removedNodes: removed.count };
    await recordAudit(tx, {
      organizationId: actor.organizationId,
      apiTokenId: actor.apiTokenId,
      action: 'provider_connection.delete',
      targetType: 'ProviderConnection',
      targetId: id,
      details,
    });
    await announce(tx, { id, organizationId: actor.organizationId });
  });
  deps.log.info({ connectionId: id, organizationId: actor.organizationId }, 'provider connection deleted');
  return id;
}

// ---------------------------------------------------------------------------------------------
// Provider failures

/** A provider failure as the API shows it: the PROVIDER_* code, with the diagnostic in details. */
export function providerHangarError(info: ProviderErrorInfo, retryAfterMs: number | null = null): HangarError {
  return new HangarError(info.code, info.message, { details: { retryable: info.retryable, ...(retryAfterMs === null ? {} : { retryAfterMs }), provider: info } });
}
