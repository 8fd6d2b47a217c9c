import { openNodeEventStream } from '@hangar/core/node-event-stream';
import { builder } from './builder.ts';
import { EventKindEnum, NodePhaseEnum } from './enums.ts';
import { NodeErrorRef, type NodeErrorShape } from './error-types.ts';

/** One step on a node's timeline. `seq` is per node, gap-free, starting at 1. */
export const AcquisitionEventRef = builder.prismaObject('AcquisitionEvent', {
  fields: (t) => ({
    seq: t.exposeInt('seq'),
    nodeId: t.exposeID('nodeId'),
    phase: t.expose('phase', { type: NodePhaseEnum }),
    kind: t.expose('kind', { type: EventKindEnum }),
    message: t.exposeString('message'),
    progress: t.exposeInt('progress', { nullable: true, description: '0..100 while WAITING_FOR_SERVER.' }),
    attempt: t.exposeInt('attempt', { nullable: true }),
    error: t.field({ type: NodeErrorRef, nullable: true, resolve: (event) => (event.error as NodeErrorShape | null) ?? null }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

builder.subscriptionField('nodeEvents', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: AcquisitionEventRef,
    description:
      'A node’s timeline: the stored events with seq > `after` (default 0), then live ones, in seq order, each exactly once. ' +
      'Completes once every event up to a moment when the node rests (its latest event is in READY, FAILED, CANCELLED or RELEASED) is sent. ' +
      'To resume after a disconnect, subscribe again with `after` = the last seq received. docs/api-contract.md has the details.',
    args: {
      nodeId: t.arg.id({ required: true }),
      after: t.arg.int({ required: false, description: 'The last seq the client has; only later events are sent.' }),
    },
    subscribe: (_root, args, ctx) =>
      openNodeEventStream(
        { db: ctx.db, events: ctx.events },
        { organizationId: ctx.principal.organizationId, nodeId: String(args.nodeId), after: args.after ?? 0 },
      ),
    resolve: (event) => event,
  }),
);
