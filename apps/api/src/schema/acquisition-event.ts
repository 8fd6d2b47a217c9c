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
