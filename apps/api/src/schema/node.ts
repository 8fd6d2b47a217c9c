import { HangarError } from '@hangar/domain/api-errors';
import type { NodePhase } from '@hangar/db/generated/prisma/enums';
import { builder } from './builder.ts';
import { NodePhaseEnum } from './enums.ts';
import { NodeErrorRef, type NodeErrorShape } from './error-types.ts';
import './acquisition-event.ts';
import { ProviderConnectionRef } from './provider-connection.ts';

const DEFAULT_PAGE_SIZE = 20;
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
    events: t.relation('events', {
      args: { after: t.arg.int({ required: false, description: 'Only events with seq greater than this.' }) },
      query: (args) => ({ where: { seq: { gt: args.after ?? 0 } }, orderBy: { seq: 'asc' } }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    readyAt: t.expose('readyAt', { type: 'DateTime', nullable: true }),
  }),
});

interface NodeEdgeShape { cursor: string; node: { id: string } }

const PageInfo = builder.objectRef<{ hasNextPage: boolean; endCursor: string | null }>('PageInfo').implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    endCursor: t.exposeString('endCursor', { nullable: true }),
  }),
});

const NodeEdge = builder.objectRef<NodeEdgeShape>('NodeEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    node: t.prismaField({
      type: NodeRef,
      resolve: (query, edge, _args, ctx) => ctx.db.node.findUniqueOrThrow({ ...query, where: { id: edge.node.id } }),
    }),
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
    if (Number.isNaN(date.getTime()) || typeof id !== 'string') throw new Error('bad cursor');
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
      if (!node) throw new HangarError('NOT_FOUND', `no node ${String(args.id)} in your organization`);
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
    resolve: async (_root, args, ctx) => {
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
        select: { id: true, createdAt: true },
      });
      const page = rows.slice(0, first);
      const edges = page.map((row) => ({ cursor: encodeCursor(row), node: { id: row.id } }));
      return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  }),
}));
