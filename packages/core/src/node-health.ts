/**
 * Live machine health of READY nodes, from their heartbeats. `Node.health` is stored, never
 * computed at read time: every change of it is a HEALTH event on the node's timeline (so it
 * reaches nodeChanged and nodeEvents subscribers), written with the new value in one
 * transaction under the node's row lock.
 *
 * - HEALTHY: heartbeats arrive (the last one at most HEARTBEAT_OVERDUE_INTERVALS intervals ago).
 * - OVERDUE: none for HEARTBEAT_OVERDUE_INTERVALS intervals.
 * - LOST: none for HEARTBEAT_LOST_INTERVALS intervals: the machine is most likely gone or cut off.
 *
 * Who writes it: entering READY sets HEALTHY, leaving READY clears it (node-state.ts enterPhase);
 * a heartbeat of an OVERDUE or LOST node brings it back to HEALTHY at once (bootstrap.ts); the
 * node_health job (checkNodeHealth, every HangarConfig.nodeHealthCheckMs) moves nodes whose
 * heartbeats stopped to OVERDUE and LOST. So a node becomes OVERDUE on its timeline within one
 * check interval after its heartbeats became overdue.
 */
import type { Node } from '@hangar/db/generated/prisma/client';
import type { NodeHealth } from '@hangar/db/generated/prisma/enums';
import type { CoreDeps } from './deps.ts';
import { appendEvent } from './event-log.ts';
import type { HangarConfig } from './config.ts';
import { lockNode } from './node-state.ts';

/** How often a machine sends a heartbeat (scaled by deadlineScale, never below the minimum). */
export const HEARTBEAT_INTERVAL_MS = 15_000;
export const HEARTBEAT_INTERVAL_MIN_MS = 100;

/** The heartbeat interval machines are told to keep. */
export function heartbeatIntervalMs(config: Pick<HangarConfig, 'deadlineScale'>): number {
  return Math.max(HEARTBEAT_INTERVAL_MIN_MS, Math.round(HEARTBEAT_INTERVAL_MS * Math.min(1, config.deadlineScale)));
}

/** A READY node whose last heartbeat is older than this many intervals is OVERDUE. */
export const HEARTBEAT_OVERDUE_INTERVALS = 3;
/** ... and LOST after this many (5 minutes at the default 15 s interval). */
export const HEARTBEAT_LOST_INTERVALS = 20;
/** READY nodes read per batch of a check. */
const CHECK_BATCH = 500;

/** What a node's heartbeats say now: null unless READY (a READY node always had a healthy heartbeat). */
export function healthOf(node: Pick<Node, 'phase' | 'lastHeartbeatAt' | 'readyAt'>, config: Pick<HangarConfig, 'deadlineScale'>, now: number = Date.now()): NodeHealth | null {
  if (node.phase !== 'READY') return null;
  const last = (node.lastHeartbeatAt ?? node.readyAt)?.getTime() ?? now;
  const silentMs = now - last;
  const interval = heartbeatIntervalMs(config);
  if (silentMs > HEARTBEAT_LOST_INTERVALS * interval) return 'LOST';
  if (silentMs > HEARTBEAT_OVERDUE_INTERVALS * interval) return 'OVERDUE';
  return 'HEALTHY';
}

/** The HEALTH event's text for a change to `health`. */
function healthMessage(health: NodeHealth, node: Pick<Node, 'lastHeartbeatAt'>, config: Pick<HangarConfig, 'deadlineScale'>): string {
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  const last = node.lastHeartbeatAt ? `last heartbeat at ${node.lastHeartbeatAt.toISOString()}` : 'no heartbeat yet';
  const interval = heartbeatIntervalMs(config);
  switch (health) {
    case 'HEALTHY':
      return 'heartbeats resumed: the machine is reachable again';
    case 'OVERDUE':
      return `heartbeats overdue: none for more than ${seconds(HEARTBEAT_OVERDUE_INTERVALS * interval)} (${last})`;
    case 'LOST':
      return `machine lost: no heartbeat for more than ${seconds(HEARTBEAT_LOST_INTERVALS * interval)} (${last}); the server may still exist and cost money`;
  }
}

/**
 * Brings one READY node's stored health up to date under its row lock; returns the new health
 * when it changed (with its HEALTH event), else null.
 */
export async function refreshNodeHealth(deps: CoreDeps, nodeId: string, now: () => number = Date.now): Promise<NodeHealth | null> {
  return deps.db.$transaction(async (tx) => {
    const node = await lockNode(tx, nodeId);
    if (!node || node.phase !== 'READY') return null;
    const health = healthOf(node, deps.config, now());
    if (health === null || health === node.health) return null;
    await appendEvent(tx, node.id, { phase: 'READY', kind: 'HEALTH', message: healthMessage(health, node, deps.config) }, { health });
    return health;
  });
}

/**
 * The node_health job's work: every READY node whose stored health no longer matches its
 * heartbeats gets it updated (with a HEALTH event). Only nodes that may have changed are
 * read: those whose last heartbeat is older than the overdue threshold and not yet LOST, and
 * those not HEALTHY (a heartbeat that came back while the node was OVERDUE is handled at the
 * heartbeat; this covers a missed one). Returns how many nodes changed.
 */
export async function checkNodeHealth(deps: CoreDeps): Promise<number> {
  const now = Date.now();
  const overdueBefore = new Date(now - HEARTBEAT_OVERDUE_INTERVALS * heartbeatIntervalMs(deps.config));
  let changed = 0;
  let after: string | undefined;
  for (;;) {
    const candidates = await deps.db.node.findMany({
      where: {
        phase: 'READY',
        OR: [
          { health: { not: 'HEALTHY' } },
          { health: null },
          { lastHeartbeatAt: { lt: overdueBefore }, health: 'HEALTHY' },
          { lastHeartbeatAt: null, readyAt: { lt: overdueBefore } },
        ],
      },
      select: { id: true, phase: true, lastHeartbeatAt: true, readyAt: true, health: true },
      orderBy: { id: 'asc' },
      take: CHECK_BATCH,
      ...(after === undefined ? {} : { cursor: { id: after }, skip: 1 }),
    });
    if (candidates.length === 0) break;
    after = candidates.at(-1)?.id;
    for (const candidate of candidates) {
      if (healthOf(candidate, deps.config, now) === candidate.health) continue;
      if ((await refreshNodeHealth(deps, candidate.id)) !== null) changed += 1;
    }
    if (candidates.length < CHECK_BATCH) break;
  }
  if (changed > 0) deps.log.info({ changed }, 'node health updated');
  return changed;
}
