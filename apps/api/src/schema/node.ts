import { queryFromInfo } from '@pothos/plugin-prisma';
import { HangarError } from '@hangar/domain/api-errors';
import { shownId } from '@hangar/domain/text-rules';
import type { NodePhase } from '@hangar/db/generated/prisma/enums';
import type { Node } from '@hangar/db/generated/prisma/client';
import { openChangeStream } from '@hangar/events/change-stream';
import { builder } from './builder.ts';
import { NodePhaseEnum } from './enums.ts';
import { NodeErrorRef, type NodeErrorShape } from './error-types.ts';
import './acquisition-event.ts';
import { ProviderConnectionRef } from './provider-connection.ts';
import { HEARTBEAT_OVERDUE_INTERVALS, heartbeatOverdue } from '@hangar/core/bootstrap';
import { cancelNode, createNode, releaseNode, retryNode, type NodeActor } from '@hangar/core/nodes';
import { NODE_ERRORS, isNodeErrorCode } from '@hangar/domain/node-errors';
import { PROVIDER_ERRORS, isProviderErrorCode } from '@hangar/domain/provider-errors';
import type { AuthenticatedContext } from '../context.ts';

const DEFAULT_PAGE_SIZE = 20;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PAGE_SIZE = 100;

export const NodeRef = builder.prismaObject('Node', {
  description: 'A server node acquired through a provider connection.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    phase: t.expose('phase', { type: NodePhaseEnum }),
    providerConnection: t.relation('providerConnection', { type: ProviderConnectionRef }),
    serverType: t.exposeString('serverType'),
    location: t.exposeString('location'),
    image: t.exposeString('image'),
    providerServerId: t.exposeString('providerServerId', { nullable: true }),
    ipv4: t.exposeString('ipv4', { nullable: true }),
    ipv6: t.exposeString('ipv6', { nullable: true }),
    attempt: t.exposeInt('attempt', { description: 'Acquisition attempt, 1 for the first; retryNode starts the next.' }),
    error: t.field({ type: NodeErrorRef, nullable: true, resolve: (node) => (node.error as NodeErrorShape | null) ?? null }),
    lastHeartbeatAt: t.expose('lastHeartbeatAt', { type: 'DateTime', nullable: true, description: 'Last heartbeat from the machine’s bootstrap agent.' }),
    heartbeatOverdue: t.boolean({
      description: `True when a READY node’s machine stopped sending heartbeats (none for ${HEARTBEAT_OVERDUE_INTERVALS} intervals).`,
      resolve: (node, _args, ctx) => heartbeatOverdue(node, ctx.deps.config),
    }),
    lastHeartbeatHealthy: t.exposeBoolean('lastHeartbeatHealthy', { nullable: true, description: 'Whether the machine said it was healthy in its last heartbeat.' }),
    registeredAt: t.expose('registeredAt', { type: 'DateTime', nullable: true, description: 'When the machine’s bootstrap registered with Hangar.' }),
    cancelRequestedAt: t.expose('cancelRequestedAt', { type: 'DateTime', nullable: true, description: 'When cancelNode was called; the node becomes CANCELLED once its server is deleted.' }),
    releasedAt: t.expose('releasedAt', { type: 'DateTime', nullable: true }),
    providerServerName: t.exposeString('providerServerName', { nullable: true, description: 'The server’s name at the provider: `<name>-<first 8 of id>`.' }),
    sshKeyNames: t.exposeStringList('sshKeyNames'),
    labels: t.expose('labels', { type: 'JSON', description: 'The node’s own labels (Hangar adds hangar.dev/* labels on the server).' }),
    events: t.relation('events', {
      args: { after: t.arg.int({ required: false, description: 'Only events with seq greater than this.' }) },
      query: (args) => ({ where: { seq: { gt: args.after ?? 0 } }, orderBy: { seq: 'asc' } }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    readyAt: t.expose('readyAt', { type: 'DateTime', nullable: true }),
  }),
});

interface NodeEdgeShape { cursor: string; node: Node }

const PageInfo = builder.objectRef<{ hasNextPage: boolean; endCursor: string | null }>('PageInfo').implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    endCursor: t.exposeString('endCursor', { nullable: true }),
  }),
});

const NodeEdge = builder.objectRef<NodeEdgeShape>('NodeEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    // Loaded by `nodes` in one query with everything the selection below asks for.
    node: t.field({ type: NodeRef, resolve: (edge) => edge.node }),
  }),
});

const NodeConnection = builder.objectRef<{ edges: NodeEdgeShape[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>('NodeConnection').implement({
  fields: (t) => ({
    edges: t.field({ type: [NodeEdge], resolve: (connection) => connection.edges }),
    pageInfo: t.field({ type: PageInfo, resolve: (connection) => connection.pageInfo }),
  }),
});

/** Opaque cursor: the position (createdAt, id) of a node in newest-first order. */
function encodeCursor(node: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([node.createdAt.toISOString(), node.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    const date = new Date(createdAt);
    if (Number.isNaN(date.getTime()) || typeof id !== 'string' || !UUID_RE.test(id)) throw new Error('bad cursor');
    return { createdAt: date, id };
  } catch {
    throw new HangarError('VALIDATION_FAILED', 'after is not a cursor from this API', { field: 'after' });
  }
}

builder.queryFields((t) => ({
  node: t.withAuth({ authenticated: true }).prismaField({
    type: NodeRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const node = await ctx.db.node.findFirst({ ...query, where: { id: String(args.id), organizationId: ctx.principal.organizationId } }).catch(() => null);
      if (!node) throw new HangarError('NOT_FOUND', `no node ${shownId(String(args.id))} in your organization`);
      return node;
    },
  }),
  nodes: t.withAuth({ authenticated: true }).field({
    type: NodeConnection,
    description: 'The organization’s nodes, newest first.',
    args: {
      first: t.arg.int({ required: false, description: `Page size, 1..${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` }),
      after: t.arg.string({ required: false }),
      phase: t.arg({ type: [NodePhaseEnum], required: false, description: 'Only nodes in these phases.' }),
    },
    resolve: async (_root, args, ctx, info) => {
      const first = args.first ?? DEFAULT_PAGE_SIZE;
      if (first < 1 || first > MAX_PAGE_SIZE) throw new HangarError('VALIDATION_FAILED', `first must be between 1 and ${MAX_PAGE_SIZE}`, { field: 'first' });
      const after = args.after ? decodeCursor(args.after) : null;
      const rows = await ctx.db.node.findMany({
        where: {
          organizationId: ctx.principal.organizationId,
          ...(args.phase?.length ? { phase: { in: args.phase as NodePhase[] } } : {}),
          ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: first + 1,
        // The selection under edges.node (relations included), so the page is one query, not N+1.
        ...queryFromInfo({ context: ctx, info, path: ['edges', 'node'], typeName: 'Node' }),
      });
      const page = rows.slice(0, first);
      const edges = page.map((row) => ({ cursor: encodeCursor(row), node: row }));
      return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  }),
}));

// Mutations: acquiring and giving back nodes (packages/core nodes.ts).

builder.objectFields(NodeErrorRef, (t) => ({
  hint: t.string({
    nullable: true,
    description: 'What a person can do about it (from docs/error-codes.md).',
    resolve: (error) => {
      const stored = (error as NodeErrorShape & { hint?: string }).hint;
      if (stored) return stored;
      if (isNodeErrorCode(error.code)) return NODE_ERRORS[error.code].hint;
      return isProviderErrorCode(error.code) ? PROVIDER_ERRORS[error.code].hint : null;
    },
  }),
}));

const CreateNodeInput = builder.inputType('CreateNodeInput', {
  description: 'A node to acquire through a provider connection. serverType, location and image must exist in the connection’s live catalog and fit together.',
  fields: (t) => ({
    providerConnectionId: t.id({ required: true, description: 'A provider connection of your organization whose credentialStatus is VALID.' }),
    name: t.string({ required: true, description: 'RFC 1123 label (1–63 of a-z, 0-9 and "-"), unique among your live nodes.' }),
    serverType: t.string({ required: true, description: 'e.g. cx22 (see providerConnection.catalog.serverTypes).' }),
    location: t.string({ required: true, description: 'e.g. fsn1; the server type must be offered there.' }),
    image: t.string({ required: true, description: 'e.g. ubuntu-24.04; its architecture must match the server type’s.' }),
    sshKeyNames: t.stringList({ required: false, description: 'SSH keys of the provider project to install.' }),
    labels: t.field({ type: 'JSON', required: false, description: 'String → string labels (Hetzner label rules); the hangar.dev/ prefix is reserved.' }),
  }),
});

function actorOf(ctx: AuthenticatedContext): NodeActor {
  return { organizationId: ctx.principal.organizationId, apiTokenId: ctx.principal.tokenId };
}

builder.mutationFields((t) => ({
  createNode: t.withAuth({ authenticated: true }).prismaField({
    type: NodeRef,
    description:
      'Acquires a node: checks the input against the connection and its live catalog, then queues it (phase QUEUED) and returns at once; ' +
      'follow it with nodeEvents or node(id). VALIDATION_FAILED names the field; NOT_FOUND for a connection of another organization; ' +
      'CONFLICT (field name) when a live node has the name; PROVIDER_* when the catalog cannot be read.',
    args: { input: t.arg({ type: CreateNodeInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const node = await createNode(ctx.deps, actorOf(ctx), {
        providerConnectionId: String(input.providerConnectionId),
        name: input.name,
        serverType: input.serverType,
        location: input.location,
        image: input.image,
        sshKeyNames: input.sshKeyNames ?? null,
        labels: input.labels,
      });
      return ctx.db.node.findUniqueOrThrow({ ...query, where: { id: node.id } });
    },
  }),
  cancelNode: t.withAuth({ authenticated: true }).prismaField({
    type: NodeRef,
    description:
      'Stops an acquisition in progress: any server is deleted, then the node is CANCELLED (cancelRequestedAt is set at once). ' +
      'CONFLICT for a READY node (use releaseNode) or a finished one.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const node = await cancelNode(ctx.deps, actorOf(ctx), String(args.id));
      return ctx.db.node.findUniqueOrThrow({ ...query, where: { id: node.id } });
    },
  }),
  retryNode: t.withAuth({ authenticated: true }).prismaField({
    type: NodeRef,
    description: 'Starts a new attempt for a FAILED node (attempt + 1, back to QUEUED; the timeline continues). CONFLICT unless the node is FAILED.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const node = await retryNode(ctx.deps, actorOf(ctx), String(args.id));
      return ctx.db.node.findUniqueOrThrow({ ...query, where: { id: node.id } });
    },
  }),
  releaseNode: t.withAuth({ authenticated: true }).prismaField({
    type: NodeRef,
    description:
      'Gives the server back: READY (or FAILED with a server left) → RELEASING → RELEASED once the provider confirms the delete. The node stays listed. ' +
      'CONFLICT while it is being acquired (use cancelNode) or when it holds no server.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const node = await releaseNode(ctx.deps, actorOf(ctx), String(args.id));
      return ctx.db.node.findUniqueOrThrow({ ...query, where: { id: node.id } });
    },
  }),
}));

// Subscriptions (live progress streaming). Kept at the end of the file, self-contained.
builder.subscriptionField('nodeChanged', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: NodeRef,
    description:
      'Any node of your organization whose timeline got a new event: its current state, for list views. ' +
      'Changes that come faster than you read are merged into one. Subscribe first, then query `nodes`, to miss nothing.',
    subscribe: (_root, _args, ctx) => {
      const organizationId = ctx.principal.organizationId;
      return openChangeStream({
        events: ctx.events,
        topic: 'organizationNodes',
        key: organizationId,
        idOf: (notice) => notice.nodeId,
        loadByIds: (ids) => ctx.db.node.findMany({ where: { id: { in: ids }, organizationId } }),
        loadChangedSince: (since) => ctx.db.node.findMany({ where: { organizationId, updatedAt: { gte: since } }, orderBy: { updatedAt: 'asc' } }),
      });
    },
    resolve: (node) => node,
  }),
);
