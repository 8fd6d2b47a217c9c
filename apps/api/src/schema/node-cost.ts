/**
 * What nodes cost and where they went: Node.price, Node.costSoFar, Node.requested*,
 * Node.alternatives and Query.runRate (core node-cost.ts and placements.ts).
 */
import { costSoFar, nodePrice, runRate, type RunRate } from '@hangar/core/node-cost';
import { alternativesOf, type Placement } from '@hangar/core/placements';
import { builder } from './builder.ts';
import { MoneyRef, ServerTypePriceRef } from './catalog.ts';
import { NodeRef } from './node.ts';

const PlacementRef = builder.objectRef<Placement>('Placement').implement({
  description: 'Where a server goes: a server type in a location.',
  fields: (t) => ({
    serverType: t.exposeString('serverType'),
    location: t.exposeString('location'),
  }),
});

builder.prismaObjectFields(NodeRef, (t) => ({
  requestedServerType: t.string({
    description: 'The server type createNode asked for (serverType is where the node went).',
    select: { requestedServerType: true, serverType: true },
    resolve: (node) => node.requestedServerType ?? node.serverType,
  }),
  requestedLocation: t.string({
    description: 'The location createNode asked for (location is where the node went).',
    select: { requestedLocation: true, location: true },
    resolve: (node) => node.requestedLocation ?? node.location,
  }),
  alternatives: t.field({
    type: [PlacementRef],
    description: 'The fallback placements createNode listed, in the order they are tried.',
    select: { alternatives: true },
    resolve: (node) => alternativesOf(node),
  }),
  placementIndex: t.exposeInt('placementIndex', { description: '0 while the requested placement is in use; i after falling back to alternatives[i-1].' }),
  price: t.field({
    type: ServerTypePriceRef,
    nullable: true,
    description:
      'What the node’s server type costs at its location, from the catalog when the placement was chosen (later catalog changes do not rewrite it); ' +
      'null when the catalog stated no price.',
    select: { price: true, serverType: true, location: true },
    resolve: (node) => nodePrice(node),
  }),
  costSoFar: t.field({
    type: MoneyRef,
    nullable: true,
    description:
      'What the node’s server cost so far by the provider’s billing rule (every started hour at the hourly price, at most the monthly price per calendar month, ' +
      'from the server’s creation to its deletion or now); 0 before it had a server; null when the price is unknown. Only the latest server counts.',
    select: { price: true, serverType: true, location: true, serverCreatedAt: true, phase: true, releasedAt: true, phaseEnteredAt: true, providerServerId: true },
    resolve: (node) => costSoFar(node),
  }),
  serverCreatedAt: t.expose('serverCreatedAt', { type: 'DateTime', nullable: true, description: 'When the provider created the node’s latest server: its billing starts here.' }),
}));

const RunRateRef = builder.objectRef<RunRate>('RunRate').implement({
  description: 'What your running servers cost per month: the monthly prices of the nodes holding a server now, per currency.',
  fields: (t) => ({
    monthly: t.field({ type: [MoneyRef], description: 'One sum per currency (empty when nothing runs or nothing is priced).', resolve: (rate) => rate.monthly }),
    nodes: t.exposeInt('nodes', { description: 'Nodes holding a server at the provider now.' }),
    unpricedNodes: t.exposeInt('unpricedNodes', { description: 'Of those, the ones whose price is unknown (not in monthly).' }),
  }),
});

builder.queryFields((t) => ({
  runRate: t.withAuth({ authenticated: true }).field({
    type: RunRateRef,
    description: 'The monthly run-rate of your organization’s nodes that hold a server.',
    resolve: (_root, _args, ctx) => runRate(ctx.db, ctx.principal.organizationId),
  }),
}));
