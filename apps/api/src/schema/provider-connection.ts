import { builder } from './builder.ts';
import { CredentialStatusEnum, ProviderKindEnum } from './enums.ts';
import { ProviderErrorRef } from './error-types.ts';
import type { ProviderErrorInfo } from '@hangar/domain/provider-errors';

export const ProviderConnectionRef = builder.prismaObject('ProviderConnection', {
  description: 'A provider account reached with its API token (a bearer token). The token is stored encrypted and never returned.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    kind: t.expose('kind', { type: ProviderKindEnum }),
    apiEndpoint: t.exposeString('apiEndpoint'),
    tokenHint: t.exposeString('tokenHint', { description: 'The last 4 characters of the token, e.g. "…a1b2"; never the token.' }),
    credentialStatus: t.expose('credentialStatus', { type: CredentialStatusEnum }),
    credentialCheckedAt: t.expose('credentialCheckedAt', { type: 'DateTime', nullable: true }),
    credentialError: t.field({ type: ProviderErrorRef, nullable: true, resolve: (connection) => (connection.credentialError as ProviderErrorInfo | null) ?? null }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});
