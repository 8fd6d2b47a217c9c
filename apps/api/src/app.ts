import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createYoga, type Plugin } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import sirv from 'sirv';
import type { Db } from '@hangar/db/client';
import { isMigrated } from '@hangar/db/migrator';
import { DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '@hangar/db/unavailable';
import { authenticateApiToken, bearerToken, type Principal } from '@hangar/core/api-tokens';
import type { CoreDeps } from '@hangar/core/deps';
import { createPgEventTarget, type PgEventTarget } from '@hangar/events/pg-event-target';
import { schema } from './schema/index.ts';
import type { GraphQLContext } from './context.ts';
import { createMaskError, UNAVAILABLE_MESSAGE, withValidationCode, yogaLogger } from './errors.ts';
import { GRAPHIQL_OPTIONS, renderHangarGraphiQL } from './graphiql.ts';
import { createRevokedTokenCloser } from './revoked-token-closer.ts';
import { createMemoryRelease } from './memory-release.ts';
import { ensureNodeQueues } from '@hangar/core/node-jobs';
import { AGENT_PATH_PREFIX, handleAgentRequest } from './agent-routes.ts';
import { useRateLimit, type RateLimitServerContext } from './plugins/use-rate-limit.ts';
import { useSharedSubscriptionEvents } from './plugins/use-shared-subscription-events.ts';
import { callerKey, createRateLimiter } from './rate-limits.ts';

/** Limits on one operation (graphql-armor). A depth of 12 fits every real query of the web app. */
export const QUERY_LIMITS = { maxDepth: 12, maxAliases: 15, maxCost: 5_000, maxTokens: 2_000, maxDirectives: 20 } as const;
/** graphql-ws keep-alive: a ping this often; a dead peer is dropped after one missed pong. */
const WS_KEEPALIVE_MS = 12_000;
/**
 * graphql-ws closes a socket (4408) that has not sent connection_init this long after opening.
 * Its 3 s default closed healthy clients when 200 sockets opened at once on a busy machine
 * (the init was sent, but the event loop had not read it yet); this only drops idle sockets.
 */
const WS_CONNECTION_INIT_WAIT_MS = 30_000;
/** The web app's runtime settings (the simulator's URL when this process runs one). */
export const WEB_CONFIG_PATH = '/web-config.json';

export interface AppOptions {
  deps: CoreDeps;
  databaseUrl: string;
  port: number;
  host?: string;
  /** Built web app (apps/web/dist) served at /, when present. */
  webDir?: string;
  /** The local Hetzner simulator this process runs (`npm start`), without /v1: the web app shows it (GET /web-config.json). */
  simulatorUrl?: string;
  /** The process's event target (LISTEN/NOTIFY); default: one of the app's own over `databaseUrl`, started and stopped with it. */
  events?: PgEventTarget;
  /** graphql-ws keep-alive ping interval (default WS_KEEPALIVE_MS). */
  wsKeepAliveMs?: number;
  /** How often open subscriptions re-check their API token (default TOKEN_RECHECK_INTERVAL_MS). */
  tokenRecheckIntervalMs?: number;
  /** Subscribers that take an event per turn of the event loop (default DELIVERY_SLICE). */
  subscriptionDeliverySlice?: number;
}

export interface App {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** http://host:port once started. */
  readonly url: string;
}

const MISSING_TOKEN = 'missing API token: send the header `Authorization: Bearer <token>`';
const BAD_TOKEN = 'API token is invalid or revoked';

async function principalFor(db: Db, header: string | null | undefined): Promise<{ principal: Principal | null; authFailure: string }> {
  const token = bearerToken(header);
  if (!token) return { principal: null, authFailure: MISSING_TOKEN };
  const principal = await authenticateApiToken(db, token);
  return { principal, authFailure: principal ? '' : BAD_TOKEN };
}

/**
 * `authorization` of a connection_init payload, in any letter case: GraphiQL sends its Headers
 * tab there, as `Authorization`.
 */
function connectionAuthorization(params: Record<string, unknown> | undefined): string | undefined {
  const entry = Object.entries(params ?? {}).find(([key]) => key.toLowerCase() === 'authorization');
  return typeof entry?.[1] === 'string' ? entry[1] : undefined;
}

/**
 * graphql-ws keeps a socket's HTTP upgrade request (an IncomingMessage with every header) as
 * `extra.request` for as long as the socket is open; nothing reads it after onConnect has taken
 * the peer's address, so it is dropped there (~1.5 KB a socket).
 */
function forgetUpgradeRequest(extra: object): void {
  Reflect.deleteProperty(extra, 'request');
}

/**
 * The `request` of every graphql-ws subscription's Yoga context. Yoga's context types want one,
 * but a socket's subscriptions have no HTTP request of their own; a `Request` is ~1.3 KB kept for
 * the subscription's life, so they all share this one. Nothing keys per-subscription state by it
 * or changes it: our context reads its headers only without a connection principal (never on a
 * socket); Yoga's result processors mark it as a subscription's (read only on the HTTP path);
 * usePreventMutationViaGET reads its method (GET, as before); no envelop plugin in the list uses
 * `withState`. apps/api/test/subscriptions.test.ts proves subscriptions stay independent.
 */
const WS_SUBSCRIPTION_REQUEST = new Request('http://ws/graphql');

/** Adds a stable code to validation errors (syntax, unknown fields, armor limits). */
const validationCodes: Plugin = {
  onValidate: () => ({ result, setResult }) => {
    if (result.length > 0) setResult(result.map(withValidationCode));
  },
};

/** The GraphQL API (HTTP, SSE and graphql-ws on /graphql), /readyz and the web app. */
export function buildApp(options: AppOptions): App {
  const { deps } = options;
  const { db, log } = deps;
  let ready = false;
  let url = '';
  const events = options.events ?? createPgEventTarget({ connectionString: options.databaseUrl, log: log.child({ component: 'events' }), applicationName: 'hangar-api-events' });
  const limiter = createRateLimiter(deps.config.rateLimits);
  const revokedTokens = createRevokedTokenCloser({ db, events, log, recheckIntervalMs: options.tokenRecheckIntervalMs });

  const yoga = createYoga<RateLimitServerContext & { req?: IncomingMessage; requestId: string; connectionPrincipal?: { principal: Principal | null; authFailure: string }; trackStream?: (tokenId: string) => void }, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: GRAPHIQL_OPTIONS,
    renderGraphiQL: renderHangarGraphiQL,
    logging: yogaLogger(log.child({ component: 'yoga' })),
    maskedErrors: { maskError: createMaskError(log) },
    plugins: [
      useRateLimit(limiter),
      EnvelopArmorPlugin({
        maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true },
        maxAliases: { n: QUERY_LIMITS.maxAliases },
        costLimit: { maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true },
        maxTokens: { n: QUERY_LIMITS.maxTokens },
        maxDirectives: { n: QUERY_LIMITS.maxDirectives },
        blockFieldSuggestion: { enabled: false },
      }),
      validationCodes,
      useSharedSubscriptionEvents({ deliverySlice: options.subscriptionDeliverySlice }),
    ],
    context: async ({ request, requestId, connectionPrincipal, trackStream }) => {
      const auth = connectionPrincipal ?? (await principalFor(db, request.headers.get('authorization')));
      if (auth.principal) trackStream?.(auth.principal.tokenId);
      return { deps, db, log: log.child({ requestId }), requestId, events, ...auth };
    },
  });

  const web = options.webDir && existsSync(options.webDir) ? sirv(options.webDir, { single: true, etag: true, gzip: true }) : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].slice(0, 64)) || randomUUID();
    res.setHeader('x-request-id', requestId);
    const startedAt = performance.now();
    // One access line per request; headers (and so the Authorization token) are never logged.
    res.once('finish', () => log.info({ requestId, method: req.method, path: (req.url ?? '/').split('?')[0], status: res.statusCode, ms: Math.round(performance.now() - startedAt) }, 'request'));
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/readyz') {
      const migrated = ready && (await isMigrated(options.databaseUrl).catch(() => false));
      res.writeHead(migrated ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ready: migrated }));
      return;
    }
    if (path === '/graphql') {
      const serverContext: RateLimitServerContext & { req: IncomingMessage; requestId: string; trackStream?: (tokenId: string) => void } = { req, requestId, trackStream: sseTracker(req, res) };
      res.once('close', () => serverContext.releaseStream?.());
      await yoga(req, res, serverContext);
      return;
    }
    if ((path ?? '').startsWith(AGENT_PATH_PREFIX)) {
      const waitSeconds = limiter.agent.take(req.socket.remoteAddress ?? 'unknown');
      if (waitSeconds > 0) {
        const body = JSON.stringify({ error: { code: 'RATE_LIMITED', message: `more than ${limiter.limits.agentRequestsPerMinute} /agent requests per minute from this address; retry in ${waitSeconds} s`, retryAfterSeconds: waitSeconds } });
        res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(waitSeconds), 'cache-control': 'no-store' }).end(body);
        return;
      }
    }
    if (await handleAgentRequest(deps, req, res, path ?? '/')) return;
    if (path === WEB_CONFIG_PATH) {
      // What the web app cannot know by itself; nothing secret (no auth needed).
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ simulatorApiUrl: options.simulatorUrl ? `${options.simulatorUrl}/v1` : null }));
      return;
    }
    if (web) {
      web(req, res, () => { res.writeHead(404).end('not found'); });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the API is at /graphql (the web app is not built: npm run generate)');
  }

  /**
   * An SSE request (a subscription over HTTP) ends when its token is revoked, as a finished
   * subscription does: `event: complete`, then the end of the response.
   */
  function sseTracker(req: IncomingMessage, res: ServerResponse): ((tokenId: string) => void) | undefined {
    if (!(req.headers.accept ?? '').includes('text/event-stream')) return undefined;
    return (tokenId) => {
      if (res.closed) return;
      const untrack = revokedTokens.track(tokenId, () => {
        if (res.writableEnded) return;
        // Yoga may still try to write the stream it was sending; that late write is moot.
        res.on('error', () => undefined);
        res.end('event: complete\ndata:\n\n');
      });
      res.once('close', untrack);
    };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) {
        // Postgres down or saturated: a typed, retryable answer, not a 500 (the /agent routes, /readyz).
        log.warn({ code: 'UNAVAILABLE', path: (req.url ?? '/').split('?')[0] }, 'database unavailable');
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/json', 'retry-after': String(DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS), 'cache-control': 'no-store' });
        res.end(JSON.stringify({ errors: [{ message: UNAVAILABLE_MESSAGE, extensions: { code: 'UNAVAILABLE', retryAfterSeconds: DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS } }] }));
        return;
      }
      log.error({ err: error }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
    });
  });


  // graphql-ws on the same server and path; attached once listening, so a taken port is one clear error.
  function attachWebSockets(): { wsServer: WebSocketServer; dispose: () => Promise<void> } {
    const wsServer = new WebSocketServer({ server, path: '/graphql' });
    const memoryRelease = createMemoryRelease(log);
    wsServer.on('connection', (socket) => {
      memoryRelease.opened();
      socket.once('close', () => memoryRelease.closed());
    });
    const wsDisposable = useServer<Record<string, unknown>, { auth: { principal: Principal | null; authFailure: string } }>(
      {
        connectionInitWaitTimeout: WS_CONNECTION_INIT_WAIT_MS,
        execute: (args) => (args.rootValue as { execute: (a: unknown) => never }).execute(args),
        subscribe: (args) => (args.rootValue as { subscribe: (a: unknown) => never }).subscribe(args),
        onConnect: async (ctx) => {
          const header = connectionAuthorization(ctx.connectionParams);
          const address = ctx.extra.request.socket.remoteAddress;
          forgetUpgradeRequest(ctx.extra);
          const release = limiter.openSocket(callerKey(header, address));
          if (!release) {
            ctx.extra.socket.close(4429, `RATE_LIMITED: more than ${limiter.limits.socketsPerToken} open subscriptions for this API token`);
            return false;
          }
          ctx.extra.socket.once('close', release);
          const auth = await principalFor(db, header).catch((error: unknown) => {
            if (!isDatabaseUnavailable(error)) throw error;
            return null;
          });
          if (auth === null) {
            // 1013 "try again later": the database is down; the client reconnects.
            ctx.extra.socket.close(1013, 'UNAVAILABLE: the database is unavailable right now; reconnect');
            return false;
          }
          if (!auth.principal) {
            ctx.extra.socket.close(4403, auth.authFailure);
            return false;
          }
          ctx.extra.auth = auth;
          const socket = ctx.extra.socket;
          const untrack = revokedTokens.track(auth.principal.tokenId, (reason) => socket.close(4403, reason));
          socket.once('close', untrack);
          return true;
        },
        onSubscribe: async (ctx, _id, params) => {
          const requestId = randomUUID();
          const enveloped = yoga.getEnveloped({ requestId, connectionPrincipal: ctx.extra.auth, params, request: WS_SUBSCRIPTION_REQUEST });
          const document = enveloped.parse(params.query);
          const args = {
            schema: enveloped.schema,
            operationName: params.operationName,
            document,
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
      options.wsKeepAliveMs ?? WS_KEEPALIVE_MS,
    );
    return {
      wsServer,
      dispose: async () => {
        memoryRelease.stop();
        await wsDisposable.dispose();
      },
    };
  }
  let ws: ReturnType<typeof attachWebSockets> | undefined;

  return {
    get url() { return url; },
    async start() {
      // createNode sends node_provision jobs: the node queues must exist with their policy.
      await ensureNodeQueues(deps.boss);
      // LISTEN before serving: a subscription must never read rows before its notices can arrive.
      if (!options.events) await events.start();
      revokedTokens.start();
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE'
          ? new Error(`port ${options.port} is already in use; stop what holds it or set HANGAR_PORT`)
          : error));
        server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
      }).catch(async (error: unknown) => {
        // Not serving: release the event connection, or it keeps the process alive.
        revokedTokens.stop();
        if (!options.events) await events.stop();
        throw error;
      });
      const address = server.address() as AddressInfo;
      url = `http://${address.address === '::' ? 'localhost' : address.address}:${address.port}`;
      ws = attachWebSockets();
      ready = true;
    },
    async stop() {
      ready = false;
      revokedTokens.stop();
      if (ws) {
        await ws.dispose();
        for (const client of ws.wsServer.clients) client.terminate();
        await new Promise<void>((resolve) => ws!.wsServer.close(() => resolve()));
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (!options.events) await events.stop();
    },
  };
}
