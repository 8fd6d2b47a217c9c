import { catalogOfRow, refreshConnectionCatalog, type StoredCatalog } from '@hangar/core/catalog';
import { actorOf } from '@hangar/core/provider-connections';
import type { ProviderConnection } from '@hangar/db/generated/prisma/client';
import type { CatalogImage, CatalogLocation, CatalogMoney, CatalogPrice, CatalogServerType } from '@hangar/providers/provider';
import { builder } from './builder.ts';
import { ArchitectureEnum } from './enums.ts';
import { mutationErrors, typedErrors } from './error-types.ts';
import { ProviderConnectionRef } from './provider-connection.ts';

const LocationRef = builder.objectRef<CatalogLocation>('Location').implement({
  description: 'A place where the provider creates servers.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The location name to create nodes in, e.g. "fsn1".' }),
    description: t.exposeString('description'),
    country: t.exposeString('country', { description: 'ISO 3166-1 alpha-2 country code.' }),
    city: t.exposeString('city'),
  }),
});

export const MoneyRef = builder.objectRef<CatalogMoney>('Money').implement({
  description: 'An amount as the provider states it: decimal strings (e.g. "4.5100000000"), never rounded to a float.',
  fields: (t) => ({
    net: t.exposeString('net', { description: 'Without VAT, a decimal string.' }),
    gross: t.exposeString('gross', { description: 'With the VAT of the provider account, a decimal string.' }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code, e.g. "EUR".' }),
  }),
});

export const ServerTypePriceRef = builder.objectRef<CatalogPrice>('ServerTypePrice').implement({
  description: 'What a server type costs in one location.',
  fields: (t) => ({
    location: t.exposeString('location', { description: 'The location name this price is for.' }),
    hourly: t.field({ type: MoneyRef, resolve: (price) => price.hourly }),
    monthly: t.field({ type: MoneyRef, description: 'The most a server of this type costs in a month.', resolve: (price) => price.monthly }),
  }),
});

const ServerTypeRef = builder.objectRef<CatalogServerType>('ServerType').implement({
  description: 'A server size the provider offers.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The server type name to create nodes with, e.g. "cx22".' }),
    cores: t.exposeInt('cores'),
    memoryGb: t.exposeFloat('memoryGb'),
    diskGb: t.exposeInt('diskGb'),
    architecture: t.expose('architecture', { type: ArchitectureEnum }),
    locations: t.exposeStringList('locations', { description: 'Names of the locations where this type can be ordered now.' }),
    deprecated: t.exposeBoolean('deprecated', { description: 'The provider is retiring this type; it may no longer be orderable.' }),
    prices: t.field({
      type: [ServerTypePriceRef],
      description: 'Per location, as the provider lists them.',
      // Catalogs stored before prices were kept have none.
      resolve: (type) => type.prices ?? [],
    }),
  }),
});

const ImageRef = builder.objectRef<CatalogImage>('Image').implement({
  description: 'An operating system image (not deprecated).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The image name to create nodes with, e.g. "ubuntu-24.04".' }),
    description: t.exposeString('description'),
    architecture: t.expose('architecture', { type: ArchitectureEnum, description: 'Pick a server type of the same architecture.' }),
  }),
});

const ProviderCatalogRef = builder.objectRef<StoredCatalog>('ProviderCatalog').implement({
  description:
    'What the provider offers to this connection, as Hangar last read it (stored; reading it never calls the provider). ' +
    'Refreshed every 15 minutes and by refreshCatalog; a failed refresh keeps the last good one.',
  fields: (t) => ({
    fetchedAt: t.expose('fetchedAt', { type: 'DateTime', description: 'When it was read from the provider.' }),
    locations: t.field({ type: [LocationRef], resolve: (catalog) => catalog.locations }),
    serverTypes: t.field({ type: [ServerTypeRef], resolve: (catalog) => catalog.serverTypes }),
    images: t.field({ type: [ImageRef], resolve: (catalog) => catalog.images }),
  }),
});

builder.prismaObjectField(ProviderConnectionRef, 'catalog', (t) =>
  t.field({
    type: ProviderCatalogRef,
    nullable: true,
    description:
      'Locations, server types (with prices per location) and images, as last read with the current token; null until a read succeeded ' +
      '(refreshCatalog reads it now). Never fails: a refused token shows in credentialStatus and the last good catalog stays.',
    select: { tokenFingerprint: true, catalog: true },
    resolve: (connection) => catalogOfRow(connection.catalog, connection.tokenFingerprint),
  }),
);

const RefreshCatalogInput = builder.inputType('RefreshCatalogInput', {
  fields: (t) => ({ id: t.id({ required: true, description: 'The provider connection.' }) }),
});

const RefreshCatalogPayload = builder.objectRef<{ providerConnection: ProviderConnection }>('RefreshCatalogPayload').implement({
  fields: (t) => ({
    providerConnection: t.field({ type: ProviderConnectionRef, description: 'The connection with its fresh catalog.', resolve: (payload) => payload.providerConnection }),
  }),
});

builder.mutationFields((t) => ({
  refreshCatalog: t.withAuth({ authenticated: true }).field({
    type: RefreshCatalogPayload,
    description:
      'Reads the connection’s catalog from the provider now and stores it (3 paginated reads at the provider). A refused token is a ProviderError ' +
      '(and credentialStatus INVALID); the last good catalog stays readable. ConflictError when the token was rotated during the read.',
    args: { input: t.arg({ type: RefreshCatalogInput, required: true }) },
    errors: mutationErrors('RefreshCatalog', ['notFound', 'conflict', 'provider', 'rateLimited']),
    resolve: typedErrors(async (_root, { input }, ctx) => ({
      providerConnection: await refreshConnectionCatalog(ctx.deps, actorOf(ctx.principal), String(input.id)),
    })),
  }),
}));
