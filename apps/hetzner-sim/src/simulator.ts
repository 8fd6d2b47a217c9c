import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApiPipeline, type PipelineControl } from './api-pipeline.ts';
import { buildBootScheduler } from './boot.ts';
import { nowMs } from './clock.ts';
import type { AdminHandler, SimDeps } from './context.ts';
import { ApiError } from './errors.ts';
import { buildFaultBook } from './faults.ts';
import { type Prng, createPrng, deriveSeed } from './prng.ts';
import { createProject } from './projects.ts';
import { buildRateLimiter } from './rate-limit.ts';
import { type Reply, errorReply, parseJsonBody, readBody, send, sendRaw } from './respond.ts';
import { buildRouter } from './router.ts';
import { actionRoutes } from './routes/actions.ts';
import { adminRoutes } from './routes/admin.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { serverRoutes } from './routes/servers.ts';
import { sshKeyRoutes } from './routes/ssh-keys.ts';
import { firewallRoutes } from './routes/firewalls.ts';
import { networkRoutes } from './routes/networks.ts';
import { placementGroupRoutes } from './routes/placement-groups.ts';
import { SPEED_PROFILES, type SpeedName, type SpeedProfile } from './speed.ts';
import { metadataValue } from './metadata.ts';
import { type BootMode, createState, resetState } from './state.ts';

/**
 * A local Hetzner Cloud API: /v1 as the official spec describes it, /_sim to steer it. Plain
 * node:http, all state in memory, time derived from timestamps.
 */
export interface SimulatorOptions {
  /** 0 picks a free port; `url` is known after start(). */
  port: number;
  /** A preset by name, or a profile of its own (tests that must see an action still running). */
  speed: SpeedName | SpeedProfile;
  /** Seeds every chance decision (durations, fault probabilities, addresses, root passwords). */
  seed: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /**
   * A project to create at start, for running the simulator by hand. Nothing is created unless
   * asked for. Fixed tokens must be 64 alphanumeric characters.
   */
  project?: { name: string; token?: string; readOnlyToken?: string; rateLimit?: number; serverLimit?: number };
  /**
   * Who plays a booting server's machine (boot.ts): `simulated` (default) in JavaScript, or
   * `script`, the user data's own agent run under /bin/sh in a sandbox. `script` runs code
   * from user data on this host, so it needs a loopback `host`.
   */
  boot?: BootMode;
  /**
   * First retry delay of a machine's failed register call (doubling per attempt), instead of the
   * speed preset's. A run that takes Hangar down for seconds (npm run chaos) sets it so the
   * machines keep trying across the outage, as the real agent does (its retries span minutes).
   */
  registerRetryBaseMs?: number;
}

export interface Simulator {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** http://HOST:PORT (no /v1); known after start() when port is 0. */
  readonly url: string;
}

const DEFAULT_HOST = '127.0.0.1';
const CORRELATION_ID_BYTES = 8;
const API_PREFIX = '/v1';
const ADMIN_PREFIX = '/_sim';
/**
 * Each machine's metadata service (169.254.169.254 on Hetzner), per server:
 * /_sim/machines/{id}/metadata + /hetzner/v1/metadata/{key}.
 */
const METADATA_PATH = /^\/_sim\/machines\/(\d{1,15})\/metadata\/hetzner\/v1\/metadata\/([a-z0-9_-]{1,64})$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** A PRNG whose stream restarts on reset(), so a reset simulator replays like a fresh one. */
function resettablePrng(seed: number): Prng & { reset(): void } {
  let inner = createPrng(deriveSeed(seed, 'lifecycle'));
  return {
    next: () => inner.next(),
    int: (min, max) => inner.int(min, max),
    string: (length, alphabet) => inner.string(length, alphabet),
    reset() {
      inner = createPrng(deriveSeed(seed, 'lifecycle'));
    },
  };
}

export function buildSimulator(options: SimulatorOptions): Simulator {
  const host = options.host ?? DEFAULT_HOST;
  const preset = typeof options.speed === 'object' ? options.speed : SPEED_PROFILES[options.speed];
  if (!preset) throw new Error(`unknown speed '${String(options.speed)}' (realistic, fast, instant)`);
  const retryBase = options.registerRetryBaseMs;
  if (retryBase !== undefined && !(Number.isInteger(retryBase) && retryBase > 0)) throw new Error('registerRetryBaseMs must be a positive whole number of milliseconds');
  const speed = retryBase === undefined ? preset : { ...preset, registerRetryBaseMs: retryBase };
  const random = resettablePrng(options.seed);
  const bootMode = options.boot ?? 'simulated';
  if (bootMode !== 'simulated' && bootMode !== 'script') throw new Error(`unknown boot mode '${String(bootMode)}' (simulated, script)`);
  if (bootMode === 'script' && !LOOPBACK_HOSTS.has(host)) throw new Error(`boot mode 'script' runs user data on this host: listen on a loopback address, not ${host}`);
  let port = options.port;
  const baseUrl = (): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const deps: SimDeps = {
    state: createState(),
    speed,
    random,
    faults: buildFaultBook(options.seed),
    boot: buildBootScheduler({
      speed,
      random: createPrng(deriveSeed(options.seed, 'boot')),
      now: nowMs,
      mode: bootMode,
      metadataUrl: (serverId) => `${baseUrl()}/_sim/machines/${serverId}/metadata`,
    }),
    rateLimiter: buildRateLimiter(),
    now: nowMs,
  };
  const control: PipelineControl = { hung: new Set(), delays: new Set() };
  let listening = false;

  const createStartupProject = (): void => {
    if (options.project) createProject(deps.state, options.project, nowMs(), options.project);
  };
  const resetAll = async (): Promise<void> => {
    await deps.boot.stopAll();
    deps.faults.reset();
    deps.rateLimiter.clear();
    resetState(deps.state);
    random.reset();
  };

  const api = buildApiPipeline(deps, [
    ...catalogRoutes(),
    ...sshKeyRoutes(deps),
    ...networkRoutes(deps),
    ...firewallRoutes(deps),
    ...placementGroupRoutes(deps),
    ...serverRoutes(deps),
    ...actionRoutes(deps),
  ], control);
  const admin = buildRouter(adminRoutes(deps, resetAll));

  async function handleAdmin(req: http.IncomingMessage, url: URL): Promise<Reply> {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/(.)\/+$/, '$1');
    const match = admin.match(method, path);
    if (match.kind === 'not_found') throw new ApiError('not_found', `no such admin endpoint: ${method} ${path}`);
    if (match.kind === 'method_not_allowed') throw new ApiError('method_not_allowed', `allowed: ${match.allowed.join(', ')}`);
    const handler: AdminHandler = match.route.handler;
    return handler({ params: match.params, query: url.searchParams, json: async () => parseJsonBody(await readBody(req)) });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const correlationId = randomBytes(CORRELATION_ID_BYTES).toString('hex');
    // Links are built from the Host the client used; a garbled Host falls back to our own address.
    const ownBase = baseUrl();
    const claimedBase = req.headers.host === undefined ? ownBase : `http://${req.headers.host}`;
    const url = new URL(req.url ?? '/', URL.canParse(req.url ?? '/', claimedBase) ? claimedBase : ownBase);
    if (url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`)) return api(req, res, url, correlationId);
    const headers = { 'X-Correlation-Id': correlationId };
    const metadata = METADATA_PATH.exec(url.pathname);
    if (metadata && req.method === 'GET') {
      const value = metadataValue(deps.state.servers.get(Number(metadata[1])), metadata[2] ?? '', nowMs());
      return sendRaw(res, value === null ? 404 : 200, 'text/plain', value ?? 'not found', headers);
    }
    if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      try {
        send(res, await handleAdmin(req, url), headers);
      } catch (error) {
        if (!(error instanceof ApiError)) console.error('[hetzner-sim] admin request failed:', error);
        send(res, errorReply(error instanceof ApiError ? error : new ApiError('server_error', 'internal simulator error')), headers);
      }
      return;
    }
    send(res, errorReply(new ApiError('not_found', `no such path: ${url.pathname} (the API lives under /v1, the admin API under /_sim)`)), headers);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[hetzner-sim] request crashed:', error);
      if (res.headersSent) return res.destroy();
      const headers = { 'X-Correlation-Id': randomBytes(CORRELATION_ID_BYTES).toString('hex') };
      send(res, errorReply(new ApiError('server_error', 'internal simulator error')), headers);
    });
  });

  return {
    get url() {
      if (!listening && port === 0) throw new Error('the simulator url is known after start() (port 0 = ephemeral)');
      return baseUrl();
    },
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      port = (server.address() as AddressInfo).port;
      listening = true;
      createStartupProject();
    },
    async stop() {
      await deps.boot.stopAll();
      for (const timer of control.delays) clearTimeout(timer);
      control.delays.clear();
      if (!listening) return;
      listening = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      control.hung.clear();
      await closed;
    },
  };
}
