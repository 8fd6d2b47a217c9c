/**
 * The node use cases behind the GraphQL mutations: createNode, cancelNode, retryNode,
 * releaseNode. Every node is acquired through a provider connection: there is no other way to
 * make one.
 *
 * Invariants:
 * - Everything is scoped to the caller's organization: another organization's node or
 *   connection id, or a malformed id, is NOT_FOUND.
 * - A state change, its timeline event, its audit row and the job that carries it out are
 *   written in one transaction (pg-boss sends through the Prisma transaction), so a node is
 *   never queued without its job, nor a job sent for a node that was rolled back.
 */
import { randomUUID } from 'node:crypto';
import { fromPrisma } from 'pg-boss';
import { Prisma, type Node, type ProviderCatalog, type ProviderConnection } from '@hangar/db/generated/prisma/client';
import { HangarError } from '@hangar/domain/api-errors';
import { isAcquisitionPhase } from '@hangar/domain/phases';
import { recordAudit } from './audit.ts';
import type { CoreDeps } from './deps.ts';
import { appendEvent } from './event-log.ts';
import { enqueueProvision, enqueueRelease, NODE_START_PRIORITY, wakeProvision } from './node-jobs.ts';
import { nodeNameProblem, parseNodeLabels, specName } from './node-spec.ts';
import { checkAlternatives, describePlacement, parseAlternatives, type PlacementInput } from './placements.ts';
import { priceOf } from './node-cost.ts';
import { enterPhase, lockNode } from './node-state.ts';
import { mayHaveServer } from './acquisition.ts';
import { checkAgainstCatalog, readStoredCatalog } from './catalog.ts';
import { openConnectionAdapter } from './provider-connections.ts';
import { providerProfile } from '@hangar/providers/registry';
import { serverNameFor } from './server-labels.ts';
import { REGISTRATION_TOKEN_PREFIX, buildUserData } from './bootstrap.ts';
import { ownConnection, readRef, readRefs, resolveNodeResources } from './provider-resources.ts';
import { combineUserData, summarizeUserData, userDataKind, type UserDataKind } from './user-data.ts';

/** Most SSH keys one node may name. */
export const SSH_KEYS_MAX = 10;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who acts: the organization and the API token (null for Hangar's own jobs). */
export interface NodeActor {
  organizationId: string;
  apiTokenId: string | null;
}

/** What createNode takes (the GraphQL CreateNodeInput). */
export interface CreateNodeInput {
  providerConnectionId: string;
  name: string;
  serverType: string;
  location: string;
  image: string;
  sshKeyNames?: string[] | null;
  /** SSH keys of the provider project by id or name (with sshKeyNames: both are installed). */
  sshKeys?: string[] | null;
  /** A list of {key, value} (GraphQL) or a JSON object of string → string; the provider's label rules (node-spec.ts parseNodeLabels). */
  labels?: unknown;
  /** The user's own cloud-config or script, run besides Hangar's bootstrap (user-data.ts). */
  userData?: string | null;
  networkIds?: string[] | null;
  firewallIds?: string[] | null;
  placementGroupId?: string | null;
  /** Default true each. Without both, the node needs a network. */
  publicIpv4?: boolean | null;
  publicIpv6?: boolean | null;
  /** Placements to try in order when the provider refuses for capacity (placements.ts). */
  alternatives?: readonly PlacementInput[] | null;
}

/** A registration token of the real length, to size the user data before there is one. */
const PLACEHOLDER_REGISTRATION_TOKEN = `${REGISTRATION_TOKEN_PREFIX}${'x'.repeat(43)}`;

/** The user data's kind, or null without one; VALIDATION_FAILED (userData) otherwise. Never quotes it. */
function parseUserData(value: string | null | undefined, maxBytes: number): { text: string; kind: UserDataKind } | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  // Checked before anything else touches a possibly huge text.
  if (value.length > maxBytes) throw invalid('userData', `user data may be at most ${maxBytes} bytes together with Hangar’s bootstrap (this one alone has ${Buffer.byteLength(value, 'utf8')})`);
  const kind = userDataKind(value);
  if (typeof kind !== 'string') throw invalid('userData', kind.problem);
  return { text: value, kind };
}

type Tx = Prisma.TransactionClient;

function invalid(field: string, message: string): HangarError {
  return new HangarError('VALIDATION_FAILED', message, { field });
}

function notFound(id: string): HangarError {
  return new HangarError('NOT_FOUND', UUID_RE.test(id) ? `no node ${id} in your organization` : 'no node with that id in your organization');
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

function nameTaken(name: string): HangarError {
  return new HangarError('CONFLICT', `a node named "${name}" is already live in your organization; choose another name or release that node first`, { field: 'name' });
}

function parseSshKeyNames(value: string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  if (value.length > SSH_KEYS_MAX) throw invalid('sshKeyNames', `at most ${SSH_KEYS_MAX} SSH keys (got ${value.length})`);
  const names = value.map((name) => specName('sshKeyNames', name));
  if (new Set(names).size !== names.length) throw invalid('sshKeyNames', 'sshKeyNames lists a key twice');
  return names;
}

/** Why a connection cannot create servers now, for the VALIDATION_FAILED message. */
function connectionNotUsable(connection: ProviderConnection): HangarError {
  const error = connection.credentialError as { code?: string; message?: string } | null;
  const why = error?.message ? ` (${error.code}: ${error.message})` : '';
  const fix =
    connection.credentialStatus === 'UNCHECKED'
      ? 'validate it first (validateProviderConnection)'
      : connection.credentialStatus === 'RATE_LIMITED' || connection.credentialStatus === 'UNREACHABLE'
        ? 'validate it again once the provider answers (validateProviderConnection)'
        : 'give it a working Read & Write token (rotateProviderToken), then create the node';
  return invalid(
    'providerConnectionId',
    `provider connection "${connection.name}" has credential status ${connection.credentialStatus}${why}; it must be VALID to create servers: ${fix}`,
  );
}

/** The caller's node, locked for this transaction; NOT_FOUND otherwise. */
async function lockOwnNode(tx: Tx, actor: NodeActor, id: string): Promise<Node> {
  if (!UUID_RE.test(id)) throw notFound(id);
  const node = await lockNode(tx, id, actor.organizationId);
  if (!node) throw notFound(id);
  return node;
}

/**
 * Creates a node: checks the input, the connection (the caller's, VALID) and the stored catalog
 * (catalog.ts: refreshed once on a miss; the server type is offered in the location, the image
 * fits its architecture), then writes
 * the node (QUEUED), its first event, its audit row and its node_provision job in one
 * transaction. Catalog failures are the PROVIDER_* codes.
 */
export async function createNode(deps: CoreDeps, actor: NodeActor, input: CreateNodeInput): Promise<Node> {
  const nameProblem = nodeNameProblem(input.name);
  if (nameProblem !== null) throw invalid('name', nameProblem);
  const serverType = specName('serverType', input.serverType);
  const location = specName('location', input.location);
  const image = specName('image', input.image);
  const sshKeyNames = parseSshKeyNames(input.sshKeyNames);
  const sshKeys = readRefs('sshKeys', input.sshKeys);
  const networkIds = readRefs('networkIds', input.networkIds);
  const firewallIds = readRefs('firewallIds', input.firewallIds);
  const placementGroupId = readRef('placementGroupId', input.placementGroupId);
  const publicIpv4 = input.publicIpv4 ?? true;
  const publicIpv6 = input.publicIpv6 ?? true;
  if (!publicIpv4 && !publicIpv6 && networkIds.length === 0) {
    throw invalid('networkIds', 'a node without public IPv4 and IPv6 can only be reached through a private network: choose at least one network, or turn a public address on');
  }
  const alternatives = parseAlternatives(input.alternatives, { serverType, location });

  // Read with its stored catalog in one statement (relationJoins): checkAgainstCatalog uses it.
  const connection = (await ownConnection(deps, actor.organizationId, typeof input.providerConnectionId === 'string' ? input.providerConnectionId : '', { include: { catalog: true } })) as ProviderConnection & { catalog: ProviderCatalog | null };
  // Labels follow the rules of the connection's provider (its profile).
  const parsedLabels = parseNodeLabels(input.labels, providerProfile(connection.kind).labels);
  if ('problem' in parsedLabels) throw invalid(parsedLabels.field, parsedLabels.problem);
  if (connection.credentialStatus !== 'VALID') throw connectionNotUsable(connection);
  const { catalog, problem } = await checkAgainstCatalog(deps, connection, { serverType, location, image });
  if (problem !== null) throw invalid(problem.field, problem.message);
  checkAlternatives(catalog, alternatives, image);
  // The price as the catalog states it now (null when it states none): later catalog changes never rewrite it.
  const price = priceOf(catalog, { serverType, location });
  const maxUserDataBytes = openConnectionAdapter(deps, connection).limits.userDataMaxBytes;
  const userData = parseUserData(input.userData, maxUserDataBytes);
  if (userData !== null) {
    const combined = Buffer.byteLength(combineUserData(buildUserData({ apiUrl: deps.config.publicUrl, registrationToken: PLACEHOLDER_REGISTRATION_TOKEN, metadata: providerProfile(connection.kind).metadata }), userData), 'utf8');
    if (combined > maxUserDataBytes) {
      throw invalid('userData', `user data may be at most ${maxUserDataBytes} bytes together with Hangar’s bootstrap; with this one it would be ${combined} bytes (shorten it by ${combined - maxUserDataBytes})`);
    }
  }
  const resources = await resolveNodeResources(deps, connection, { sshKeys: [...sshKeyNames, ...sshKeys], networkIds, firewallIds, placementGroupId });
  const userDataSummary = userData === null ? null : summarizeUserData(userData.text, userData.kind);

  const id = randomUUID();
  const now = new Date();
  try {
    const node = await deps.db.$transaction(async (tx) => {
      const created = await tx.node.create({
        data: {
          id,
          organizationId: actor.organizationId,
          providerConnectionId: connection.id,
          name: input.name,
          serverType,
          location,
          requestedServerType: serverType,
          requestedLocation: location,
          alternatives: alternatives as unknown as Prisma.InputJsonArray,
          price: price === null ? Prisma.DbNull : (price as unknown as Prisma.InputJsonObject),
          image,
          sshKeyNames: resources.sshKeys.map((key) => key.name),
          sshKeyIds: resources.sshKeys.map((key) => key.id),
          labels: parsedLabels.labels,
          userDataSealed: userData === null ? null : deps.keyring.seal(userData.text),
          userDataKind: userDataSummary?.kind ?? null,
          userDataBytes: userDataSummary?.bytes ?? null,
          userDataSha256: userDataSummary?.sha256 ?? null,
          networkIds: resources.networkIds,
          firewallIds: resources.firewallIds,
          placementGroupId: resources.placementGroupId,
          publicIpv4,
          publicIpv6,
          providerServerName: serverNameFor({ id, name: input.name }),
          phase: 'QUEUED',
          phaseEnteredAt: now,
        },
      });
      const fallback = alternatives.length === 0 ? '' : `; if the provider has no capacity there: ${alternatives.map(describePlacement).join(', then ')}`;
      // The event bumps lastSeq and stamps updatedAt; with those two the inserted row is the row as committed (no re-read).
      const { seq, updatedAt } = await appendEvent(tx, id, { phase: 'QUEUED', kind: 'PHASE_ENTERED', message: `queued: ${serverType} in ${location} with ${image} through "${connection.name}"${fallback}` });
      await recordAudit(tx, {
        organizationId: actor.organizationId,
        apiTokenId: actor.apiTokenId,
        action: 'node.create',
        targetType: 'Node',
        targetId: id,
        details: {
          name: input.name,
          providerConnectionId: connection.id,
          serverType,
          location,
          image,
          sshKeyIds: resources.sshKeys.map((key) => key.id).join(','),
          networkIds: networkIds.join(','),
          firewallIds: firewallIds.join(','),
          placementGroupId,
          publicIpv4,
          publicIpv6,
          alternatives: alternatives.length,
          ...(userDataSummary === null ? {} : { userDataBytes: userDataSummary.bytes, userDataSha256: userDataSummary.sha256 }),
        },
      });
      await enqueueProvision(deps.boss, id, deps.config, { db: fromPrisma(tx), priority: NODE_START_PRIORITY });
      return { ...created, lastSeq: seq, updatedAt };
    });
    deps.log.info({ nodeId: id, organizationId: actor.organizationId, serverType, location }, 'node queued');
    return node;
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

/**
 * Cancels a node that is still being acquired. A QUEUED node that cannot own a server is
 * CANCELLED at once; otherwise the cancel is recorded and the node_provision job deletes the
 * server (if any) and enters CANCELLED. Cancelling a CANCELLED node returns it unchanged.
 */
export async function cancelNode(deps: CoreDeps, actor: NodeActor, id: string): Promise<Node> {
  return deps.db.$transaction(async (tx) => {
    const node = await lockOwnNode(tx, actor, id);
    if (node.phase === 'CANCELLED' || (isAcquisitionPhase(node.phase) && node.cancelRequestedAt !== null)) return node;
    if (!isAcquisitionPhase(node.phase)) {
      const hint = node.phase === 'READY' ? 'it is READY: release it (releaseNode) to give the server back' : 'there is nothing to cancel';
      throw new HangarError('CONFLICT', `node "${node.name}" is ${node.phase}; ${hint}`);
    }
    const now = new Date();
    if (node.phase === 'QUEUED' && !mayHaveServer(node)) {
      await enterPhase(tx, node, 'CANCELLED', { message: 'cancelled before it started', update: { cancelRequestedAt: now } });
    } else {
      await appendEvent(tx, node.id, { phase: node.phase, kind: 'INFO', message: 'cancel requested; stopping and deleting any server' }, { cancelRequestedAt: now });
      // Pulls a parked wait's follow-up forward (a plain send would wait behind it).
      await wakeProvision(deps.boss, node.id, deps.config, { db: fromPrisma(tx) });
    }
    await recordAudit(tx, { organizationId: actor.organizationId, apiTokenId: actor.apiTokenId, action: 'node.cancel', targetType: 'Node', targetId: node.id, details: { name: node.name, phase: node.phase } });
    return tx.node.findUniqueOrThrow({ where: { id: node.id } });
  });
}

/** What retryNode may change: each unset field keeps the node's current value. */
export interface RetryNodeChanges {
  location?: string | null;
  serverType?: string | null;
  image?: string | null;
}

/**
 * Starts a new attempt for a FAILED node: attempt + 1, back to QUEUED, error cleared, the
 * timeline continuing. The new attempt may change the placement (location, server type, image):
 * the result is checked against the connection's catalog like createNode's. The new attempt
 * deletes a server the earlier one left (found by label) and creates its own.
 */
export async function retryNode(deps: CoreDeps, actor: NodeActor, id: string, changes: RetryNodeChanges = {}): Promise<Node> {
  const changed = {
    ...(changes.serverType == null ? {} : { serverType: specName('serverType', changes.serverType) }),
    ...(changes.location == null ? {} : { location: specName('location', changes.location) }),
    ...(changes.image == null ? {} : { image: specName('image', changes.image) }),
  };
  if (!UUID_RE.test(id)) throw notFound(id);
  let spec: { serverType: string; location: string; image: string } | null = null;
  if (Object.keys(changed).length > 0) {
    // Checked before the transaction (it may read the provider); the phase is checked again under the lock.
    const current = await deps.db.node.findFirst({ where: { id, organizationId: actor.organizationId } });
    if (!current) throw notFound(id);
    if (current.phase !== 'FAILED') throw new HangarError('CONFLICT', `only a FAILED node can be retried; node "${current.name}" is ${current.phase}`);
    const connection = await ownConnection(deps, actor.organizationId, current.providerConnectionId);
    if (connection.credentialStatus !== 'VALID') throw connectionNotUsable(connection);
    spec = { serverType: current.serverType, location: current.location, image: current.image, ...changed };
    const { problem } = await checkAgainstCatalog(deps, connection, spec);
    if (problem !== null) throw invalid(problem.field, problem.message);
  }
  try {
    return await deps.db.$transaction(async (tx) => {
      const node = await lockOwnNode(tx, actor, id);
      if (node.phase !== 'FAILED') throw new HangarError('CONFLICT', `only a FAILED node can be retried; node "${node.name}" is ${node.phase}`);
      if (node.archivedAt !== null) throw new HangarError('CONFLICT', `node "${node.name}" is archived; create a new node instead`);
      const connection = await tx.providerConnection.findUniqueOrThrow({ where: { id: node.providerConnectionId } });
      if (connection.credentialStatus !== 'VALID') throw connectionNotUsable(connection);
      const attempt = node.attempt + 1;
      // The placement asked for now: the changes given, else the one asked for at creation (a fallback may have moved the node).
      const requested = spec ?? { serverType: node.requestedServerType ?? node.serverType, location: node.requestedLocation ?? node.location, image: node.image };
      const placement = placementChange(node, requested);
      const moved = requested.serverType !== node.serverType || requested.location !== node.location;
      // Priced from the stored catalog when the placement changes (VALIDATING prices it otherwise).
      const catalog = moved ? await readStoredCatalog(deps, connection) : null;
      const price = catalog === null ? null : priceOf(catalog, requested);
      await enterPhase(tx, node, 'QUEUED', {
        message: `retrying: attempt ${attempt}${placement} (the last one failed with ${(node.error as { code?: string } | null)?.code ?? 'an error'})`,
        update: {
          attempt,
          ...requested,
          requestedServerType: requested.serverType,
          requestedLocation: requested.location,
          placementIndex: 0,
          ...(moved ? { price: price === null ? Prisma.DbNull : (price as unknown as Prisma.InputJsonObject) } : {}),
          // The earlier server is gone (the failure deleted it): the new attempt's bill starts with its own server.
          serverCreatedAt: null,
          error: Prisma.DbNull,
          cancelRequestedAt: null,
          providerActionId: null,
          providerNextActionIds: [],
          ipv4: null,
          ipv6: null,
          readyAt: null,
          registrationTokenHash: null,
          nodeCredentialHash: null,
          registeredAt: null,
          lastHeartbeatAt: null,
          lastHeartbeatHealthy: null,
        },
      });
      await recordAudit(tx, { organizationId: actor.organizationId, apiTokenId: actor.apiTokenId, action: 'node.retry', targetType: 'Node', targetId: node.id, details: { name: node.name, attempt, ...(spec ?? {}) } });
      await enqueueProvision(deps.boss, node.id, deps.config, { db: fromPrisma(tx), priority: NODE_START_PRIORITY });
      return tx.node.findUniqueOrThrow({ where: { id: node.id } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const node = await deps.db.node.findUnique({ where: { id }, select: { name: true } });
      throw nameTaken(node?.name ?? '');
    }
    throw error;
  }
}

/** ", now cx32 in nbg1 (was cx22 in fsn1)" for the retry event; empty when nothing changed. */
function placementChange(node: Pick<Node, 'serverType' | 'location' | 'image'>, spec: { serverType: string; location: string; image: string }): string {
  const was: string[] = [];
  const now: string[] = [];
  for (const key of ['serverType', 'location', 'image'] as const) {
    if (node[key] !== spec[key]) {
      was.push(node[key]);
      now.push(spec[key]);
    }
  }
  return now.length === 0 ? '' : ` with ${now.join(', ')} (was ${was.join(', ')})`;
}

/**
 * Whether releaseNode accepts the node now: it is READY, or FAILED while a server may still
 * exist (its id is stored). One rule for the mutation and Node.canRelease.
 */
export function canRelease(node: Pick<Node, 'phase' | 'providerServerId'>): boolean {
  return node.phase === 'READY' || (node.phase === 'FAILED' && node.providerServerId !== null);
}

/** Phases in which a node is at rest: nothing runs for it. */
const AT_REST_PHASES = ['FAILED', 'CANCELLED', 'RELEASED'] as const;

/**
 * Archives a node at rest (FAILED, CANCELLED or RELEASED) that holds no server: it leaves the
 * default `nodes` list; its row and timeline stay (an INFO event records the archive).
 * CONFLICT, naming why, for a node that is not at rest or may still hold a server. Archiving an
 * archived node returns it unchanged.
 */
export async function archiveNode(deps: CoreDeps, actor: NodeActor, id: string): Promise<Node> {
  return deps.db.$transaction(async (tx) => {
    const node = await lockOwnNode(tx, actor, id);
    if (node.archivedAt !== null) return node;
    if (!(AT_REST_PHASES as readonly string[]).includes(node.phase)) {
      const why = isAcquisitionPhase(node.phase)
        ? 'it is still being acquired: cancel it first'
        : node.phase === 'READY'
          ? 'it holds a running server: release it first'
          : 'its server is being deleted: wait until it is released';
      throw new HangarError('CONFLICT', `node "${node.name}" is ${node.phase}; ${why}`);
    }
    if (node.providerServerId !== null) {
      throw new HangarError('CONFLICT', `node "${node.name}" may still hold server ${node.providerServerId}: release it first, so it is not left running unseen`);
    }
    const now = new Date();
    await appendEvent(tx, node.id, { phase: node.phase, kind: 'INFO', message: 'archived: hidden from the default node list (the timeline is kept)' }, { archivedAt: now });
    await recordAudit(tx, { organizationId: actor.organizationId, apiTokenId: actor.apiTokenId, action: 'node.archive', targetType: 'Node', targetId: node.id, details: { name: node.name, phase: node.phase } });
    return tx.node.findUniqueOrThrow({ where: { id: node.id } });
  });
}

/**
 * Gives a node's server back: READY (or a FAILED node that kept a server) → RELEASING; the
 * node_release job deletes the server and enters RELEASED once the provider confirms. The row
 * stays. Releasing a RELEASING or RELEASED node returns it unchanged.
 */
export async function releaseNode(deps: CoreDeps, actor: NodeActor, id: string): Promise<Node> {
  return deps.db.$transaction(async (tx) => {
    const node = await lockOwnNode(tx, actor, id);
    if (node.phase === 'RELEASING' || node.phase === 'RELEASED') return node;
    if (!canRelease(node)) {
      const hint = isAcquisitionPhase(node.phase)
        ? 'it is still being acquired: cancel it (cancelNode) instead'
        : 'it holds no server, so there is nothing to release';
      throw new HangarError('CONFLICT', `node "${node.name}" is ${node.phase}; ${hint}`);
    }
    await enterPhase(tx, node, 'RELEASING', { message: node.providerServerId ? `releasing: deleting server ${node.providerServerId}` : 'releasing' });
    await recordAudit(tx, { organizationId: actor.organizationId, apiTokenId: actor.apiTokenId, action: 'node.release', targetType: 'Node', targetId: node.id, details: { name: node.name, phase: node.phase } });
    await enqueueRelease(deps.boss, node.id, deps.config, { db: fromPrisma(tx) });
    return tx.node.findUniqueOrThrow({ where: { id: node.id } });
  });
}
