import type { Prisma } from '@hangar/db/generated/prisma/client';
import { HangarError } from '@hangar/domain/api-errors';
import { builder } from './builder.ts';
import { paging } from './pagination.ts';
import { ApiTokenInfoRef } from './viewer.ts';

/** Longest `action`/`targetType` filter value: longer than any action Hangar writes. */
const FILTER_VALUE_MAX_CHARS = 64;
const FILTER_LIST_MAX = 20;

export const AuditEventRef = builder.prismaObject('AuditEvent', {
  description: 'Who did what: one row per change made through the API (and per on-demand check), and per change Hangar made on its own. Never holds a secret.',
  fields: (t) => ({
    id: t.id({ resolve: (event) => String(event.id) }),
    at: t.expose('at', { type: 'DateTime' }),
    action: t.exposeString('action', { description: '`<target>.<verb>`, e.g. node.create, provider_connection.rotate_token, node.server_reconciled.' }),
    targetType: t.exposeString('targetType', { description: 'What the action touched, e.g. Node or ProviderConnection.' }),
    targetId: t.exposeID('targetId'),
    actor: t.relation('apiToken', {
      type: ApiTokenInfoRef,
      nullable: true,
      description: 'The API token that made the change; null for Hangar’s own actions (jobs, reconciliation) and for a since-deleted token.',
    }),
    details: t.expose('details', { type: 'JSON', description: 'Flat names, kinds, phases, endpoints and token hints of the change (never a secret).' }),
  }),
});

const AuditEventFilter = builder.inputType('AuditEventFilter', {
  description: 'Which audit events to list; the conditions combine with AND.',
  fields: (t) => ({
    actions: t.stringList({ required: false, description: `Only these actions (e.g. ["node.create", "node.release"]); at most ${FILTER_LIST_MAX}.` }),
    targetType: t.string({ required: false, description: 'Only actions on this kind of target, e.g. Node.' }),
    targetId: t.id({ required: false, description: 'Only actions on this target (a node’s or a provider connection’s id).' }),
    since: t.field({ type: 'DateTime', required: false, description: 'Only events at or after this time.' }),
    until: t.field({ type: 'DateTime', required: false, description: 'Only events before this time.' }),
  }),
});

interface AuditFilterShape {
  actions?: readonly string[] | null;
  targetType?: string | null;
  targetId?: string | number | null;
  since?: Date | null;
  until?: Date | null;
}

function tooLong(field: string): HangarError {
  return new HangarError('VALIDATION_FAILED', `${field} must be at most ${FILTER_VALUE_MAX_CHARS} characters`, { field });
}

function auditWhere(organizationId: string, filter: AuditFilterShape | null | undefined): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput = { organizationId };
  if (!filter) return where;
  if (filter.actions) {
    if (filter.actions.length > FILTER_LIST_MAX) throw new HangarError('VALIDATION_FAILED', `at most ${FILTER_LIST_MAX} actions`, { field: 'filter.actions' });
    if (filter.actions.some((action) => action.length > FILTER_VALUE_MAX_CHARS)) throw tooLong('filter.actions');
    where.action = { in: [...filter.actions] };
  }
  if (filter.targetType != null) {
    if (filter.targetType.length > FILTER_VALUE_MAX_CHARS) throw tooLong('filter.targetType');
    where.targetType = filter.targetType;
  }
  if (filter.targetId != null) {
    const targetId = String(filter.targetId);
    if (targetId.length > FILTER_VALUE_MAX_CHARS) throw tooLong('filter.targetId');
    where.targetId = targetId;
  }
  if (filter.since || filter.until) where.at = { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) };
  return where;
}

builder.queryField('auditEvents', (t) =>
  t.withAuth({ authenticated: true }).prismaConnection(
    {
      type: AuditEventRef,
      cursor: 'id',
      ...paging('bigint'),
      description: 'Your organization’s audit trail, newest first: who (which API token) did what to which target. first/last 1..100 (default 20).',
      args: { filter: t.arg({ type: AuditEventFilter, required: false }) },
      totalCount: (_parent, args, ctx) => ctx.db.auditEvent.count({ where: auditWhere(ctx.principal.organizationId, args.filter) }),
      resolve: (query, _root, args, ctx) =>
        ctx.db.auditEvent.findMany({ ...query, where: auditWhere(ctx.principal.organizationId, args.filter), orderBy: { id: 'desc' } }),
    },
    { name: 'AuditEventConnection' },
    { name: 'AuditEventEdge' },
  ),
);
