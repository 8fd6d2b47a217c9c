import type { ProviderConnection } from '@hangar/db/generated/prisma/client';
import type { ProviderErrorInfo } from '@hangar/domain/provider-errors';
import {
  actorOf,
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  rotateToken,
  validateConnection,
} from '@hangar/core/provider-connections';
import { builder } from './builder.ts';
import { CredentialStatusEnum, ProviderKindEnum } from './enums.ts';
import { ProviderErrorRef, mutationErrors, providerError, typedErrors } from './error-types.ts';
import { paging } from './pagination.ts';

/** What every description of the provider token says (docs/features/provider-connections.md has the long form). */
const TOKEN_GUIDANCE =
  'A Hetzner Cloud project API token with Read & Write permission (Cloud Console → your project → Security → API tokens → Generate API token), ' +
  'sent to the provider as a bearer token. Hangar stores it encrypted (AES-256-GCM) and never returns it; only its last 4 characters are shown (tokenHint).';

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
      resolve: (connection) => providerError(connection.credentialError as ProviderErrorInfo | null),
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

const RotateProviderTokenInput = builder.inputType('RotateProviderTokenInput', {
  fields: (t) => ({
    id: t.id({ required: true, description: 'The provider connection’s id.' }),
    token: t.string({ required: true, description: `Write-only. ${TOKEN_GUIDANCE}` }),
  }),
});

const ValidateProviderConnectionInput = builder.inputType('ValidateProviderConnectionInput', {
  fields: (t) => ({ id: t.id({ required: true, description: 'The provider connection’s id.' }) }),
});

const DeleteProviderConnectionInput = builder.inputType('DeleteProviderConnectionInput', {
  fields: (t) => ({ id: t.id({ required: true, description: 'The provider connection’s id.' }) }),
});

/** `<Name>Payload { providerConnection: ProviderConnection! }`: the connection as the mutation left it. */
function connectionPayload(name: string) {
  return builder.objectRef<{ providerConnection: ProviderConnection }>(`${name}Payload`).implement({
    description: `${name} succeeded: the provider connection as it is now.`,
    fields: (t) => ({ providerConnection: t.field({ type: ProviderConnectionRef, resolve: (payload) => payload.providerConnection }) }),
  });
}

const DeleteProviderConnectionPayload = builder.objectRef<{ deletedId: string }>('DeleteProviderConnectionPayload').implement({
  description: 'deleteProviderConnection succeeded: the id of the deleted connection.',
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

builder.queryFields((t) => ({
  providerConnections: t.withAuth({ authenticated: true }).prismaConnection(
    {
      type: ProviderConnectionRef,
      cursor: 'id',
      ...paging('uuid'),
      description: 'The organization’s provider connections, oldest first. first/last 1..100 (default 20).',
      totalCount: (_parent, _args, ctx) => ctx.db.providerConnection.count({ where: { organizationId: ctx.principal.organizationId } }),
      resolve: (query, _root, _args, ctx) => listConnections(ctx.deps, ctx.principal.organizationId, query),
    },
    { name: 'ProviderConnectionConnection' },
    { name: 'ProviderConnectionEdge' },
  ),
  providerConnection: t.withAuth({ authenticated: true }).prismaField({
    type: ProviderConnectionRef,
    nullable: true,
    description: 'One provider connection of the organization; NOT_FOUND (top-level error, data.providerConnection null) for any other id.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => getConnection(ctx.deps, ctx.principal.organizationId, String(args.id), query),
  }),
}));

builder.mutationFields((t) => ({
  createProviderConnection: t.withAuth({ authenticated: true }).field({
    type: connectionPayload('CreateProviderConnection'),
    description:
      `Connects a provider account. ${TOKEN_GUIDANCE} The token is checked live before this returns: credentialStatus says how it went ` +
      '(a connection is created even when the token is refused, so you can see why and rotate it). ValidationError (path input.token) for an empty, ' +
      'whitespace-containing or truncated token, before any provider call; ConflictError (path input.name) when the name is taken.',
    args: { input: t.arg({ type: CreateProviderConnectionInput, required: true }) },
    errors: mutationErrors('CreateProviderConnection', ['input', 'conflict', 'provider', 'rateLimited']),
    resolve: typedErrors(async (_root, { input }, ctx) => ({
      providerConnection: await createConnection(ctx.deps, actorOf(ctx.principal), { name: input.name, kind: input.kind, token: input.token, apiEndpoint: input.apiEndpoint }),
    })),
  }),
  rotateProviderToken: t.withAuth({ authenticated: true }).field({
    type: connectionPayload('RotateProviderToken'),
    description:
      'Replaces the connection’s token and checks the new one live (a refused token is stored as INVALID, with the provider’s diagnostic). Same input rules as createProviderConnection. ' +
      'While the connection’s nodes hold servers, the new token must see every one of them and be allowed to delete them: otherwise ConflictError with code ' +
      'PROVIDER_TOKEN_CANNOT_MANAGE_SERVERS, and nothing changes (the current token stays in force).',
    args: { input: t.arg({ type: RotateProviderTokenInput, required: true }) },
    errors: mutationErrors('RotateProviderToken', ['input', 'notFound', 'conflict', 'provider', 'rateLimited']),
    resolve: typedErrors(async (_root, { input }, ctx) => ({
      providerConnection: await rotateToken(ctx.deps, actorOf(ctx.principal), String(input.id), input.token),
    })),
  }),
  validateProviderConnection: t.withAuth({ authenticated: true }).field({
    type: connectionPayload('ValidateProviderConnection'),
    description: 'Checks the stored token live now (a read, then a write probe that cannot change anything) and records the outcome in credentialStatus.',
    args: { input: t.arg({ type: ValidateProviderConnectionInput, required: true }) },
    errors: mutationErrors('ValidateProviderConnection', ['notFound', 'provider', 'rateLimited']),
    resolve: typedErrors(async (_root, { input }, ctx) => ({
      providerConnection: await validateConnection(ctx.deps, actorOf(ctx.principal), String(input.id)),
    })),
  }),
  deleteProviderConnection: t.withAuth({ authenticated: true }).field({
    type: DeleteProviderConnectionPayload,
    description: 'Deletes the connection and its stored token. ConflictError while any of its nodes may still hold a server (release them first).',
    args: { input: t.arg({ type: DeleteProviderConnectionInput, required: true }) },
    errors: mutationErrors('DeleteProviderConnection', ['notFound', 'conflict']),
    resolve: typedErrors(async (_root, { input }, ctx) => ({
      deletedId: await deleteConnection(ctx.deps, actorOf(ctx.principal), String(input.id)),
    })),
  }),
}));
