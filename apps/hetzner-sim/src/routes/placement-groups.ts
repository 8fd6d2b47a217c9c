import { type ApiRequest, type ApiRoute, type SimDeps } from '../context.ts';
import { toRfc3339 } from '../clock.ts';
import { invalidInput } from '../errors.ts';
import { readLabels } from '../labels.ts';
import { isGone } from '../lifecycle.ts';
import { readResourceName, resourceRoutes, resourceTools } from '../project-resource.ts';
import { type PlacementGroup, type SimState, nextId } from '../state.ts';
import { FieldErrors, isRecord } from '../validate.ts';

/**
 * Placement groups (type spread: every server on another host): list/create/get/update/delete.
 * A spread group holds at most PLACEMENT_GROUP_MAX_SERVERS servers; POST /servers answers
 * placement_error beyond that.
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

export function placementGroupRoutes(deps: SimDeps): ApiRoute[] {
  const { state } = deps;
  const kind = {
    plural: 'placement_groups',
    singular: 'placement_group',
    title: 'Placement Group',
    store: state.placementGroups,
    render: (group: PlacementGroup, req: ApiRequest) => renderPlacementGroup(state, group, req.now),
    filter: (group: PlacementGroup, query: URLSearchParams) => {
      const types = query.getAll('type');
      return types.length === 0 || types.includes(group.type);
    },
    // Hetzner deletes a group with servers in it and takes them out; so does the simulator.
    inUse: () => null,
  };
  const { assertNameFree } = resourceTools(kind);
  return [
    ...resourceRoutes(kind),
    {
      method: 'POST',
      pattern: '/placement_groups',
      handler: async (req) => {
        const body = await req.json();
        if (!isRecord(body)) throw invalidInput([{ name: 'body', messages: ['must be a JSON object'] }]);
        const errors = new FieldErrors();
        const name = readResourceName(body.name, errors);
        if (body.type !== 'spread') errors.add('type', 'must be spread');
        const labels = readLabels(body.labels, errors);
        errors.throwIfAny();
        if (name === null) throw new Error('unreachable: validated above');
        assertNameFree(req, name, null);
        const group: PlacementGroup = { id: nextId(state, 'placementGroup'), projectId: req.project.id, name, type: 'spread', labels, createdMs: req.now };
        state.placementGroups.set(group.id, group);
        return { status: 201, body: { placement_group: renderPlacementGroup(state, group, req.now) } };
      },
    },
  ];
}
