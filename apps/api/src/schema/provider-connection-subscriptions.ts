import type { ProviderConnection } from '@hangar/db/generated/prisma/client';
import { openChangeStream } from '@hangar/events/change-stream';
import { builder } from './builder.ts';
import { ProviderConnectionRef } from './provider-connection.ts';

/** One change of a provider connection: its current state, or that it was deleted. */
interface ConnectionChange {
  id: string;
  deleted: boolean;
  providerConnection: ProviderConnection | null;
}

const ProviderConnectionChangeRef = builder.objectRef<ConnectionChange>('ProviderConnectionChange').implement({
  description: 'A provider connection that changed: `deleted` true (and `providerConnection` null) when it no longer exists.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The connection’s id.' }),
    deleted: t.exposeBoolean('deleted', { description: 'True when the connection was deleted: drop it from your views.' }),
    providerConnection: t.field({ type: ProviderConnectionRef, nullable: true, description: 'Its current state; null when deleted.', resolve: (change) => change.providerConnection }),
  }),
});

builder.subscriptionField('providerConnectionChanged', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: ProviderConnectionChangeRef,
    description:
      'A provider connection of your organization changed (its credential status after a live check, a rotated token, a rename) or was deleted. ' +
      'Changes that come faster than you read are merged into one. After a reconnect, changes are caught up but deletions are not: query providerConnections again.',
    subscribe: (_root, _args, ctx) => {
      const organizationId = ctx.principal.organizationId;
      return openChangeStream<'organizationConnections', ConnectionChange>({
        events: ctx.events,
        topic: 'organizationConnections',
        key: organizationId,
        idOf: (notice) => notice.connectionId,
        // A notice names a connection of this organization (it is routed by organization id): one
        // that no longer exists was deleted.
        loadByIds: async (ids) => {
          const rows = await ctx.db.providerConnection.findMany({ where: { id: { in: ids }, organizationId } });
          const found = new Map(rows.map((row) => [row.id, row]));
          return ids.map((id) => {
            const row = found.get(id);
            return row ? { id, deleted: false, providerConnection: row } : { id, deleted: true, providerConnection: null };
          });
        },
        loadChangedSince: async (since) => {
          const rows = await ctx.db.providerConnection.findMany({ where: { organizationId, updatedAt: { gte: since } }, orderBy: { updatedAt: 'asc' } });
          return rows.map((row) => ({ id: row.id, deleted: false, providerConnection: row }));
        },
      });
    },
    resolve: (change) => change,
  }),
);
