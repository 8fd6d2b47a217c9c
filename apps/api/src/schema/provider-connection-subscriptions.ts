import { openChangeStream } from '@hangar/events/change-stream';
import { builder } from './builder.ts';
import { ProviderConnectionRef } from './provider-connection.ts';

builder.subscriptionField('providerConnectionChanged', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: ProviderConnectionRef,
    description:
      'A provider connection of your organization changed (its credential status after a live check, a rotated token, a rename): ' +
      'its current state. Changes that come faster than you read are merged into one. Deleted connections are not sent.',
    subscribe: (_root, _args, ctx) => {
      const organizationId = ctx.principal.organizationId;
      return openChangeStream({
        events: ctx.events,
        topic: 'organizationConnections',
        key: organizationId,
        idOf: (notice) => notice.connectionId,
        loadByIds: (ids) => ctx.db.providerConnection.findMany({ where: { id: { in: ids }, organizationId } }),
        loadChangedSince: (since) => ctx.db.providerConnection.findMany({ where: { organizationId, updatedAt: { gte: since } }, orderBy: { updatedAt: 'asc' } }),
      });
    },
    resolve: (connection) => connection,
  }),
);
