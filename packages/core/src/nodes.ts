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
import { Prisma, type Node, type ProviderConnection } from '@hangar/db/generated/prisma/client';
import { HangarError } from '@hangar/domain/api-errors';
import { displayTextProblem } from '@hangar/domain/text-rules';
import { isAcquisitionPhase } from '@hangar/domain/phases';
import { recordAudit } from './audit.ts';
import type { CoreDeps } from './deps.ts';
import { appendEvent } from './event-log.ts';
import { enqueueProvision, enqueueRelease } from './node-jobs.ts';
import { nodeNameProblem, parseNodeLabels } from './node-spec.ts';
import { enterPhase, lockNode } from './node-state.ts';
import { mayHaveServer } from './acquisition.ts';
import { checkAgainstCatalog } from './catalog.ts';
import { getConnection } from './provider-connections.ts';
import { serverNameFor } from './server-labels.ts';

/** Most SSH keys one node may name. */
export const SSH_KEYS_MAX = 10;
/** Longest server type, location, image or SSH key name accepted, in characters. */
export const SPEC_NAME_MAX_CHARS = 128;

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
  /** A JSON object of string → string (Hetzner label rules). */
  labels?: unknown;
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

function specName(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, `${field} must not be empty`);
  const trimmed = value.trim();
  if (trimmed.length > SPEC_NAME_MAX_CHARS) throw invalid(field, `${field} must be at most ${SPEC_NAME_MAX_CHARS} characters`);
  // Postgres text cannot hold NUL, and no provider name holds control or invisible characters:
  // refused here, before any provider call.
  const problem = displayTextProblem(trimmed);
  if (problem !== null) throw invalid(field, `${field} ${problem}`);
  return trimmed;
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
  const parsedLabels = parseNodeLabels(input.labels);
  if ('problem' in parsedLabels) throw invalid('labels', parsedLabels.problem);

  if (typeof input.providerConnectionId !== 'string' || !UUID_RE.test(input.providerConnectionId)) {
    throw new HangarError('NOT_FOUND', 'no provider connection with that id in your organization');
  }
  const connection = await getConnection(deps, actor.organizationId, input.providerConnectionId);
  if (connection.credentialStatus !== 'VALID') throw connectionNotUsable(connection);
  const { problem } = await checkAgainstCatalog(deps, connection, { serverType, location, image });
  if (problem !== null) throw invalid(problem.field, problem.message);

  const id = randomUUID();
  const now = new Date();
  try {
    const node = await deps.db.$transaction(async (tx) => {
      await tx.node.create({
        data: {
          id,
          organizationId: actor.organizationId,
          providerConnectionId: connection.id,
          name: input.name,
          serverType,
          location,
          image,
          sshKeyNames,
          labels: parsedLabels.labels,
          providerServerName: serverNameFor({ id, name: input.name }),
          phase: 'QUEUED',
          phaseEnteredAt: now,
        },
      });
      await appendEvent(tx, id, { phase: 'QUEUED', kind: 'PHASE_ENTERED', message: `queued: ${serverType} in ${location} with ${image} through "${connection.name}"` });
      await recordAudit(tx, {
        organizationId: actor.organizationId,
        apiTokenId: actor.apiTokenId,
        action: 'node.create',
        targetType: 'Node',
        targetId: id,
        details: { name: input.name, providerConnectionId: connection.id, serverType, location, image },
      });
      await enqueueProvision(deps.boss, id, deps.config, { db: fromPrisma(tx) });
      return tx.node.findUniqueOrThrow({ where: { id } });
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
      await enqueueProvision(deps.boss, node.id, deps.config, { db: fromPrisma(tx) });
    }
    await recordAudit(tx, { organizationId: actor.organizationId, apiTokenId: actor.apiTokenId, action: 'node.cancel', targetType: 'Node', targetId: node.id, details: { name: node.name, phase: node.phase } });
    return tx.node.findUniqueOrThrow({ where: { id: node.id } });
  });
}

/**
 * Starts a new attempt for a FAILED node: attempt + 1, back to QUEUED, error cleared, the
 * timeline continuing. The new attempt deletes a server the earlier one left (found by label)
 * and creates its own.
 */
export async function retryNode(deps: CoreDeps, actor: NodeActor, id: string): Promise<Node> {
  try {
    return await deps.db.$transaction(async (tx) => {
      const node = await lockOwnNode(tx, actor, id);
      if (node.phase !== 'FAILED') throw new HangarError('CONFLICT', `only a FAILED node can be retried; node "${node.name}" is ${node.phase}`);
      const connection = await tx.providerConnection.findUniqueOrThrow({ where: { id: node.providerConnectionId } });
      if (connection.credentialStatus !== 'VALID') throw connectionNotUsable(connection);
      const attempt = node.attempt + 1;
      await enterPhase(tx, node, 'QUEUED', {
        message: `retrying: attempt ${attempt} (the last one failed with ${(node.error as { code?: string } | null)?.code ?? 'an error'})`,
        update: {
          attempt,
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
      await recordAudit(tx, { organizationId: actor.organizationId, apiTokenId: actor.apiTokenId, action: 'node.retry', targetType: 'Node', targetId: node.id, details: { name: node.name, attempt } });
      await enqueueProvision(deps.boss, node.id, deps.config, { db: fromPrisma(tx) });
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

/**
 * Gives a node's server back: READY (or a FAILED node that kept a server) → RELEASING; the
 * node_release job deletes the server and enters RELEASED once the provider confirms. The row
 * stays. Releasing a RELEASING or RELEASED node returns it unchanged.
 */
export async function releaseNode(deps: CoreDeps, actor: NodeActor, id: string): Promise<Node> {
  return deps.db.$transaction(async (tx) => {
    const node = await lockOwnNode(tx, actor, id);
    if (node.phase === 'RELEASING' || node.phase === 'RELEASED') return node;
    const releasable = node.phase === 'READY' || (node.phase === 'FAILED' && node.providerServerId !== null);
    if (!releasable) {
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
