/**
 * The handoff between a new server and Hangar: the cloud-init user data that runs the
 * bootstrap, the one-time registration token in it, and the machine's two calls back
 * (POST /agent/register, POST /agent/heartbeat). docs/features/node-acquisition.md ("The
 * bootstrap contract") is the contract; the machine's side is packages/core/agent/hangar-agent.sh,
 * which the simulator runs in its script boot mode (or plays in JavaScript).
 *
 * Invariants:
 * - The registration token and the node credential are 256-bit random secrets. Only their
 *   SHA-256 is stored (Node.registrationTokenHash, Node.nodeCredentialHash); neither reaches a
 *   log line, an event, an error or an audit row.
 * - A registration token is single use and expires with its node's registration phases: once the
 *   phase the node is in (CREATING_SERVER, WAITING_FOR_SERVER, PROVISIONING) has used its whole
 *   deadline on the phase clock (deadlines.ts), not on the wall clock, so Hangar's own downtime
 *   never expires a token the machine still needs.
 * - A machine whose node no longer wants it (FAILED, CANCELLED, RELEASING, RELEASED) gets 410,
 *   so it stops calling.
 * - Registration and the first healthy heartbeat move the node (PROVISIONING →
 *   WAITING_FOR_READINESS → READY) when it is in that phase; when the machine is faster than the
 *   phase driver (it registers while the node is still WAITING_FOR_SERVER), the facts are
 *   recorded and the driver makes the moves, so the phases are always entered in order.
 * - A call that a parked driver waits for (registration in PROVISIONING; a first healthy
 *   heartbeat in WAITING_FOR_READINESS the API did not act on) wakes the node's job after its
 *   commit (node-jobs.ts wakeProvision): the driver (acquisition.ts) goes on at once, no poll.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Node } from '@hangar/db/generated/prisma/client';
import type { Phase } from '@hangar/domain/phases';
import { noteSecret } from '@hangar/domain/secret-registry';
import type { CoreDeps } from './deps.ts';
import { msLeftInPhase } from './deadlines.ts';
import { appendEvent } from './event-log.ts';
import { enterPhase, lockNode } from './node-state.ts';
import { wakeProvision } from './node-jobs.ts';
import { heartbeatIntervalMs, refreshNodeHealth } from './node-health.ts';

/** Visible prefix of registration tokens (recognisable in a leak scan). */
export const REGISTRATION_TOKEN_PREFIX = 'rt_';
/** Visible prefix of node credentials. */
export const NODE_CREDENTIAL_PREFIX = 'nc_';
const SECRET_BYTES = 32;
/** Where the bootstrap keeps its configuration on the machine. */
export const BOOTSTRAP_CONFIG_PATH = '/etc/hangar/bootstrap.json';
/** Version of the bootstrap document (the `hangarBootstrap` key). */
export const BOOTSTRAP_VERSION = 1;
/** Largest JSON body an agent route reads. */
export const AGENT_BODY_MAX_BYTES = 16 * 1024;

/** Phases in which a registration is accepted (the machine may be faster than the driver). */
const REGISTRATION_PHASES: readonly Phase[] = ['CREATING_SERVER', 'WAITING_FOR_SERVER', 'PROVISIONING'];
/** Phases in which heartbeats are accepted. */
const HEARTBEAT_PHASES: readonly Phase[] = ['CREATING_SERVER', 'WAITING_FOR_SERVER', 'PROVISIONING', 'WAITING_FOR_READINESS', 'READY'];
/** Phases after which a machine must stop calling. */
const GONE_PHASES: readonly Phase[] = ['FAILED', 'CANCELLED', 'RELEASING', 'RELEASED'];

/**
 * Whether the machine's calls may move the node on: not while it is being cancelled or failed
 * (the phase driver is deleting its server and ends it).
 */
function isAdvancing(node: Pick<Node, 'cancelRequestedAt' | 'error'>): boolean {
  return node.cancelRequestedAt === null && node.error === null;
}

/** SHA-256 (hex) of a 256-bit random secret: enough, no slow KDF needed. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A fresh registration token and its hash (store the hash, put the token in the user data). */
export function newRegistrationToken(): { token: string; hash: string } {
  const token = REGISTRATION_TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
  noteSecret(token);
  return { token, hash: hashSecret(token) };
}

export { heartbeatIntervalMs };

/** The bootstrap document as one line of JSON (the agent and the simulator read it). */
export function bootstrapLine(apiUrl: string, registrationToken: string, metadata: MachineMetadata): string {
  return JSON.stringify({ hangarBootstrap: BOOTSTRAP_VERSION, apiUrl, registrationToken, metadataUrl: metadata.url, metadataPath: metadata.path });
}

/** Where the machine reads its own identity: the provider's metadata service (its profile says). */
export interface MachineMetadata {
  url: string;
  path: string;
}

/** The machine agent (POSIX sh), one file, read once: what runs on every node's server. */
export const AGENT_SCRIPT_URL = new URL('../agent/hangar-agent.sh', import.meta.url);
const AGENT_SCRIPT = readFileSync(AGENT_SCRIPT_URL, 'utf8');
/** Where the user data installs the agent, and the systemd unit that runs it. */
export const AGENT_INSTALL_PATH = '/usr/local/bin/hangar-agent';
export const AGENT_UNIT_PATH = '/etc/systemd/system/hangar-agent.service';

/**
 * systemd runs the agent: restarted after a crash or a registration that gave up (exit 1), at
 * most AGENT_START_LIMIT times an hour; never after exit 0 (Hangar said stop) or 2 (refused
 * for good, or an unusable configuration).
 */
const AGENT_UNIT = `[Unit]
Description=Hangar node agent (registration and heartbeats)
After=network-online.target
Wants=network-online.target
StartLimitIntervalSec=3600
StartLimitBurst=5
[Service]
ExecStart=${AGENT_INSTALL_PATH}
Restart=on-failure
RestartSec=30
RestartPreventExitStatus=2
[Install]
WantedBy=multi-user.target
`;

/** A YAML block scalar's lines: every line indented (empty lines stay empty). */
function blockLines(text: string, indent: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line === '' ? '' : indent + line))
    .join('\n');
}

/**
 * The cloud-init user data of a node's server (a cloud-config; passes `cloud-init schema`):
 * writes the bootstrap document (0600: it holds the one-time registration token), the agent
 * (packages/core/agent/hangar-agent.sh, verbatim) and its systemd unit, and starts the unit.
 */
export function buildUserData(input: { apiUrl: string; registrationToken: string; metadata: MachineMetadata }): string {
  const line = bootstrapLine(input.apiUrl.replace(/\/+$/, ''), input.registrationToken, input.metadata);
  const indent = '      ';
  return `#cloud-config
# Hangar node bootstrap. ${BOOTSTRAP_CONFIG_PATH} holds a one-time registration token.
write_files:
  - path: ${BOOTSTRAP_CONFIG_PATH}
    permissions: '0600'
    owner: root:root
    content: |
${indent}${line}
  - path: ${AGENT_INSTALL_PATH}
    permissions: '0755'
    owner: root:root
    content: |
${blockLines(AGENT_SCRIPT, indent)}
  - path: ${AGENT_UNIT_PATH}
    permissions: '0644'
    owner: root:root
    content: |
${blockLines(AGENT_UNIT, indent)}
runcmd:
  - [systemctl, daemon-reload]
  - [systemctl, enable, --now, hangar-agent.service]
`;
}

/** A refusal of an agent call: the HTTP status and a stable code the machine (and a person) can read. */
export class AgentError extends Error {
  override name = 'AgentError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const ipv4Schema = z.union([z.ipv4(), z.null()]).optional();
const ipv6Schema = z.union([z.ipv6(), z.null()]).optional();

const RegisterBody = z.object({
  registrationToken: z.string().min(1).max(512),
  serverId: z.union([z.number().int().positive(), z.string().regex(/^[1-9][0-9]{0,18}$/)]),
  hostname: z.string().max(253).optional(),
  ipv4: ipv4Schema,
  ipv6: ipv6Schema,
});

const HeartbeatBody = z.object({
  healthy: z.boolean(),
  uptimeSeconds: z.number().nonnegative().optional(),
});

function invalidBody(error: z.ZodError): AgentError {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return new AgentError(400, 'INVALID_BODY', `${where}${issue?.message ?? 'invalid body'}`);
}

/** What a successful registration returns to the machine. */
export interface RegisterResult {
  nodeId: string;
  /** The machine's secret for heartbeats; returned once, stored hashed. */
  nodeCredential: string;
  heartbeatIntervalMs: number;
}

/**
 * POST /agent/register: trades a one-time registration token for a node credential. 401 for
 * an unknown token, 410 for an expired or used one or a node that no longer wants a machine,
 * 409 when the token belongs to another server, 400 for a malformed body.
 */
export async function registerMachine(deps: CoreDeps, body: unknown): Promise<RegisterResult> {
  const parsed = RegisterBody.safeParse(body);
  if (!parsed.success) throw invalidBody(parsed.error);
  const input = parsed.data;
  const tokenHash = hashSecret(input.registrationToken);
  const serverId = String(input.serverId);
  const nodeCredential = NODE_CREDENTIAL_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
  noteSecret(nodeCredential);
  const now = new Date();

  // Only a driver waiting in PROVISIONING can be parked (acquisition.ts): an earlier phase's
  // driver is running or queued and applies the recorded fact itself, so it needs no wake-up.
  let wake = false;
  const nodeId = await deps.db.$transaction(async (tx) => {
    const found = await tx.node.findUnique({ where: { registrationTokenHash: tokenHash }, select: { id: true } });
    if (!found) throw new AgentError(401, 'UNKNOWN_TOKEN', 'unknown registration token');
    const node = await lockNode(tx, found.id);
    if (!node || node.registrationTokenHash !== tokenHash) throw new AgentError(401, 'UNKNOWN_TOKEN', 'unknown registration token');
    if (GONE_PHASES.includes(node.phase)) throw new AgentError(410, 'MACHINE_NOT_WANTED', `node is ${node.phase}; this machine is not wanted any more`);
    if (node.registeredAt !== null || !REGISTRATION_PHASES.includes(node.phase)) throw new AgentError(410, 'TOKEN_USED', 'registration token was already used');
    if (msLeftInPhase(node.phase, node, deps.config.deadlineScale, now.getTime()) <= 0) {
      throw new AgentError(410, 'TOKEN_EXPIRED', 'registration token expired');
    }
    if (node.providerServerId !== null && node.providerServerId !== serverId) {
      throw new AgentError(409, 'SERVER_MISMATCH', `registration token belongs to another server than ${serverId}`);
    }
    const update = { registeredAt: now, nodeCredentialHash: hashSecret(nodeCredential) };
    if (node.phase === 'PROVISIONING' && isAdvancing(node)) {
      await enterPhase(tx, node, 'WAITING_FOR_READINESS', { message: `machine registered (server ${serverId}); waiting for a healthy heartbeat`, update });
    } else {
      // Faster than the phase driver: keep the fact; the driver enters the phases in order.
      await appendEvent(tx, node.id, { phase: node.phase, kind: 'INFO', message: `machine registered early (server ${serverId})` }, update);
    }
    wake = node.phase === 'PROVISIONING';
    return node.id;
  });
  deps.log.info({ nodeId, serverId }, 'machine registered');
  if (wake) await wakeDriver(deps, nodeId);
  return { nodeId, nodeCredential, heartbeatIntervalMs: heartbeatIntervalMs(deps.config) };
}

/**
 * Wakes the node's job after a call home changed what its driver waits for. The machine's call
 * has succeeded either way (its fact is committed): a wake-up that fails is logged, and the
 * parked wait's follow-up (acquisition.ts MACHINE_WAIT_RECHECK_MS) finds the fact instead.
 */
async function wakeDriver(deps: CoreDeps, nodeId: string): Promise<void> {
  try {
    await wakeProvision(deps.boss, nodeId, deps.config);
  } catch (error) {
    deps.log.warn({ err: error, nodeId }, 'could not wake the node job after a call home');
  }
}

/** What a heartbeat returns to the machine. */
export interface HeartbeatResult {
  nodeId: string;
  phase: Phase;
  heartbeatIntervalMs: number;
}

/**
 * POST /agent/heartbeat: records that the machine is alive (and healthy or not); the first
 * healthy one after registration makes the node READY. 401 for an unknown credential, 410 when
 * the node no longer wants the machine.
 */
export async function recordHeartbeat(deps: CoreDeps, nodeCredential: string | undefined, body: unknown): Promise<HeartbeatResult> {
  if (!nodeCredential) throw new AgentError(401, 'MISSING_CREDENTIAL', 'send the node credential as `Authorization: Bearer <nodeCredential>`');
  const parsed = HeartbeatBody.safeParse(body);
  if (!parsed.success) throw invalidBody(parsed.error);
  const { healthy } = parsed.data;
  const credentialHash = hashSecret(nodeCredential);
  const now = new Date();

  const found = await deps.db.node.findUnique({ where: { nodeCredentialHash: credentialHash }, select: { id: true, phase: true } });
  if (!found) throw new AgentError(401, 'UNKNOWN_CREDENTIAL', 'unknown node credential');
  if (GONE_PHASES.includes(found.phase)) throw new AgentError(410, 'MACHINE_NOT_WANTED', `node is ${found.phase}; this machine is not wanted any more`);

  // Steady state (READY and HEALTHY): one plain update, no lock and no event per heartbeat.
  // A READY node that was OVERDUE or LOST is HEALTHY again at once, with its HEALTH event.
  if (found.phase === 'READY') {
    const { count } = await deps.db.node.updateMany({ where: { id: found.id, phase: 'READY', health: 'HEALTHY' }, data: { lastHeartbeatAt: now, lastHeartbeatHealthy: healthy } });
    if (count === 0) {
      await deps.db.node.updateMany({ where: { id: found.id, phase: 'READY' }, data: { lastHeartbeatAt: now, lastHeartbeatHealthy: healthy } });
      await refreshNodeHealth(deps, found.id);
    }
    return { nodeId: found.id, phase: 'READY', heartbeatIntervalMs: heartbeatIntervalMs(deps.config) };
  }
  let wake = false;
  const phase = await deps.db.$transaction(async (tx) => {
    const node = await lockNode(tx, found.id);
    if (!node || node.nodeCredentialHash !== credentialHash) throw new AgentError(401, 'UNKNOWN_CREDENTIAL', 'unknown node credential');
    if (GONE_PHASES.includes(node.phase)) throw new AgentError(410, 'MACHINE_NOT_WANTED', `node is ${node.phase}; this machine is not wanted any more`);
    if (!HEARTBEAT_PHASES.includes(node.phase)) throw new AgentError(409, 'NOT_EXPECTED', `node is ${node.phase}; no heartbeat expected`);
    const update = { lastHeartbeatAt: now, lastHeartbeatHealthy: healthy };
    if (node.phase === 'WAITING_FOR_READINESS' && healthy && isAdvancing(node)) {
      await enterPhase(tx, node, 'READY', { message: 'first healthy heartbeat: the node is ready', update: { ...update, readyAt: now } });
      return 'READY' as const;
    }
    await tx.node.update({ where: { id: node.id }, data: update });
    // A first healthy heartbeat that a parked driver has to apply (the node is being stopped, so
    // the API did not move it); earlier phases' drivers are running or queued and apply it themselves.
    wake = healthy && node.lastHeartbeatHealthy !== true && node.phase === 'WAITING_FOR_READINESS';
    return node.phase;
  });
  if (phase === 'READY') deps.log.info({ nodeId: found.id }, 'node ready');
  if (wake) await wakeDriver(deps, found.id);
  return { nodeId: found.id, phase, heartbeatIntervalMs: heartbeatIntervalMs(deps.config) };
}
