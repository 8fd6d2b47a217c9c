/**
 * The one place Hangar reads its environment. Every HANGAR_* variable and DATABASE_URL is parsed
 * here, once, by one zod schema; a bad value stops the process with one line naming the variable
 * and the form it expects (never the value: a secret may have been pasted into the wrong one).
 * README.md's configuration table lists the same variables.
 */
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_EMBEDDED_PG_PORT } from '@hangar/db/database';

/** The roles one process can run (`npm start` runs all of them). */
export const ROLES = ['all', 'api', 'worker'] as const;
export type Role = (typeof ROLES)[number];
/** Simulator speeds (apps/hetzner-sim's speed names). */
export const SIM_SPEEDS = ['realistic', 'fast', 'instant'] as const;
/** Who plays the simulator's machines (apps/hetzner-sim's boot modes). */
export const SIM_BOOT_MODES = ['simulated', 'script'] as const;
/** Port of the API when HANGAR_PORT is unset. */
export const DEFAULT_PORT = 4000;
/** Port of the simulator `npm start` runs when HANGAR_SIM_PORT is unset. */
export const DEFAULT_SIM_PORT = 4010;

/** Per-caller limits (apps/api's rate-limit plugin). Generous: they stop floods, not people. */
export interface RateLimits {
  /** GraphQL requests per API token per minute (HANGAR_RATE_LIMIT_REQUESTS_PER_MINUTE). */
  requestsPerMinute: number;
  /** Open subscription sockets and SSE streams per API token (HANGAR_RATE_LIMIT_SOCKETS). */
  socketsPerToken: number;
  /** /agent requests per source address per minute (HANGAR_RATE_LIMIT_AGENT_PER_MINUTE). */
  agentRequestsPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { requestsPerMinute: 1_200, socketsPerToken: 50, agentRequestsPerMinute: 600 };

/** What the use cases read (CoreDeps.config). */
export interface HangarConfig {
  /** Base URL at which machines reach this API (bootstrap registration and heartbeats). */
  publicUrl: string;
  /** Multiplies every phase deadline (HANGAR_DEADLINE_SCALE); tests shrink them. */
  deadlineScale: number;
  /**
   * Provider API endpoints connections may use besides each kind's public API: the operator's
   * HANGAR_PROVIDER_ENDPOINTS plus the simulator `npm start` runs. Entries are URL prefixes
   * (scheme, host, port, path).
   */
  providerEndpoints: readonly string[];
  rateLimits: RateLimits;
  /**
   * How often the node_health job looks at READY nodes' heartbeats, in ms
   * (HANGAR_NODE_HEALTH_CHECK_SECONDS): a node whose heartbeats stop gets a HEALTH event within
   * one such interval after it becomes overdue. Tests shorten it.
   */
  nodeHealthCheckMs: number;
}

/** Default of HANGAR_NODE_HEALTH_CHECK_SECONDS. */
export const DEFAULT_NODE_HEALTH_CHECK_SECONDS = 15;

/** What a launcher (scripts/start.ts, the CLI, test processes) needs besides HangarConfig. */
export interface LaunchConfig {
  role: Role;
  dataDir: string;
  port: number;
  host: string;
  /** DATABASE_URL, or undefined for the embedded Postgres on pgPort. */
  databaseUrl: string | undefined;
  pgPort: number;
  sim: { enabled: boolean; port: number; speed: (typeof SIM_SPEEDS)[number]; boot: (typeof SIM_BOOT_MODES)[number]; seed: number };
  log: { level: string; format: 'json' | 'pretty' | undefined };
  /** HANGAR_SECRET_KEY and HANGAR_SECRET_KEYS_PREVIOUS, for loadKeyring (it checks their form). */
  secretKeys: { HANGAR_SECRET_KEY?: string; HANGAR_SECRET_KEYS_PREVIOUS?: string };
  core: HangarConfig;
}

/** A configuration mistake; its message is the one line to print. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const port = z.coerce.number({ error: 'expected a port number (0-65535)' }).int('expected a port number (0-65535)').min(0, 'expected a port number (0-65535)').max(65_535, 'expected a port number (0-65535)');
const positiveInt = z.coerce.number({ error: 'expected a positive whole number' }).int('expected a positive whole number').positive('expected a positive whole number');
const httpUrl = z.string().refine((value) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'expected an http(s) URL, e.g. https://hangar.example.com');
/** Unset and empty mean the same: the default. */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

const SCHEMA = z.object({
  HANGAR_ROLE: z.preprocess(unsetIfEmpty, z.enum(ROLES, { error: `expected one of ${ROLES.join(', ')}` }).default('all')),
  HANGAR_DATA_DIR: z.preprocess(unsetIfEmpty, z.string().optional()),
  HANGAR_PORT: z.preprocess(unsetIfEmpty, port.default(DEFAULT_PORT)),
  HANGAR_HOST: z.preprocess(unsetIfEmpty, z.string().default('127.0.0.1')),
  HANGAR_PUBLIC_URL: z.preprocess(unsetIfEmpty, httpUrl.optional()),
  DATABASE_URL: z.preprocess(unsetIfEmpty, z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL').optional()),
  HANGAR_PG_PORT: z.preprocess(unsetIfEmpty, port.default(DEFAULT_EMBEDDED_PG_PORT)),
  HANGAR_SIM: z.preprocess(unsetIfEmpty, z.enum(['on', 'off'], { error: 'expected on or off' }).default('on')),
  HANGAR_SIM_PORT: z.preprocess(unsetIfEmpty, port.default(DEFAULT_SIM_PORT)),
  HANGAR_SIM_SPEED: z.preprocess(unsetIfEmpty, z.enum(SIM_SPEEDS, { error: `expected one of ${SIM_SPEEDS.join(', ')}` }).default('realistic')),
  HANGAR_SIM_BOOT: z.preprocess(unsetIfEmpty, z.enum(SIM_BOOT_MODES, { error: `expected one of ${SIM_BOOT_MODES.join(', ')}` }).default('simulated')),
  HANGAR_SIM_SEED: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'expected a whole number' }).int('expected a whole number').default(1)),
  HANGAR_DEADLINE_SCALE: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'expected a positive number, e.g. 0.5' }).positive('expected a positive number, e.g. 0.5').default(1)),
  HANGAR_PROVIDER_ENDPOINTS: z.preprocess(
    unsetIfEmpty,
    z.string().default('').transform((list) => list.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
      .pipe(z.array(httpUrl.transform((entry) => entry.replace(/\/+$/, ''))).check((ctx) => {
        for (const entry of ctx.value) {
          if (new URL(entry).username !== '' || new URL(entry).password !== '') ctx.issues.push({ code: 'custom', input: entry, message: 'expected comma-separated http(s) URLs without credentials' });
        }
      })),
  ),
  HANGAR_RATE_LIMIT_REQUESTS_PER_MINUTE: z.preprocess(unsetIfEmpty, positiveInt.default(DEFAULT_RATE_LIMITS.requestsPerMinute)),
  HANGAR_RATE_LIMIT_SOCKETS: z.preprocess(unsetIfEmpty, positiveInt.default(DEFAULT_RATE_LIMITS.socketsPerToken)),
  HANGAR_RATE_LIMIT_AGENT_PER_MINUTE: z.preprocess(unsetIfEmpty, positiveInt.default(DEFAULT_RATE_LIMITS.agentRequestsPerMinute)),
  HANGAR_NODE_HEALTH_CHECK_SECONDS: z.preprocess(
    unsetIfEmpty,
    z.coerce.number({ error: 'expected a number of seconds between 0.1 and 3600, e.g. 15' }).min(0.1, 'expected a number of seconds between 0.1 and 3600, e.g. 15').max(3600, 'expected a number of seconds between 0.1 and 3600, e.g. 15').default(DEFAULT_NODE_HEALTH_CHECK_SECONDS),
  ),
  HANGAR_LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected fatal, error, warn, info, debug, trace or silent' }).default('info')),
  HANGAR_LOG_FORMAT: z.preprocess(unsetIfEmpty, z.enum(['json', 'pretty'], { error: 'expected json or pretty' }).optional()),
  HANGAR_SECRET_KEY: z.string().optional(),
  HANGAR_SECRET_KEYS_PREVIOUS: z.string().optional(),
});

type Parsed = z.infer<typeof SCHEMA>;

function parse(env: Record<string, string | undefined>): Parsed {
  const result = SCHEMA.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
}

function coreOf(parsed: Parsed, extraEndpoints: readonly string[] = []): HangarConfig {
  return {
    publicUrl: (parsed.HANGAR_PUBLIC_URL ?? `http://127.0.0.1:${parsed.HANGAR_PORT}`).replace(/\/+$/, ''),
    deadlineScale: parsed.HANGAR_DEADLINE_SCALE,
    providerEndpoints: [...parsed.HANGAR_PROVIDER_ENDPOINTS, ...extraEndpoints],
    rateLimits: {
      requestsPerMinute: parsed.HANGAR_RATE_LIMIT_REQUESTS_PER_MINUTE,
      socketsPerToken: parsed.HANGAR_RATE_LIMIT_SOCKETS,
      agentRequestsPerMinute: parsed.HANGAR_RATE_LIMIT_AGENT_PER_MINUTE,
    },
    nodeHealthCheckMs: Math.round(parsed.HANGAR_NODE_HEALTH_CHECK_SECONDS * 1000),
  };
}

/**
 * The use cases' settings from `env` (tests pass `{}` and overrides). Throws ConfigError.
 * HANGAR_PUBLIC_URL defaults to this process's own API address, which is right only where an
 * API runs: a worker-only process needs it set (readLaunchConfig enforces that).
 */
export function readConfig(env: Record<string, string | undefined>, overrides: Partial<HangarConfig> = {}): HangarConfig {
  return { ...coreOf(parse(env)), ...overrides };
}

/**
 * Everything a launcher needs. `defaultDataDir`: the data folder when HANGAR_DATA_DIR is unset.
 * `simulatorEndpoint`: the URL of the simulator this process runs, allowed as a provider endpoint.
 */
export function readLaunchConfig(env: Record<string, string | undefined>, options: { defaultDataDir: string }): LaunchConfig {
  const parsed = parse(env);
  if (parsed.HANGAR_ROLE === 'worker' && parsed.HANGAR_PUBLIC_URL === undefined) {
    throw new ConfigError("HANGAR_PUBLIC_URL: required when HANGAR_ROLE=worker (machines phone home to the API's address, which a worker cannot derive), e.g. https://hangar.example.com");
  }
  const simEnabled = parsed.HANGAR_ROLE === 'all' && parsed.HANGAR_SIM === 'on';
  return {
    role: parsed.HANGAR_ROLE,
    dataDir: path.resolve(parsed.HANGAR_DATA_DIR ?? options.defaultDataDir),
    port: parsed.HANGAR_PORT,
    host: parsed.HANGAR_HOST,
    databaseUrl: parsed.DATABASE_URL,
    pgPort: parsed.HANGAR_PG_PORT,
    sim: { enabled: simEnabled, port: parsed.HANGAR_SIM_PORT, speed: parsed.HANGAR_SIM_SPEED, boot: parsed.HANGAR_SIM_BOOT, seed: parsed.HANGAR_SIM_SEED },
    log: { level: parsed.HANGAR_LOG_LEVEL, format: parsed.HANGAR_LOG_FORMAT },
    secretKeys: { HANGAR_SECRET_KEY: parsed.HANGAR_SECRET_KEY, HANGAR_SECRET_KEYS_PREVIOUS: parsed.HANGAR_SECRET_KEYS_PREVIOUS },
    core: coreOf(parsed),
  };
}
