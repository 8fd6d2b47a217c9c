import { type ApiRoute, type SimDeps, listReply } from '../context.ts';
import { invalidInput, notFound } from '../errors.ts';
import { actionAt } from '../lifecycle.ts';
import { paginate } from '../pagination.ts';
import { renderAction } from '../render.ts';
import { type SortFields, sortItems } from '../sorting.ts';
import type { Action } from '../state.ts';
import { parseId } from '../validate.ts';

/**
 * GET /actions?id=… (id required and repeatable: listing every action was removed from the real
 * API in 2025) and GET /actions/{id}. Actions stay readable after their server is gone.
 */

export function actionSortFields(now: number): SortFields<Action> {
  return {
    id: (a) => a.id,
    command: (a) => a.command,
    status: (a) => actionAt(a, now).status,
    started: (a) => a.startedMs,
    finished: (a) => actionAt(a, now).finishedMs,
  };
}

const ACTION_STATUSES = new Set(['running', 'success', 'error']);

/** The repeatable `status` filter of action lists. */
export function readActionStatusFilter(query: URLSearchParams): Set<string> | null {
  const values = query.getAll('status').flatMap((v) => v.split(',')).filter((v) => v !== '');
  if (values.length === 0) return null;
  if (values.some((v) => !ACTION_STATUSES.has(v))) {
    throw invalidInput([{ name: 'status', messages: ['must be running, success or error'] }]);
  }
  return new Set(values);
}

export function actionRoutes(deps: SimDeps): ApiRoute[] {
  const { state } = deps;
  return [
    {
      method: 'GET',
      pattern: '/actions',
      handler: (req) => {
        const raw = req.query.getAll('id').flatMap((v) => v.split(',')).filter((v) => v !== '');
        if (raw.length === 0) throw invalidInput([{ name: 'id', messages: ['is required (listing all actions was removed)'] }]);
        const ids = raw.map((v) => parseId(v));
        if (ids.some((id) => id === null)) throw invalidInput([{ name: 'id', messages: ['must be positive integers'] }]);
        const statuses = readActionStatusFilter(req.query);
        const found = ids
          .map((id) => state.actions.get(id as number))
          .filter((a): a is Action => a !== undefined && a.projectId === req.project.id)
          .filter((a, i, all) => all.indexOf(a) === i)
          .filter((a) => statuses === null || statuses.has(actionAt(a, req.now).status));
        const sorted = sortItems(found, req.query, actionSortFields(req.now), (a) => a.id);
        return listReply('actions', paginate(sorted, req.query, req.url), (a) => renderAction(a, req.now));
      },
    },
    {
      method: 'GET',
      pattern: '/actions/:id',
      handler: (req) => {
        const id = parseId(req.params.id);
        const action = id === null ? undefined : state.actions.get(id);
        if (!action || action.projectId !== req.project.id) throw notFound('action');
        return { status: 200, body: { action: renderAction(action, req.now) } };
      },
    },
  ];
}
