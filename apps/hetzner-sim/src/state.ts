import type { CatalogDatacenter, CatalogImage, CatalogLocation, CatalogServerType } from './catalog-data.ts';
import type { Labels } from './labels.ts';

/**
 * Everything the simulator remembers, in memory. Records hold timestamps and plans, not
 * "current status": statuses and action progress are derived from them on read (lifecycle.ts),
 * so nothing needs a timer to move forward except the simulated machine's calls home (boot.ts).
 */

export interface Project {
  readonly id: number;
  name: string;
  /** Requests per hour; the bucket refills at this rate. */
  rateLimitPerHour: number;
  /** Bucket size: how many requests may be made back to back. */
  rateBurst: number;
  /** Servers that may exist at once (deleting ones count until gone). */
  serverLimit: number;
  readonly createdMs: number;
}

export interface TokenGrant {
  readonly projectId: number;
  readonly readOnly: boolean;
}

export interface SshKey {
  readonly id: number;
  readonly projectId: number;
  name: string;
  readonly publicKey: string;
  readonly fingerprint: string;
  labels: Labels;
  readonly createdMs: number;
}

/** A subnet of a network: servers in its network zone get addresses from it. */
export interface Subnet {
  readonly type: 'cloud' | 'server' | 'vswitch';
  readonly ipRange: string;
  readonly networkZone: string;
  readonly gateway: string;
}

export interface Network {
  readonly id: number;
  readonly projectId: number;
  name: string;
  readonly ipRange: string;
  readonly subnets: Subnet[];
  labels: Labels;
  readonly createdMs: number;
}

export interface FirewallRule {
  readonly direction: 'in' | 'out';
  readonly protocol: 'tcp' | 'udp' | 'icmp' | 'esp' | 'gre';
  readonly port: string | null;
  readonly sourceIps: string[];
  readonly destinationIps: string[];
  readonly description: string | null;
}

export interface Firewall {
  readonly id: number;
  readonly projectId: number;
  name: string;
  rules: FirewallRule[];
  labels: Labels;
  readonly createdMs: number;
}

export interface PlacementGroup {
  readonly id: number;
  readonly projectId: number;
  name: string;
  readonly type: 'spread';
  labels: Labels;
  readonly createdMs: number;
}

export type ActionOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'error'; readonly code: string; readonly message: string; readonly atProgress: number };

export interface Action {
  readonly id: number;
  readonly projectId: number;
  readonly command: string;
  readonly resources: ReadonlyArray<{ id: number; type: string }>;
  readonly startedMs: number;
  /** Duration that progress is measured against (100 % at startedMs + nominalMs). */
  readonly nominalMs: number;
  /** When the action ends (success or error); null = never ends. */
  endMs: number | null;
  outcome: ActionOutcome;
}

export type ServerStatus = 'running' | 'initializing' | 'starting' | 'stopping' | 'off' | 'deleting' | 'migrating' | 'rebuilding' | 'unknown';

/** The server has `status` from `atMs` on (strictly after it; the first entry holds from creation). */
export interface StatusChange {
  readonly atMs: number;
  readonly status: ServerStatus;
}

/** Per-server faults, fixed when the server is created (see faults.ts). */
export interface ServerFaults {
  /** The create_server action ends in this error at this progress. */
  actionError: { atProgress: number; code: string; message: string } | null;
  neverRunning: boolean;
  bootNeverPhonesHome: boolean;
  bootDelayMs: number | null;
  heartbeatStopsAfter: number | null;
  registerFails: boolean;
  readonly ruleIds: number[];
}

/**
 * none: user_data carries no Hangar bootstrap; suppressed: a bootNeverPhonesHome fault;
 * waiting: until running + boot delay; registering; heartbeating; gave_up: register failed for
 * good; stopped: heartbeats ended (server deleted, API said 401/403/404/410, or a fault).
 */
export type BootState = 'none' | 'suppressed' | 'waiting' | 'registering' | 'heartbeating' | 'gave_up' | 'stopped';

/** What the simulated machine has done so far (shown by GET /_sim/servers). */
export interface BootRecord {
  state: BootState;
  /** Set once the machine has started to phone home; a second power-on does not repeat it. */
  started: boolean;
  registerAttempts: number;
  heartbeatsSent: number;
  nodeId: string | null;
  lastError: string | null;
  /** Who plays the machine: the simulator in JavaScript, or the user data's own script. */
  mode: BootMode;
  /** script mode: the agent's process id while it runs. */
  pid: number | null;
  /** script mode: the agent's last log lines (it never logs a secret). */
  log: string[];
}

export type BootMode = 'simulated' | 'script';

export function isBootMode(value: unknown): value is BootMode {
  return value === 'simulated' || value === 'script';
}

export interface Server {
  readonly id: number;
  readonly projectId: number;
  readonly name: string;
  labels: Labels;
  readonly serverType: CatalogServerType;
  readonly location: CatalogLocation;
  readonly datacenter: CatalogDatacenter;
  readonly image: CatalogImage;
  readonly userData: string | null;
  readonly sshKeyIds: readonly number[];
  /** Private network attachments: the network and the server's address in it. */
  readonly privateNets: ReadonlyArray<{ readonly networkId: number; readonly ip: string }>;
  readonly firewallIds: readonly number[];
  readonly placementGroupId: number | null;
  readonly createdMs: number;
  readonly ipv4: { readonly id: number; readonly ip: string } | null;
  readonly ipv6: { readonly id: number; readonly network: string; readonly address: string } | null;
  timeline: StatusChange[];
  /** When the server stops existing (its delete action's end); null while not being deleted. */
  goneAtMs: number | null;
  deleteActionId: number | null;
  readonly faults: ServerFaults;
  readonly boot: BootRecord;
}

export interface RequestLogEntry {
  readonly time: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** null when no answer was sent (dropped or hung by a fault). */
  status: number | null;
  readonly projectId: number | null;
  readonly correlationId: string;
  durationMs: number;
  faultId: number | null;
  errorCode: string | null;
}

export interface IdCounters {
  project: number;
  server: number;
  action: number;
  sshKey: number;
  primaryIp: number;
  network: number;
  firewall: number;
  placementGroup: number;
}

export interface SimState {
  readonly projects: Map<number, Project>;
  readonly tokens: Map<string, TokenGrant>;
  readonly sshKeys: Map<number, SshKey>;
  readonly networks: Map<number, Network>;
  readonly firewalls: Map<number, Firewall>;
  readonly placementGroups: Map<number, PlacementGroup>;
  readonly servers: Map<number, Server>;
  readonly actions: Map<number, Action>;
  readonly requestLog: RequestLogEntry[];
  ids: IdCounters;
}

/** First ids handed out; distinct ranges make a mixed-up id fail loudly instead of hitting another resource. */
const FIRST_IDS: Readonly<IdCounters> = {
  project: 1,
  server: 4711,
  action: 1001,
  sshKey: 2001,
  primaryIp: 50001,
  network: 6001,
  firewall: 7001,
  placementGroup: 8001,
};

/** The request log keeps this many newest entries. */
export const REQUEST_LOG_CAPACITY = 10_000;

export function createState(): SimState {
  return {
    projects: new Map(),
    tokens: new Map(),
    sshKeys: new Map(),
    networks: new Map(),
    firewalls: new Map(),
    placementGroups: new Map(),
    servers: new Map(),
    actions: new Map(),
    requestLog: [],
    ids: { ...FIRST_IDS },
  };
}

/** Back to empty; the catalog lives outside the state and is kept. */
export function resetState(state: SimState): void {
  state.projects.clear();
  state.tokens.clear();
  state.sshKeys.clear();
  state.networks.clear();
  state.firewalls.clear();
  state.placementGroups.clear();
  state.servers.clear();
  state.actions.clear();
  state.requestLog.length = 0;
  state.ids = { ...FIRST_IDS };
}

export function nextId(state: SimState, kind: keyof IdCounters): number {
  const id = state.ids[kind];
  state.ids[kind] = id + 1;
  return id;
}

export function appendRequestLog(state: SimState, entry: RequestLogEntry): void {
  state.requestLog.push(entry);
  // Trim in chunks so the common append stays O(1).
  if (state.requestLog.length > REQUEST_LOG_CAPACITY * 1.5) {
    state.requestLog.splice(0, state.requestLog.length - REQUEST_LOG_CAPACITY);
  }
}
