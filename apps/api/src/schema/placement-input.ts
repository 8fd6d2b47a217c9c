import { ALTERNATIVES_MAX } from '@hangar/core/placements';
import { builder } from './builder.ts';

/** An alternative placement of createNode (core placements.ts). */
export const PlacementInput = builder.inputType('PlacementInput', {
  description:
    'Where else a node may go when the provider refuses for capacity: a server type, a location or both (the other one is the requested one). ' +
    'Checked against the catalog like the request.',
  fields: (t) => ({
    serverType: t.string({ required: false, description: 'e.g. cx32; defaults to the requested server type.' }),
    location: t.string({ required: false, description: 'e.g. nbg1; defaults to the requested location.' }),
  }),
});

export const ALTERNATIVES_DESCRIPTION =
  `At most ${ALTERNATIVES_MAX} placements tried in order when the provider refuses the current one for capacity ` +
  '(PROVIDER_CAPACITY_UNAVAILABLE, PROVIDER_PLACEMENT_FAILED); each switch is an event on the timeline. Without them a capacity refusal fails the node.';
