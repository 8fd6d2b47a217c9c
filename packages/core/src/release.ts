/**
 * Deleting a node's servers at the provider: for releaseNode (RELEASING → RELEASED), and for
 * the cleanup of a node that failed or was cancelled after its server existed. Servers are
 * found by the node's label, so a server whose id was never stored (a worker killed right after
 * the create call) is deleted too. Each delete is shown on the timeline (INFO events) and
 * waited for until the provider confirms it.
 */
import type { Node, ProviderConnection } from '@hangar/db/generated/prisma/client';
import { nodeErrorFromProvider } from '@hangar/domain/node-errors';
import { providerErrorInfo } from '@hangar/domain/provider-errors';
import type { ProviderAdapter, ProviderServer } from '@hangar/providers/provider';
import type { CoreDeps } from './deps.ts';
import { phaseDeadlineMs, RELEASING_DEADLINE_MS } from './deadlines.ts';
import { holdPhaseClock, transition } from './node-state.ts';
import { openConnectionAdapter } from './provider-connections.ts';
import { Interrupted, StepFailure, note, retryEvents, timeoutError, withRetries, type StepScope } from './provider-steps.ts';
import { NODE_ID_LABEL } from './server-labels.ts';

/** Every server at the provider carrying the node's label (any attempt), deleting ones included. */
export async function findNodeServers(scope: StepScope, adapter: ProviderAdapter, nodeId: string): Promise<ProviderServer[]> {
  return withRetries(scope, "look for the node's servers", (signal) => adapter.findServersByLabel({ [NODE_ID_LABEL]: nodeId }, { signal }));
}

/**
 * Deletes `servers` and waits until the provider confirms each delete. INFO events say what
 * happens and why (`reason`). Throws StepFailure when a delete fails for good.
 */
export async function deleteServers(scope: StepScope, adapter: ProviderAdapter, servers: ProviderServer[], reason: string): Promise<void> {
  for (const server of servers) {
    await note(scope.deps, scope.node.id, { phase: scope.node.phase, kind: 'INFO', message: `deleting server ${server.id} (${server.name}): ${reason}` });
    const { actionId } = await withRetries(scope, `delete server ${server.id}`, (signal) => adapter.deleteServer(server.id, { signal }));
    if (actionId !== null) {
      const what = `wait for server ${server.id} to be deleted`;
      const retries = retryEvents(scope, what);
      const action = await withRetries(scope, what, (signal) =>
        adapter.waitForAction(actionId, { signal, deadlineMs: Math.max(1, scope.deadlineAt - Date.now()), onRetry: retries.onRetry }),
      ).finally(() => retries.settled());
      if (action.status === 'error') {
        const info = action.error ?? providerErrorInfo('PROVIDER_ACTION_FAILED', { message: `delete action ${actionId} failed` });
        throw new StepFailure(nodeErrorFromProvider(info, { code: 'PROVIDER_ACTION_FAILED', message: `the provider could not delete server ${server.id}: ${info.message}` }));
      }
    }
    await note(scope.deps, scope.node.id, { phase: scope.node.phase, kind: 'INFO', message: `server ${server.id} deleted` });
  }
}

/** What deleteNodeServers did, and what it looked at before saying a server was not there. */
export interface NodeServersDeleted {
  deleted: string[];
  /** For the timeline, e.g. `server 42 looked up by id: not found; servers labelled hangar.dev/node-id=…: none`. */
  verified: string;
}

/**
 * Finds and deletes every server of the node. A server is never taken for gone on a guess:
 * the node's stored server id (`knownServerId`) is looked up by id as well as every server
 * carrying the node's label, so a server whose labels were changed is still found, and the
 * result says what was looked at.
 */
export async function deleteNodeServers(scope: StepScope, adapter: ProviderAdapter, reason: string, knownServerId: string | null): Promise<NodeServersDeleted> {
  const byLabel = await findNodeServers(scope, adapter, scope.node.id);
  const servers = [...byLabel];
  const checks = [`servers labelled ${NODE_ID_LABEL}=${scope.node.id}: ${byLabel.length === 0 ? 'none' : byLabel.map((server) => server.id).join(', ')}`];
  if (knownServerId !== null && !byLabel.some((server) => server.id === knownServerId)) {
    const byId = await withRetries(scope, `look up server ${knownServerId}`, (signal) => adapter.readServer(knownServerId, { signal }));
    if (byId) servers.push(byId);
    checks.unshift(`server ${knownServerId} looked up by id: ${byId ? 'found' : 'not found'}`);
  }
  await deleteServers(scope, adapter, servers, reason);
  return { deleted: servers.map((server) => server.id), verified: checks.join('; ') };
}

/** A scope for deleting a node's servers, with its own deadline (RELEASING_DEADLINE_MS, scaled) from now. */
export function cleanupScope(
  deps: CoreDeps,
  node: Pick<Node, 'id' | 'phase' | 'providerConnectionId'>,
  connection: Pick<ProviderConnection, 'id' | 'tokenFingerprint'>,
  signal: AbortSignal | undefined,
): StepScope {
  const budgetMs = phaseDeadlineMs('RELEASING', deps.config.deadlineScale) ?? RELEASING_DEADLINE_MS;
  const timeout = AbortSignal.timeout(budgetMs);
  return {
    deps,
    node,
    connection,
    deadlineAt: Date.now() + budgetMs,
    timeoutCode: 'PROVIDER_TIMEOUT',
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  };
}

/**
 * The node_release job: deletes the server of a RELEASING node and waits for the provider to
 * confirm, then RELEASED (the row stays, with its timeline). A delete that fails for good (or
 * the RELEASING deadline) ends FAILED with the error; the server id stays on the node, so the
 * reconcile job and another releaseNode can still delete it.
 */
export async function runRelease(deps: CoreDeps, nodeId: string, options: { signal?: AbortSignal } = {}): Promise<void> {
  const node = await deps.db.node.findUnique({ where: { id: nodeId } });
  if (!node || node.phase !== 'RELEASING') return;
  const connection = await deps.db.providerConnection.findUniqueOrThrow({ where: { id: node.providerConnectionId } });
  const expected = { phase: 'RELEASING' as const, attempt: node.attempt };
  // The deadline counts only while a worker holds the release (deadlines.ts).
  const clock = await holdPhaseClock(deps, node);
  try {
    await releaseHeld(deps, node, connection, expected, clock.usedMs(), options);
  } finally {
    await clock.stop();
  }
}

async function releaseHeld(
  deps: CoreDeps,
  node: Node,
  connection: ProviderConnection,
  expected: { phase: 'RELEASING'; attempt: number },
  usedMs: number,
  options: { signal?: AbortSignal },
): Promise<void> {
  const nodeId = node.id;
  const leftMs = (phaseDeadlineMs('RELEASING', deps.config.deadlineScale) ?? RELEASING_DEADLINE_MS) - usedMs;
  if (leftMs <= 0) {
    const error = timeoutError('RELEASING', 'PROVIDER_TIMEOUT');
    await transition(deps, nodeId, expected, 'FAILED', { message: `release failed: ${error.message}`, error });
    return;
  }
  const timeout = AbortSignal.timeout(leftMs);
  const scope: StepScope = {
    deps,
    node,
    connection,
    deadlineAt: Date.now() + leftMs,
    timeoutCode: 'PROVIDER_TIMEOUT',
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
  };
  try {
    const { deleted, verified } = await deleteNodeServers(scope, openConnectionAdapter(deps, connection), 'the node is being released', node.providerServerId);
    await transition(deps, nodeId, expected, 'RELEASED', {
      message:
        deleted.length === 0
          ? `released: the provider has no server for it (checked with the connection's token: ${verified})`
          : `released: the provider confirmed the delete of server ${deleted.join(', ')}`,
      update: { releasedAt: new Date(), providerServerId: null, providerActionId: null, providerNextActionIds: [] },
    });
    deps.log.info({ nodeId }, 'node released');
  } catch (error) {
    if (error instanceof StepFailure) {
      await transition(deps, nodeId, expected, 'FAILED', {
        message: `release failed: ${error.nodeError.message}; the server may still exist, release the node again once fixed`,
        error: error.nodeError,
      });
      return;
    }
    if (error instanceof Interrupted && !options.signal?.aborted) {
      // The deadline passed while this worker held the release.
      const timeout = timeoutError('RELEASING', 'PROVIDER_TIMEOUT');
      await transition(deps, nodeId, expected, 'FAILED', { message: `release failed: ${timeout.message}`, error: timeout });
      return;
    }
    throw error;
  }
}
