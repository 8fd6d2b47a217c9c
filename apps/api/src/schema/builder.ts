import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type PrismaTypes from '@hangar/db/generated/pothos-types';
import { getDatamodel } from '@hangar/db/generated/pothos-types';
import { HangarError } from '@hangar/domain/api-errors';
import type { AuthenticatedContext, GraphQLContext } from '../context.ts';

/** The one Pothos builder. It defines no types: each lives in its own file under schema/. */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: { authenticated: boolean };
  AuthContexts: { authenticated: AuthenticatedContext };
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin],
  defaultFieldNullability: false,
  prisma: {
    client: (ctx) => ctx.db,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  scopeAuth: {
    // Subscriptions are authorized once, when they start: no stream is opened for a stranger.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({ authenticated: ctx.principal !== null }),
    unauthorizedError: (_parent, ctx) => new HangarError('UNAUTHENTICATED', ctx.authFailure),
  },
});
