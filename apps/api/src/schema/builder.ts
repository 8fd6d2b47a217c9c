import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type PrismaTypes from '@hangar/db/generated/pothos-types';
import { getDatamodel } from '@hangar/db/generated/pothos-types';
import { HangarError } from '@hangar/domain/api-errors';
import type { AuthenticatedContext, GraphQLContext } from '../context.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination.ts';

/** The one Pothos builder. It defines no types: each lives in its own file under schema/. */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: { authenticated: boolean };
  AuthContexts: { authenticated: AuthenticatedContext };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  // Scope-auth first: an unauthenticated call is a top-level UNAUTHENTICATED, never a typed result.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, PrismaPlugin],
  defaultFieldNullability: false,
  prisma: {
    client: (ctx) => ctx.db,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    // Every connection also passes `...paging(kind)` (pagination.ts): a size above the maximum or a
    // forged cursor is VALIDATION_FAILED, never a clamp.
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    // A planned query the resolver did not use: a warning under vitest (NODE_ENV=test) and in
    // development. Elsewhere off: the check wraps every planned query (~2 % of a page's CPU), and
    // nothing sets NODE_ENV=production for the API.
    onUnusedQuery: process.env.NODE_ENV === 'test' || process.env.NODE_ENV === 'development' ? 'warn' : null,
  },
  relay: {
    // Hangar's ids are per type (Node.id is a node's id); there is no global `node(id:)` lookup.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    clientMutationId: 'omit',
    cursorType: 'String',
    nodesOnConnection: true,
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
    pageInfoTypeOptions: { description: 'Where a page sits in the whole list (Relay cursor connections).' },
  },
  errors: { defaultTypes: [] },
  scopeAuth: {
    // Subscriptions are authorized once, when they start: no stream is opened for a stranger.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({ authenticated: ctx.principal !== null }),
    unauthorizedError: (_parent, ctx) => new HangarError('UNAUTHENTICATED', ctx.authFailure),
  },
});
