import { type ApiRoute, type SimDeps } from '../context.ts';
import { toRfc3339 } from '../clock.ts';
import { isGone } from '../lifecycle.ts';
import { type ResourceKind, createRoute, resourceRoutes } from '../project-resource.ts';
import { type PlacementGroup, type SimState } from '../state.ts';
import type { FieldErrors } from '../validate.ts';

/**
 * Placement groups (type spread: every server on another host): list/create/get/update/delete.
 * A spread group holds at most PLACEMENT_GROUP_MAX_SERVERS servers; POST /servers answers
 * placement_error beyond that. Hetzner deletes a group with servers in it and takes them out; so
 * does the simulator.
 */

export const PLACEMENT_GROUP_MAX_SERVERS = 10;

export function placementGroupServerIds(state: SimState, group: PlacementGroup, now: number): number[] {
  return [...state.servers.values()].filter((s) => !isGone(s, now) && s.placementGroupId === group.id).map((s) => s.id);
}

export function renderPlacementGroup(state: SimState, group: PlacementGroup, now: number): unknown {
  return {
    id: group.id,
    name: group.name,
    labels: { ...group.labels },
    type: group.type,
    created: toRfc3339(group.createdMs),
    servers: placementGroupServerIds(state, group, now),
  };
}

/** A placement group's own create field: its type, of which the spec has only spread. */
function readPlacementGroupFields(body: Record<string, unknown>, errors: FieldErrors): Pick<PlacementGroup, 'type'> | null {
  if (body.type === 'spread') return { type: 'spread' };
  errors.add('type', 'must be spread');
  return null;
}

export function placementGroupRoutes(deps: SimDeps): ApiRoute[] {
  const { state } = deps;
  const kind: ResourceKind<PlacementGroup> = {
    plural: 'placement_groups',
    singular: 'placement_group',
    title: 'Placement Group',
    store: state.placementGroups,
    render: (group, req) => renderPlacementGroup(state, group, req.now),
    filter: (group, query) => {
      const types = query.getAll('type');
      return types.length === 0 || types.includes(group.type);
    },
  };
  return [
    ...resourceRoutes(kind),
    createRoute(state, kind, { idCounter: 'placementGroup', read: readPlacementGroupFields }),
  ];
}
