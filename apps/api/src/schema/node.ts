import { HangarError } from '@hangar/domain/api-errors';
import { failedNodeHint } from '@hangar/domain/node-errors';
import type { Node, Prisma } from '@hangar/db/generated/prisma/client';
import type { NodePhase } from '@hangar/db/generated/prisma/enums';
import { openChangeStream } from '@hangar/events/change-stream';
import { builder } from './builder.ts';
import { NodeHealthEnum, NodePhaseEnum } from './enums.ts';
import { NodeErrorRef, mutationErrors, typedErrors, type NodeErrorShape } from './error-types.ts';
import './acquisition-event.ts';
import { LabelInput, LabelRef, labelEntries } from './labels.ts';
import { paging } from './pagination.ts';
import { onlySelectedColumns } from './selected-columns.ts';
import { ALTERNATIVES_DESCRIPTION, PlacementInput } from './placement-input.ts';
import { ProviderConnectionRef } from './provider-connection.ts';
import { archiveNode, canRelease, cancelNode, createNode, releaseNode, retryNode, type NodeActor } from '@hangar/core/nodes';
import { getConnection } from '@hangar/core/provider-connections';
import type { AuthenticatedContext } from '../context.ts';

/** Longest `nameContains` filter: longer than any node name (63) means nothing can match. */
const NAME_FILTER_MAX_CHARS = 63;

export const NodeRef = builder.prismaObject('Node', {
  description: 'A server node acquired through a provider connection.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    phase: t.expose('phase', { type: NodePhaseEnum }),
    lastEventSeq: t.exposeInt('lastSeq', { description: 'The seq of the node’s latest timeline event. Every change of the node comes with an event, so of two answers about a node the one with the higher lastEventSeq is the newer.' }),
    providerConnection: t.relation('providerConnection', { type: ProviderConnectionRef }),
    serverType: t.exposeString('serverType'),
    location: t.exposeString('location'),
    image: t.exposeString('image'),
    providerServerId: t.exposeString('providerServerId', { nullable: true }),
    ipv4: t.exposeString('ipv4', { nullable: true }),
    ipv6: t.exposeString('ipv6', { nullable: true }),
    attempt: t.exposeInt('attempt', { description: 'Acquisition attempt, 1 for the first; retryNode starts the next.' }),
    error: t.field({
      type: NodeErrorRef,
      nullable: true,
      description: 'Why the node failed; its hint is chosen from the node’s state now (e.g. a server left to release), not from the first error.',
      select: { error: true, providerServerId: true, phase: true },
      resolve: (node) => {
        const error = node.error as NodeErrorShape | null;
        if (!error) return null;
        const hint = failedNodeHint(error.code, { serverLeft: node.phase === 'FAILED' && node.providerServerId !== null });
        return hint === null ? error : { ...error, hint };
      },
    }),
    lastHeartbeatAt: t.expose('lastHeartbeatAt', { type: 'DateTime', nullable: true, description: 'Last heartbeat from the machine’s bootstrap agent.' }),
    health: t.expose('health', {
      type: NodeHealthEnum,
      nullable: true,
      description: 'The machine’s health by its heartbeats, stored and updated live (a HEALTH event, and so a nodeChanged, per change); null unless the node is READY.',
    }),
    heartbeatOverdue: t.boolean({
      description: 'True when the stored health is OVERDUE or LOST.',
      deprecationReason: 'Use health (HEALTHY, OVERDUE, LOST). Removal after 2027-03-01.',
      select: { health: true },
      resolve: (node) => node.health === 'OVERDUE' || node.health === 'LOST',
    }),
    canRelease: t.boolean({
      description: 'Whether releaseNode would accept the node now: it is READY, or FAILED while its server may still exist.',
      select: { phase: true, providerServerId: true },
      resolve: (node) => canRelease(node),
    }),
    archivedAt: t.expose('archivedAt', { type: 'DateTime', nullable: true, description: 'When archiveNode hid the node from the default list; null when it is listed.' }),
    lastHeartbeatHealthy: t.exposeBoolean('lastHeartbeatHealthy', { nullable: true, description: 'Whether the machine said it was healthy in its last heartbeat.' }),
    registeredAt: t.expose('registeredAt', { type: 'DateTime', nullable: true, description: 'When the machine’s bootstrap registered with Hangar.' }),
    cancelRequestedAt: t.expose('cancelRequestedAt', { type: 'DateTime', nullable: true, description: 'When cancelNode was called; the node becomes CANCELLED once its server is deleted.' }),
    releasedAt: t.expose('releasedAt', { type: 'DateTime', nullable: true }),
    providerServerName: t.exposeString('providerServerName', { nullable: true, description: 'The server’s name at the provider: `<name>-<first 8 of id>`.' }),
    sshKeyNames: t.exposeStringList('sshKeyNames'),
    labels: t.field({
      type: [LabelRef],
      description: 'The node’s own labels, sorted by key (Hangar adds hangar.dev/* labels on the server).',
      select: { labels: true },
      resolve: (node) => labelEntries(node.labels),
    }),
    events: t.relatedConnection(
      'events',
      {
        description: 'The node’s timeline, oldest first (by seq). For live updates subscribe to nodeEvents.',
        cursor: 'id',
        ...paging('bigint'),
        query: () => ({ orderBy: { seq: 'asc' } }),
        totalCount: true,
      },
      { name: 'AcquisitionEventConnection' },
      { name: 'AcquisitionEventEdge' },
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    readyAt: t.expose('readyAt', { type: 'DateTime', nullable: true }),
  }),
});

const NodeFilter = builder.inputType('NodeFilter', {
  description: 'Which nodes to list; the conditions combine with AND.',
  fields: (t) => ({
    archived: t.boolean({ required: false, description: 'true: only archived nodes (archiveNode); false or unset: only nodes that are not archived.' }),
    phase: t.field({ type: [NodePhaseEnum], required: false, description: 'Only nodes in one of these phases.' }),
    providerConnectionId: t.id({ required: false, description: 'Only nodes acquired through this provider connection.' }),
    nameContains: t.string({ required: false, description: `Only nodes whose name contains this text (case-insensitive, at most ${NAME_FILTER_MAX_CHARS} characters).` }),
  }),
});

interface NodeFilterShape {
  archived?: boolean | null;
  phase?: readonly NodePhase[] | null;
  providerConnectionId?: string | number | null;
  nameContains?: string | null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The Prisma condition of a NodeFilter within the organization; VALIDATION_FAILED (field filter.*) for a bad value. */
function nodeWhere(organizationId: string, filter: NodeFilterShape | null | undefined): Prisma.NodeWhereInput {
  const where: Prisma.NodeWhereInput = { organizationId, archivedAt: filter?.archived === true ? { not: null } : null };
  if (!filter) return where;
  if (filter.phase?.length) where.phase = { in: [...filter.phase] };
  if (filter.providerConnectionId != null) {
    const id = String(filter.providerConnectionId);
    // A malformed id matches nothing, like another organization's: no error that tells them apart.
    where.providerConnectionId = UUID_RE.test(id) ? id : '00000000-0000-0000-0000-000000000000';
  }
  if (filter.nameContains != null) {
    if (filter.nameContains.length > NAME_FILTER_MAX_CHARS) throw new HangarError('VALIDATION_FAILED', `nameContains must be at most ${NAME_FILTER_MAX_CHARS} characters`, { field: 'filter.nameContains' });
    // Prisma passes `contains` to LIKE as is: `%` and `_` are escaped to mean themselves.
    where.name = { contains: filter.nameContains.replace(/[\\%_]/g, '\\$&'), mode: 'insensitive' };
  }
  return where;
}

builder.queryFields((t) => ({
  node: t.withAuth({ authenticated: true }).prismaField({
    type: NodeRef,
    nullable: true,
    description: 'One node of your organization; NOT_FOUND (top-level error, data.node null) for any other id.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const id = String(args.id);
      const node = UUID_RE.test(id) ? await ctx.db.node.findFirst({ ...query, where: { id, organizationId: ctx.principal.organizationId } }) : null;
      if (!node) throw new HangarError('NOT_FOUND', 'no node with that id in your organization');
      return node;
    },
  }),
  nodes: t.withAuth({ authenticated: true }).prismaConnection(
    {
      type: NodeRef,
      cursor: 'id',
      ...paging('uuid'),
      description: 'The organization’s nodes, newest first. first/last 1..100 (default 20); a bad size or cursor is VALIDATION_FAILED.',
      args: { filter: t.arg({ type: NodeFilter, required: false }) },
      totalCount: (_parent, args, ctx) => ctx.db.node.count({ where: nodeWhere(ctx.principal.organizationId, args.filter) }),
      // Only the columns the page's fields read, of the nodes and of their included relations
      // (selected-columns.ts): a page of 50 rows parses no JSON nobody asked for.
      resolve: (query, _root, args, ctx, info) =>
        ctx.db.node.findMany({ ...onlySelectedColumns(info, 'Node', 'Node', query), where: nodeWhere(ctx.principal.organizationId, args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    },
    { name: 'NodeConnection' },
    { name: 'NodeEdge' },
  ),
}));

// Mutations: acquiring and giving back nodes (packages/core nodes.ts). Each answers its
// expected failures as typed results (mutationErrors).

const CreateNodeInput = builder.inputType('CreateNodeInput', {
  description: 'A node to acquire through a provider connection. serverType, location and image must exist in the connection’s catalog and fit together.',
  fields: (t) => ({
    providerConnectionId: t.id({ required: true, description: 'A provider connection of your organization whose credentialStatus is VALID.' }),
    name: t.string({ required: true, description: 'RFC 1123 label (1–63 of a-z, 0-9 and "-"), unique among your live nodes.' }),
    serverType: t.string({ required: true, description: 'e.g. cx22 (see providerConnection.catalog.serverTypes).' }),
    location: t.string({ required: true, description: 'e.g. fsn1; the server type must be offered there.' }),
    image: t.string({ required: true, description: 'e.g. ubuntu-24.04; its architecture must match the server type’s.' }),
    sshKeyNames: t.stringList({ required: false, description: 'SSH keys of the provider project to install, by name (sshKeys takes ids or names).' }),
    sshKeys: t.stringList({ required: false, description: 'SSH keys of the provider project to install, by id or name (providerConnection.sshKeys; addSshKey adds one). At most 10; each must exist.' }),
    labels: t.field({ type: [LabelInput], required: false, description: 'At most 32 labels, keys unique (Hetzner label rules); the hangar.dev/ prefix is reserved.' }),
    userData: t.string({
      required: false,
      description:
        'Your own cloud-config (first line "#cloud-config") or script (first line "#!"), run besides Hangar’s bootstrap (cloud-init multipart; your write_files and runcmd are kept). ' +
        'At most 32 KiB together with the bootstrap (about 25 KiB of your own). Stored encrypted, never shown again: Node.userData gives its size and SHA-256.',
    }),
    networkIds: t.idList({ required: false, description: 'Private networks to attach the server to (providerConnection.networks). At most 10.' }),
    firewallIds: t.idList({ required: false, description: 'Firewalls to apply to the server (providerConnection.firewalls). At most 10.' }),
    placementGroupId: t.id({ required: false, description: 'Placement group to put the server in (providerConnection.placementGroups).' }),
    publicIpv4: t.boolean({ required: false, description: 'Give the server a public IPv4 address (default true).' }),
    publicIpv6: t.boolean({ required: false, description: 'Give the server a public IPv6 network (default true). Without IPv4 and IPv6 at least one network is required.' }),
    alternatives: t.field({ type: [PlacementInput], required: false, description: ALTERNATIVES_DESCRIPTION }),
  }),
});

/** The input of a mutation on one node. */
function nodeIdInput(name: string, what: string) {
  return builder.inputType(name, { description: what, fields: (t) => ({ id: t.id({ required: true, description: 'The node’s id.' }) }) });
}

const CancelNodeInput = nodeIdInput('CancelNodeInput', 'The node whose acquisition to stop.');
const RetryNodeInput = builder.inputType('RetryNodeInput', {
  description: 'The FAILED node to try again, optionally somewhere else: an unset field keeps the node’s value; the result must fit the connection’s catalog like createNode’s.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The node’s id.' }),
    location: t.string({ required: false, description: 'Another location, e.g. nbg1.' }),
    serverType: t.string({ required: false, description: 'Another server type, e.g. cx32.' }),
    image: t.string({ required: false, description: 'Another image, e.g. debian-12.' }),
  }),
});
const ArchiveNodeInput = nodeIdInput('ArchiveNodeInput', 'The node to hide from the default list: FAILED, CANCELLED or RELEASED, holding no server.');
const ReleaseNodeInput = nodeIdInput('ReleaseNodeInput', 'The node whose server to give back.');

/** `<Name>Payload { node: Node! }`: the node as the mutation left it. */
function nodePayload(name: string) {
  return builder.objectRef<{ node: Node }>(`${name}Payload`).implement({
    description: `${name} succeeded: the node as it is now.`,
    fields: (t) => ({ node: t.field({ type: NodeRef, resolve: (payload) => payload.node }) }),
  });
}

function actorOf(ctx: AuthenticatedContext): NodeActor {
  return { organizationId: ctx.principal.organizationId, apiTokenId: ctx.principal.tokenId };
}

builder.mutationFields((t) => ({
  createNode: t.withAuth({ authenticated: true }).field({
    type: nodePayload('CreateNode'),
    description:
      'Acquires a node: checks the input against the connection and its catalog, then queues it (phase QUEUED) and returns at once; ' +
      'follow it with nodeEvents or node(id). ValidationError names the field (path); NotFoundError for a connection of another organization; ' +
      'ConflictError (path input.name) when a live node has the name; ProviderError / RateLimitedError when the catalog cannot be read.',
    args: { input: t.arg({ type: CreateNodeInput, required: true }) },
    errors: mutationErrors('CreateNode', ['input', 'notFound', 'conflict', 'provider', 'rateLimited']),
    resolve: typedErrors(async (_root, { input }, ctx) => {
      const node = await createNode(ctx.deps, actorOf(ctx), {
        providerConnectionId: String(input.providerConnectionId),
        name: input.name,
        serverType: input.serverType,
        location: input.location,
        image: input.image,
        sshKeyNames: input.sshKeyNames ?? null,
        sshKeys: input.sshKeys ?? null,
        userData: input.userData ?? null,
        networkIds: input.networkIds?.map(String) ?? null,
        firewallIds: input.firewallIds?.map(String) ?? null,
        placementGroupId: input.placementGroupId === null || input.placementGroupId === undefined ? null : String(input.placementGroupId),
        publicIpv4: input.publicIpv4 ?? null,
        publicIpv6: input.publicIpv6 ?? null,
        labels: input.labels ?? null,
        alternatives: input.alternatives ?? null,
      });
      return { node };
    }),
  }),
  cancelNode: t.withAuth({ authenticated: true }).field({
    type: nodePayload('CancelNode'),
    description:
      'Stops an acquisition in progress: any server is deleted, then the node is CANCELLED (cancelRequestedAt is set at once). ' +
      'ConflictError for a READY node (use releaseNode) or a finished one.',
    args: { input: t.arg({ type: CancelNodeInput, required: true }) },
    errors: mutationErrors('CancelNode', ['notFound', 'conflict']),
    resolve: typedErrors(async (_root, { input }, ctx) => ({ node: await cancelNode(ctx.deps, actorOf(ctx), String(input.id)) })),
  }),
  retryNode: t.withAuth({ authenticated: true }).field({
    type: nodePayload('RetryNode'),
    description:
      'Starts a new attempt for a FAILED node (attempt + 1, back to QUEUED; the timeline continues), optionally with another location, server type or image. ' +
      'ValidationError (path) when the new placement does not fit the catalog or the connection is not VALID; ConflictError unless the node is FAILED (and not archived).',
    args: { input: t.arg({ type: RetryNodeInput, required: true }) },
    errors: mutationErrors('RetryNode', ['input', 'notFound', 'conflict', 'provider', 'rateLimited']),
    resolve: typedErrors(async (_root, { input }, ctx) => ({
      node: await retryNode(ctx.deps, actorOf(ctx), String(input.id), { location: input.location, serverType: input.serverType, image: input.image }),
    })),
  }),
  archiveNode: t.withAuth({ authenticated: true }).field({
    type: nodePayload('ArchiveNode'),
    description:
      'Hides a node at rest (FAILED, CANCELLED or RELEASED) that holds no server from the default `nodes` list (filter archived: true lists it); its timeline is kept. ' +
      'ConflictError, saying why, for a node in any other phase or one that may still hold a server.',
    args: { input: t.arg({ type: ArchiveNodeInput, required: true }) },
    errors: mutationErrors('ArchiveNode', ['notFound', 'conflict']),
    resolve: typedErrors(async (_root, { input }, ctx) => ({ node: await archiveNode(ctx.deps, actorOf(ctx), String(input.id)) })),
  }),
  releaseNode: t.withAuth({ authenticated: true }).field({
    type: nodePayload('ReleaseNode'),
    description:
      'Gives the server back: READY (or FAILED with a server left) → RELEASING → RELEASED once the provider confirms the delete. The node stays listed. ' +
      'ConflictError while it is being acquired (use cancelNode) or when it holds no server.',
    args: { input: t.arg({ type: ReleaseNodeInput, required: true }) },
    errors: mutationErrors('ReleaseNode', ['notFound', 'conflict']),
    resolve: typedErrors(async (_root, { input }, ctx) => ({ node: await releaseNode(ctx.deps, actorOf(ctx), String(input.id)) })),
  }),
}));

const NodeChangedFilter = builder.inputType('NodeChangedFilter', {
  description: 'Which changes to send: a node is sent when its state after the change matches (conditions combine with AND).',
  fields: (t) => ({
    providerConnectionId: t.id({ required: false, description: 'Only nodes of this provider connection.' }),
    phase: t.field({ type: [NodePhaseEnum], required: false, description: 'Only nodes that are now in one of these phases.' }),
  }),
});

// Subscriptions (live progress streaming). Kept at the end of the file, self-contained.
builder.subscriptionField('nodeChanged', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: NodeRef,
    description:
      'Any node of your organization (matching `filter`) whose timeline got a new event: its current state, for list views. ' +
      'Changes that come faster than you read are merged into one. Subscribe first, then query `nodes`, to miss nothing. ' +
      'NOT_FOUND (at once) when filter.providerConnectionId is not a connection of your organization.',
    args: { filter: t.arg({ type: NodeChangedFilter, required: false }) },
    subscribe: async (_root, args, ctx) => {
      const organizationId = ctx.principal.organizationId;
      // A connection you cannot see is NOT_FOUND at once (as for node(id) and nodeEvents), not a stream that stays silent.
      if (args.filter?.providerConnectionId) await getConnection(ctx.deps, organizationId, args.filter.providerConnectionId, { select: { id: true } });
      // One reader per organization serves every subscriber of it: it reads the organization's
      // changed nodes, and each subscription keeps those matching its own filter.
      const connectionId = args.filter?.providerConnectionId == null ? undefined : String(args.filter.providerConnectionId);
      const phases = args.filter?.phase?.length ? new Set<string>(args.filter.phase) : undefined;
      return openChangeStream({
        events: ctx.events,
        topic: 'organizationNodes',
        key: organizationId,
        idOf: (notice) => notice.nodeId,
        loadByIds: (ids) => ctx.db.node.findMany({ where: { organizationId, id: { in: ids } } }),
        loadChangedSince: (since) => ctx.db.node.findMany({ where: { organizationId, updatedAt: { gte: since } }, orderBy: { updatedAt: 'asc' } }),
        accept: (node) => (connectionId === undefined || node.providerConnectionId === connectionId) && (phases === undefined || phases.has(node.phase)),
      });
    },
    resolve: (node) => node,
  }),
);
