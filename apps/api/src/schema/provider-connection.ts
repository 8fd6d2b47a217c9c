import type { ProviderErrorInfo } from '@hangar/domain/provider-errors';
import {
  actorOf,
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  readCatalog,
  rotateToken,
  validateConnection,
} from '@hangar/core/provider-connections';
import type { CatalogImage, CatalogLocation, CatalogServerType, ProviderCatalog } from '@hangar/providers/provider';
import { builder } from './builder.ts';
import { CredentialStatusEnum, ProviderKindEnum } from './enums.ts';
import { ProviderErrorRef } from './error-types.ts';

/** What every description of the provider token says (docs/features/provider-connections.md has the long form). */
const TOKEN_GUIDANCE =
  'A Hetzner Cloud project API token with Read & Write permission (Cloud Console → your project → Security → API tokens → Generate API token), ' +
  'sent to the provider as a bearer token. Hangar stores it encrypted (AES-256-GCM) and never returns it; only its last 4 characters are shown (tokenHint).';

const LocationRef = builder.objectRef<CatalogLocation>('Location').implement({
  description: 'A place where the provider creates servers.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The location name to create nodes in, e.g. "fsn1".' }),
    description: t.exposeString('description'),
    country: t.exposeString('country', { description: 'ISO 3166-1 alpha-2 country code.' }),
    city: t.exposeString('city'),
  }),
});

const ServerTypeRef = builder.objectRef<CatalogServerType>('ServerType').implement({
  description: 'A server size the provider offers.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The server type name to create nodes with, e.g. "cx22".' }),
    cores: t.exposeInt('cores'),
    memoryGb: t.exposeFloat('memoryGb'),
    diskGb: t.exposeInt('diskGb'),
    architecture: t.exposeString('architecture', { description: '"x86" or "arm".' }),
    locations: t.exposeStringList('locations', { description: 'Names of the locations where this type can be ordered now.' }),
    deprecated: t.exposeBoolean('deprecated', { description: 'The provider is retiring this type; it may no longer be orderable.' }),
  }),
});

const ImageRef = builder.objectRef<CatalogImage>('Image').implement({
  description: 'An operating system image (not deprecated).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The image name to create nodes with, e.g. "ubuntu-24.04".' }),
    description: t.exposeString('description'),
    architecture: t.exposeString('architecture', { description: '"x86" or "arm": pick a server type of the same architecture.' }),
  }),
});

const ProviderCatalogRef = builder.objectRef<ProviderCatalog>('ProviderCatalog').implement({
  description: 'What the provider offers to this connection, read live and cached for about a minute.',
  fields: (t) => ({
    locations: t.field({ type: [LocationRef], resolve: (catalog) => catalog.locations }),
    serverTypes: t.field({ type: [ServerTypeRef], resolve: (catalog) => catalog.serverTypes }),
    images: t.field({ type: [ImageRef], resolve: (catalog) => catalog.images }),
  }),
});

export const ProviderConnectionRef = builder.prismaObject('ProviderConnection', {
  description: `A provider account reached with its API token. The token: ${TOKEN_GUIDANCE}`,
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    kind: t.expose('kind', { type: ProviderKindEnum }),
    apiEndpoint: t.exposeString('apiEndpoint', { description: 'Base URL of the provider API, e.g. https://api.hetzner.cloud/v1.' }),
    tokenHint: t.exposeString('tokenHint', { description: 'The last 4 characters of the token, e.g. "…a1b2"; never the token.' }),
    credentialStatus: t.expose('credentialStatus', {
      type: CredentialStatusEnum,
      description: 'Outcome of the last live check of the token (on create, rotate, validateProviderConnection, every 15 minutes, and when an acquisition is refused).',
    }),
    credentialCheckedAt: t.expose('credentialCheckedAt', { type: 'DateTime', nullable: true, description: 'When the token was last checked live.' }),
    credentialError: t.field({
      type: ProviderErrorRef,
      nullable: true,
      description: 'Why the last check did not give VALID (the provider’s code, HTTP status and request id); null when VALID.',
      resolve: (connection) => (connection.credentialError as ProviderErrorInfo | null) ?? null,
    }),
    catalog: t.field({
      type: ProviderCatalogRef,
      description: 'Locations, server types (with where they are offered) and images, live from the provider, cached briefly. Fails with the PROVIDER_* code when the provider refuses.',
      select: { id: true, kind: true, apiEndpoint: true, tokenSealed: true, tokenFingerprint: true },
      resolve: (connection, _args, ctx) => readCatalog(ctx.deps, connection),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreateProviderConnectionInput = builder.inputType('CreateProviderConnectionInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'A name for the connection, unique in your organization (1–64 characters).' }),
    kind: t.field({ type: ProviderKindEnum, required: true }),
    token: t.string({ required: true, description: `Write-only. ${TOKEN_GUIDANCE} Hetzner tokens have 64 characters.` }),
    apiEndpoint: t.string({ required: false, description: 'Base URL of the provider API. Default: the provider’s public API (https://api.hetzner.cloud/v1); the local simulator in development.' }),
  }),
});

builder.queryFields((t) => ({
  providerConnections: t.withAuth({ authenticated: true }).prismaField({
    type: [ProviderConnectionRef],
    description: 'The organization’s provider connections, oldest first.',
    resolve: (query, _root, _args, ctx) => listConnections(ctx.deps, ctx.principal.organizationId, query),
  }),
  providerConnection: t.withAuth({ authenticated: true }).prismaField({
    type: ProviderConnectionRef,
    nullable: true,
    description: 'One provider connection of the organization; NOT_FOUND for any other id.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => getConnection(ctx.deps, ctx.principal.organizationId, String(args.id), query),
  }),
}));

builder.mutationFields((t) => ({
  createProviderConnection: t.withAuth({ authenticated: true }).prismaField({
    type: ProviderConnectionRef,
    description:
      `Connects a provider account. ${TOKEN_GUIDANCE} The token is checked live before this returns: credentialStatus says how it went ` +
      '(a connection is created even when the token is refused, so you can see why and rotate it). VALIDATION_FAILED (field token) for an empty, ' +
      'whitespace-containing or truncated token, before any provider call; CONFLICT (field name) when the name is taken.',
    args: { input: t.arg({ type: CreateProviderConnectionInput, required: true }) },
    resolve: (_query, _root, { input }, ctx) =>
      createConnection(ctx.deps, actorOf(ctx.principal), { name: input.name, kind: input.kind, token: input.token, apiEndpoint: input.apiEndpoint }),
  }),
  rotateProviderToken: t.withAuth({ authenticated: true }).prismaField({
    type: ProviderConnectionRef,
    description: 'Replaces the connection’s token and checks the new one live (a refused token is stored as INVALID, with the provider’s diagnostic). Same input rules as createProviderConnection.',
    args: {
      id: t.arg.id({ required: true }),
      token: t.arg.string({ required: true, description: `Write-only. ${TOKEN_GUIDANCE}` }),
    },
    resolve: (_query, _root, args, ctx) => rotateToken(ctx.deps, actorOf(ctx.principal), String(args.id), args.token),
  }),
  validateProviderConnection: t.withAuth({ authenticated: true }).prismaField({
    type: ProviderConnectionRef,
    description: 'Checks the stored token live now (a read, then a write probe that cannot change anything) and records the outcome.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_query, _root, args, ctx) => validateConnection(ctx.deps, actorOf(ctx.principal), String(args.id)),
  }),
  deleteProviderConnection: t.withAuth({ authenticated: true }).field({
    type: 'ID',
    description: 'Deletes the connection and its stored token; returns its id. CONFLICT while any of its nodes may still hold a server (release them first).',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => deleteConnection(ctx.deps, actorOf(ctx.principal), String(args.id)),
  }),
}));
