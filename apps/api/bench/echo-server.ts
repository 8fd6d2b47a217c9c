/**
 * The baselines of api.subscribers and api.nodes_page: a bare graphql-yoga + graphql-ws server
 * with an echo subscription of the same field shape as nodeEvents, which waits until its client
 * leaves, and a `nodes(first)` connection of the same shape as Hangar's answered from a static
 * page. No auth, no database, no event target: what any Yoga server pays.
 *   node apps/api/bench/echo-server.ts   prints `ECHO_READY <url>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

const connection = { id: '5f0c1a52-8f0e-4a53-9b1e-0d6f6c1f2a11', name: 'bench', kind: 'HETZNER' };
const STATIC_PAGE = Array.from({ length: 100 }, (_, index) => ({
  cursor: Buffer.from(JSON.stringify([new Date(0).toISOString(), `node-${index}`])).toString('base64url'),
  node: { id: `6a1d3c1e-0000-4000-8000-${String(index).padStart(12, '0')}`, name: `bench-${index}`, phase: 'READY', serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04', ipv4: '203.0.113.7', ipv6: '2001:db8::1', attempt: 1, labels: '{}', createdAt: new Date(0).toISOString(), providerConnection: connection },
}));

const yoga = createYoga({
  schema: createSchema({
    typeDefs: /* GraphQL */ `
      type Event { seq: Int! phase: String! kind: String! message: String! progress: Int attempt: Int at: String! }
      type ProviderConnection { id: ID! name: String! kind: String! }
      type Node { id: ID! name: String! phase: String! serverType: String! location: String! image: String! ipv4: String ipv6: String attempt: Int! labels: String createdAt: String! providerConnection: ProviderConnection! }
      type NodeEdge { cursor: String! node: Node! }
      type PageInfo { hasNextPage: Boolean! endCursor: String }
      type NodeConnection { edges: [NodeEdge!]! pageInfo: PageInfo! }
      type Query { nodes(first: Int, after: String): NodeConnection! }
      type Subscription { nodeEvents(nodeId: ID!, after: Int): Event! }
    `,
    resolvers: {
      Query: { nodes: (_root: unknown, args: { first?: number }) => ({ edges: STATIC_PAGE.slice(0, args.first ?? 20), pageInfo: { hasNextPage: true, endCursor: STATIC_PAGE.at(-1)?.cursor } }) },
      Subscription: {
        nodeEvents: {
          subscribe: async function* (_root: unknown, _args: unknown, context: { request: Request }) {
            // Parked until the client leaves (return() ends the generator).
            await new Promise<void>((resolve) => context.request.signal?.addEventListener('abort', () => resolve()));
            yield { nodeEvents: { seq: 1, phase: 'QUEUED', kind: 'INFO', message: 'never', progress: null, attempt: null, at: new Date().toISOString() } };
          },
        },
      },
    },
  }),
  graphqlEndpoint: '/graphql',
  logging: false,
});
const server = createServer(yoga);
const wsServer = new WebSocketServer({ server, path: '/graphql' });
useServer(
  {
    execute: (args) => (args.rootValue as { execute: (a: unknown) => never }).execute(args),
    subscribe: (args) => (args.rootValue as { subscribe: (a: unknown) => never }).subscribe(args),
    onSubscribe: async (ctx, _id, params) => {
      const enveloped = yoga.getEnveloped({ req: ctx.extra.request, socket: ctx.extra.socket, params, request: new Request('http://ws/graphql') });
      const args = {
        schema: enveloped.schema,
        operationName: params.operationName,
        document: enveloped.parse(params.query),
        variableValues: params.variables,
        contextValue: await enveloped.contextFactory(),
        rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
      };
      const errors = enveloped.validate(args.schema, args.document);
      if (errors.length) return errors;
      return args;
    },
  },
  wsServer,
);
await new Promise<void>((resolve) => server.listen(Number(process.env.HANGAR_PORT ?? 0), '127.0.0.1', () => resolve()));
console.log(`ECHO_READY http://127.0.0.1:${(server.address() as AddressInfo).port}`);
process.once('SIGTERM', () => process.exit(0));
