import { builder } from './builder.ts';

interface ViewerShape { organizationId: string; tokenId: string }

const Organization = builder.prismaObject('Organization', {
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
  }),
});

export const ApiTokenInfoRef = builder.prismaObject('ApiToken', {
  name: 'ApiTokenInfo',
  description: 'The API token this request authenticated with. Its secret is never readable.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const Viewer = builder.objectRef<ViewerShape>('Viewer').implement({
  description: 'Who is asking: the organization and API token behind the bearer token.',
  fields: (t) => ({
    organization: t.prismaField({
      type: Organization,
      resolve: (query, viewer, _args, ctx) => ctx.db.organization.findUniqueOrThrow({ ...query, where: { id: viewer.organizationId } }),
    }),
    token: t.prismaField({
      type: ApiTokenInfoRef,
      resolve: (query, viewer, _args, ctx) => ctx.db.apiToken.findUniqueOrThrow({ ...query, where: { id: viewer.tokenId } }),
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: Viewer,
    description: 'The caller. Every query, mutation and subscription is scoped to its organization.',
    resolve: (_root, _args, ctx) => ({ organizationId: ctx.principal.organizationId, tokenId: ctx.principal.tokenId }),
  }),
);
