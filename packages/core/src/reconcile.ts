/**
 * The reconcile job (every 5 minutes): the provider's view and Hangar's must agree.
 *
 * Per provider connection it lists the servers carrying the connection's Hangar label:
 * - a server whose node does not want one (no such node, or the node is FAILED, CANCELLED or
 *   RELEASED, or the server belongs to an earlier attempt) is deleted and audited: no leaks,
 *   whatever crashed when;
 * - a node that must have a server (PROVISIONING, WAITING_FOR_READINESS, READY) whose server
 *   is gone at the provider ends FAILED with NODE_SERVER_LOST.
 * Then it nudges nodes that have not moved for a while (a job lost with a dead database, a
 * deadline nobody enforced) by sending their job again; the job's stately queue drops the send
 * when one is already waiting.
 *
 * It never deletes a server of another organization's node, and it skips connections whose
 * token is known to be INVALID (nothing could be listed or deleted with it).
 */
import type { Node, ProviderConnection } from '@hangar/db/generated/prisma/client';
import { nodeError } from '@hangar/domain/node-errors';
import { expectsServer, isAcquisitionPhase, isServerlessPhase } from '@hangar/domain/phases';
import type { ProviderAdapter, ProviderServer } from '@hangar/providers/provider';
import { failNode } from './acquisition.ts';
import { recordAudit } from './audit.ts';
import { phaseDeadlineMs } from './deadlines.ts';
import type { CoreDeps } from './deps.ts';
import { appendEvent } from './event-log.ts';
import { enqueueProvision, enqueueRelease } from './node-jobs.ts';
import { openConnectionAdapter } from './provider-connections.ts';
import { attemptOf, CONNECTION_ID_LABEL, NODE_ID_LABEL } from './server-labels.ts';

/** A node that has not changed for this long gets its job sent again. */
export const NUDGE_AFTER_MS = 2 * 60_000;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What one reconcile run did. */
export interface ReconcileReport {
  connections: number;
  serversDeleted: number;
  nodesLost: number;
  nodesNudged: number;
  /** Connections that could not be reconciled (listed in the log). */
  failedConnections: number;
}

/** Why a node does not want `server`, or null when it does. */
function unwantedBecause(server: ProviderServer, node: Node | undefined): string | null {
  if (!node) return 'its node does not exist';
  if (isServerlessPhase(node.phase)) return `its node is ${node.phase}`;
  const attempt = attemptOf(server.labels);
  if (attempt !== null && attempt < node.attempt && node.phase !== 'CREATING_SERVER') return `it belongs to attempt ${attempt}, the node is on attempt ${node.attempt}`;
  return null;
}

async function deleteUnwanted(deps: CoreDeps, adapter: ProviderAdapter, connection: ProviderConnection, server: ProviderServer, node: Node | undefined, reason: string): Promise<void> {
  const { actionId } = await adapter.deleteServer(server.id);
  if (actionId !== null) {
    const deadlineMs = phaseDeadlineMs('RELEASING', deps.config.deadlineScale) ?? undefined;
    const action = await adapter.waitForAction(actionId, { deadlineMs });
    if (action.status === 'error') throw new Error(`delete of server ${server.id} failed: ${action.error?.message ?? 'no message'}`);
  }
  const message = `reconcile deleted server ${server.id} (${server.name}): ${reason}`;
  await deps.db.$transaction(async (tx) => {
    await recordAudit(tx, {
      organizationId: connection.organizationId,
      apiTokenId: null,
      action: 'node.server_reconciled',
      targetType: node ? 'Node' : 'ProviderConnection',
      targetId: node?.id ?? connection.id,
      details: { serverId: server.id, serverName: server.name, nodeId: server.labels[NODE_ID_LABEL] ?? null, reason },
    });
    if (node) {
      await appendEvent(tx, node.id, { phase: node.phase, kind: 'INFO', message }, node.providerServerId === server.id ? { providerServerId: null } : {});
    }
  });
  deps.log.warn({ connectionId: connection.id, serverId: server.id, nodeId: node?.id ?? null, reason }, 'reconcile deleted an unwanted server');
}

async function reconcileConnection(deps: CoreDeps, connection: ProviderConnection, report: ReconcileReport): Promise<void> {
  const adapter = openConnectionAdapter(deps, connection);
  const servers = await adapter.findServersByLabel({ [CONNECTION_ID_LABEL]: connection.id });
  const nodeIds = [...new Set(servers.map((server) => server.labels[NODE_ID_LABEL]).filter((id): id is string => typeof id === 'string' && UUID_RE.test(id)))];
  const nodes = new Map((await deps.db.node.findMany({ where: { id: { in: nodeIds } } })).map((node) => [node.id, node]));

  for (const server of servers) {
    if (server.status === 'deleting') continue;
    const node = nodes.get(server.labels[NODE_ID_LABEL] ?? '');
    if (node && (node.organizationId !== connection.organizationId || node.providerConnectionId !== connection.id)) {
      deps.log.warn({ connectionId: connection.id, serverId: server.id, nodeId: node.id }, 'server labelled for a node of another connection; left alone');
      continue;
    }
    const reason = unwantedBecause(server, node);
    if (reason === null) continue;
    await deleteUnwanted(deps, adapter, connection, server, node, reason);
    report.serversDeleted += 1;
  }

  const listed = new Set(servers.map((server) => server.id));
  const needing = await deps.db.node.findMany({
    where: { providerConnectionId: connection.id, phase: { in: ['PROVISIONING', 'WAITING_FOR_READINESS', 'READY'] }, providerServerId: { not: null } },
  });
  for (const node of needing) {
    const serverId = node.providerServerId as string;
    if (listed.has(serverId) || !expectsServer(node.phase)) continue;
    // Listed by label a moment ago without it; ask for it by id before failing the node.
    if ((await adapter.readServer(serverId)) !== null) continue;
    const failed = await failNode(deps, node, nodeError('NODE_SERVER_LOST', `server ${serverId} no longer exists at the provider (deleted outside Hangar?)`), { cleanup: false });
    if (failed) report.nodesLost += 1;
  }
}

/** Sends the job again for nodes in motion that have not changed for NUDGE_AFTER_MS. */
async function nudgeStuckNodes(deps: CoreDeps, report: ReconcileReport): Promise<void> {
  const before = new Date(Date.now() - NUDGE_AFTER_MS);
  const stuck = await deps.db.node.findMany({
    where: { updatedAt: { lt: before }, phase: { in: ['QUEUED', 'VALIDATING', 'CREATING_SERVER', 'WAITING_FOR_SERVER', 'PROVISIONING', 'WAITING_FOR_READINESS', 'RELEASING'] } },
    select: { id: true, phase: true },
  });
  for (const node of stuck) {
    const sent = isAcquisitionPhase(node.phase) ? await enqueueProvision(deps.boss, node.id, deps.config) : await enqueueRelease(deps.boss, node.id, deps.config);
    if (sent !== null) report.nodesNudged += 1;
  }
}

/** One reconcile run over every connection. Failures of one connection do not stop the others. */
export async function reconcile(deps: CoreDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { connections: 0, serversDeleted: 0, nodesLost: 0, nodesNudged: 0, failedConnections: 0 };
  const connections = await deps.db.providerConnection.findMany({ where: { credentialStatus: { not: 'INVALID' } }, orderBy: { createdAt: 'asc' } });
  for (const connection of connections) {
    report.connections += 1;
    try {
      await reconcileConnection(deps, connection, report);
    } catch (error) {
      report.failedConnections += 1;
      deps.log.error({ err: error, connectionId: connection.id }, 'reconcile of a provider connection failed');
    }
  }
  await nudgeStuckNodes(deps, report);
  deps.log.info({ ...report }, 'reconcile done');
  return report;
}
