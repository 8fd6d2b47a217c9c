/**
 * The phase driver behind the node_provision job: QUEUED → VALIDATING → CREATING_SERVER →
 * WAITING_FOR_SERVER → PROVISIONING → WAITING_FOR_READINESS → READY, or FAILED / CANCELLED.
 *
 * Resumable: every run reads the node's phase and continues from there, so a job retried after
 * a crash (or a second job for the same node) picks up where the last one stopped. Each phase
 * change is the node update plus its event in one transaction (node-state.ts).
 *
 * Idempotent server creation: before any create, the driver looks for a server labelled with
 * the node's id (server-labels.ts) and adopts it; the registration token is stored (hashed)
 * before the create call, so an adopted server's bootstrap still works; the server id is
 * stored in the same transaction that enters WAITING_FOR_SERVER, right after the create call
 * answers; and the deterministic server name makes the provider refuse a second create.
 *
 * Failing and cancelling: the error is recorded first (an ERROR event, Node.error set) or the
 * cancel request is (Node.cancelRequestedAt); from then on the API's registration and
 * heartbeat handling no longer advance the node. Then every server of the node is deleted
 * (INFO events), then the node enters FAILED or CANCELLED. A server that cannot be deleted
 * (e.g. the token was revoked) keeps its id on the node, and the reconcile job deletes it later.
 *
 * Waiting for the machine (PROVISIONING, WAITING_FOR_READINESS): the API moves the node when
 * the machine registers and sends its first healthy heartbeat, and wakes the node's job
 * (node-jobs.ts wakeProvision). The driver holds no worker slot and runs no poll meanwhile: it
 * parks the wait (returns `requeue`, the job sends its follow-up to start at the phase deadline
 * or MACHINE_WAIT_RECHECK_MS, whichever is first) and leaves the phase clock to the worker
 * process's parked-clock renewal (node-state.ts parkPhaseClock). The follow-up fails the node
 * when the machine never called; a wake-up pulls it forward.
 */
import type { Node, Prisma, ProviderConnection } from '@hangar/db/generated/prisma/client';
import { nodeError, nodeErrorFromProvider, type NodeError } from '@hangar/domain/node-errors';
import { isAcquisitionPhase, type Phase } from '@hangar/domain/phases';
import { providerErrorInfo } from '@hangar/domain/provider-errors';
import { isProviderError } from '@hangar/providers/provider-error';
import type { ProviderAdapter, ProviderServer } from '@hangar/providers/provider';
import { sleep } from '@hangar/providers/sleep';
import { buildUserData, newRegistrationToken } from './bootstrap.ts';
import { combineUserData } from './user-data.ts';
import { phaseDeadlineMs, PHASE_TIMEOUT_CODES, isTimedPhase } from './deadlines.ts';
import type { CoreDeps } from './deps.ts';
import { appendEvent } from './event-log.ts';
import { holdPhaseClock, moveNode, parkPhaseClock, transition, whenNode, type DriverPhaseChange } from './node-state.ts';
import { checkAgainstCatalog } from './catalog.ts';
import { priceIsCurrent, priceOf } from './node-cost.ts';
import { CAPACITY_CODES, fallBack } from './placements.ts';
import { openConnectionAdapter } from './provider-connections.ts';
import { providerProfile } from '@hangar/providers/registry';
import { Interrupted, StepFailure, errorJson, formatMs, note, retryEvents, timeoutError, withRetries, type StepScope } from './provider-steps.ts';
import { cleanupScope, deleteNodeServers, deleteServers, findNodeServers } from './release.ts';
import { attemptOf, hangarLabels } from './server-labels.ts';

/**
 * Longest a parked machine wait goes unlooked-at: its follow-up job starts then (or at the phase
 * deadline, if sooner) even without a wake-up, so a lost wake-up (an API process that died
 * between its commit and the wake) delays the node by this much at most.
 */
export const MACHINE_WAIT_RECHECK_MS = 30_000;
/** A parked wait's follow-up never starts sooner than this (a deadline a few ms away). */
export const MACHINE_WAIT_MIN_PARK_MS = 50;
/** How often a running step checks whether the node was cancelled. */
export const CANCEL_POLL_INTERVAL_MS = 500;
/** First pause between two reads of a server that is not running yet (adopted servers). */
export const SERVER_POLL_INTERVAL_MS = 500;
/** The pause between those reads never grows beyond this. */
export const SERVER_POLL_MAX_INTERVAL_MS = 5_000;

/** What a run of the driver ends with: nothing left to do, or a follow-up job wanted (`afterMs` 0: at once). */
export type ProvisionOutcome = { kind: 'done' } | { kind: 'requeue'; afterMs: number };

const DONE: ProvisionOutcome = { kind: 'done' };

/** Phases in which the node may own a server at the provider. */
const SERVER_PHASES: readonly Phase[] = ['CREATING_SERVER', 'WAITING_FOR_SERVER', 'PROVISIONING', 'WAITING_FOR_READINESS', 'READY'];

/** Whether a server of this node may exist (so failing or cancelling must look for it). */
export function mayHaveServer(node: Pick<Node, 'phase' | 'providerServerId'>): boolean {
  return node.providerServerId !== null || SERVER_PHASES.includes(node.phase);
}

/** The machine's address in a provider IPv6 network ("2001:db8:0:1::/64" → "2001:db8:0:1::1"). */
export function ipv6AddressOf(network: string | null): string | null {
  if (network === null) return null;
  const [address] = network.split('/');
  if (!address) return null;
  return address.endsWith('::') ? `${address}1` : address;
}

/** One step of the driver: the node as read, its connection, the time and signal it has. */
interface Step {
  deps: CoreDeps;
  node: Node;
  connection: ProviderConnection;
  /** The node was left in this phase by this run's own phase change (not read since). */
  entered: boolean;
  scope: StepScope;
  adapter(): ProviderAdapter;
  /**
   * Moves the node on (moveNode) and hands the node as the change left it to the run's next
   * step, which then needs no read of its own; false when the node had moved on.
   */
  advance(expected: { phase: Phase; attempt: number }, to: Phase, change: DriverPhaseChange): Promise<boolean>;
}

/** A run's next step: the node as this run's phase change left it. */
interface Carry {
  node: Node | null;
}

function openStep(deps: CoreDeps, turn: Turn, signal: AbortSignal, leftMs: number, carry: Carry): Step {
  const { node, connection } = turn;
  const phase = node.phase;
  let adapter: ProviderAdapter | null = null;
  return {
    deps,
    node,
    connection,
    entered: turn.entered,
    async advance(expected, to, change) {
      const moved = await moveNode(deps, node.id, expected, to, change);
      carry.node = moved;
      return moved !== null;
    },
    scope: {
      deps,
      node,
      connection,
      deadlineAt: Date.now() + leftMs,
      timeoutCode: isTimedPhase(phase) ? PHASE_TIMEOUT_CODES[phase] : 'PROVIDER_TIMEOUT',
      signal,
    },
    adapter() {
      adapter ??= openConnectionAdapter(deps, connection);
      return adapter;
    },
  };
}

/** Aborts when the node gets a cancel request (polled), until stopped. */
function watchForCancel(deps: CoreDeps, nodeId: string): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const timer = setInterval(() => {
    deps.db.node
      .findUnique({ where: { id: nodeId }, select: { cancelRequestedAt: true } })
      .then((row) => {
        if (row === null || row.cancelRequestedAt !== null) controller.abort(new Interrupted('cancel requested'));
      })
      .catch((error: unknown) => deps.log.warn({ err: error, nodeId }, 'could not check for a cancel request'));
  }, CANCEL_POLL_INTERVAL_MS);
  timer.unref();
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}

/**
 * Drives one node as far as it can. Returns `requeue` when it handed back its slot while the
 * machine boots. Throws Interrupted when `signal` (the job's) aborts, and anything unexpected
 * (the job is then retried by pg-boss and resumes).
 */
export async function provisionNode(deps: CoreDeps, nodeId: string, options: { signal?: AbortSignal } = {}): Promise<ProvisionOutcome> {
  const jobSignal = options.signal ?? new AbortController().signal;
  const carry: Carry = { node: null };
  let connection: ProviderConnection | null = null;
  for (;;) {
    if (jobSignal.aborted) throw new Interrupted('the job was stopped');
    // The node as this run's last phase change left it (that UPDATE held the row lock: nothing
    // newer exists), else read with its connection in one statement. The connection is read
    // once per run otherwise; validate() reads it again to check its credential status.
    let turn: Turn;
    if (carry.node !== null && connection !== null) {
      turn = { node: carry.node, connection, entered: true };
      if (turn.node.phase === 'VALIDATING') turn.connection = connection = await deps.db.providerConnection.findUniqueOrThrow({ where: { id: turn.node.providerConnectionId } });
    } else {
      const row = await deps.db.node.findUnique({ where: { id: nodeId }, include: { providerConnection: true } });
      if (!row) return DONE;
      const { providerConnection, ...node } = row;
      connection = providerConnection;
      turn = { node, connection, entered: false };
    }
    carry.node = null;
    const { node } = turn;
    if (!isAcquisitionPhase(node.phase)) return DONE;
    if (node.cancelRequestedAt !== null) {
      await cancelAcquisition(deps, node, jobSignal);
      return DONE;
    }
    if (node.error !== null) {
      // A run that decided to fail the node stopped half-way: finish it.
      await failNode(deps, node, node.error as unknown as NodeError, { signal: jobSignal });
      return DONE;
    }
    const deadlineMs = phaseDeadlineMs(node.phase, deps.config.deadlineScale);
    // The phase's clock runs while this run holds the node (deadlines.ts): a resumed job does not count the time nobody held it.
    const clock = deadlineMs === null ? null : await holdPhaseClock(deps, node);
    let outcome: ProvisionOutcome | null;
    try {
      const leftMs = clock === null || deadlineMs === null ? Number.POSITIVE_INFINITY : deadlineMs - clock.usedMs();
      if (leftMs <= 0) {
        await clock?.stop();
        await failNode(deps, node, timeoutError(node.phase, isTimedPhase(node.phase) ? PHASE_TIMEOUT_CODES[node.phase] : 'PROVIDER_TIMEOUT'), { signal: jobSignal });
        return DONE;
      }
      outcome = await runStep(deps, turn, jobSignal, leftMs, carry);
    } finally {
      await clock?.stop();
    }
    if (outcome !== null) return outcome;
  }
}

/** What one turn of the driver's loop works on. */
interface Turn {
  node: Node;
  connection: ProviderConnection;
  /** The node comes from this run's own phase change. */
  entered: boolean;
}

/** Runs the work of the node's current phase. Returns null to let the loop go on (`carry` holds the node if this step moved it). */
async function runStep(deps: CoreDeps, turn: Turn, jobSignal: AbortSignal, leftMs: number, carry: Carry): Promise<ProvisionOutcome | null> {
  const { node, connection } = turn;
  const cancel = watchForCancel(deps, node.id);
  const signal = AbortSignal.any([jobSignal, cancel.signal, AbortSignal.timeout(Math.min(leftMs, 2 ** 31 - 1))]);
  const step = openStep(deps, turn, signal, leftMs, carry);
  try {
    switch (node.phase) {
      case 'QUEUED':
        await step.advance({ phase: 'QUEUED', attempt: node.attempt }, 'VALIDATING', {
          message: `checking provider connection "${connection.name}" and its catalog (attempt ${node.attempt})`,
        });
        // The first step is short and runs ahead of follow-ups (node-jobs.ts NODE_START_PRIORITY):
        // hand the slot back so the next new node leaves QUEUED too; the rest is a follow-up job.
        return { kind: 'requeue', afterMs: 0 };
      case 'VALIDATING':
        await validate(step);
        return null;
      case 'CREATING_SERVER':
        await createServer(step);
        return null;
      case 'WAITING_FOR_SERVER':
        await waitForServer(step);
        return null;
      case 'PROVISIONING':
      case 'WAITING_FOR_READINESS':
        return await waitForMachine(step);
      default:
        return DONE;
    }
  } catch (error) {
    carry.node = null; // whatever comes next acts on the node as read
    if (error instanceof StepFailure) {
      await failNode(deps, node, error.nodeError, { signal: jobSignal });
      return DONE;
    }
    if (error instanceof Interrupted || (isProviderError(error) && error.code === 'PROVIDER_CANCELLED' && signal.aborted)) {
      if (jobSignal.aborted) throw new Interrupted('the job was stopped');
      return null; // cancel or deadline: the loop re-reads the node and acts on it
    }
    throw error;
  } finally {
    cancel.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// The phases

async function validate(step: Step): Promise<void> {
  const { deps, node, connection } = step;
  if (connection.credentialStatus !== 'VALID') {
    const why = connection.credentialError as { code?: string; message?: string } | null;
    throw new StepFailure(
      nodeError(
        'NODE_CONNECTION_UNUSABLE',
        `provider connection "${connection.name}" is ${connection.credentialStatus}${why?.message ? ` (${why.code}: ${why.message})` : ''}; it must be VALID to create servers`,
      ),
    );
  }
  const { catalog, problem } = await withRetries(step.scope, 'read the provider catalog', (signal) => checkAgainstCatalog(deps, connection, node, { signal }));
  if (problem !== null) {
    const code = problem.kind === 'unavailable' ? 'PROVIDER_CAPACITY_UNAVAILABLE' : 'PROVIDER_INVALID_REQUEST';
    if (CAPACITY_CODES.has(code) && (await fallBack(deps, node, { code, message: problem.message }))) return;
    throw new StepFailure(nodeErrorFromProvider(providerErrorInfo(code, { message: problem.message })));
  }
  const price = priceIsCurrent(node) ? null : priceOf(catalog, node);
  await step.advance({ phase: 'VALIDATING', attempt: node.attempt }, 'CREATING_SERVER', {
    message: `${node.serverType} in ${node.location} with ${node.image} can be ordered; creating server ${node.providerServerName}`,
    update: price === null ? {} : { price: price as unknown as Prisma.InputJsonObject },
  });
}

/** The server of this attempt among `servers`, if the provider has one (not being deleted). */
function serverOfAttempt(servers: ProviderServer[], attempt: number): ProviderServer | undefined {
  return servers.find((server) => attemptOf(server.labels) === attempt && server.status !== 'deleting');
}

async function createServer(step: Step): Promise<void> {
  const { deps, node } = step;
  const adapter = step.adapter();
  const expected = { phase: 'CREATING_SERVER' as const, attempt: node.attempt };
  const existing = await findNodeServers(step.scope, adapter, node.id);
  let adopted = serverOfAttempt(existing, node.attempt);
  let created: { server: ProviderServer; actionId: string; nextActionIds: string[] } | null = null;

  if (!adopted) {
    // Servers of earlier attempts carry a spent token and hold the name: delete them first.
    const earlier = existing.filter((server) => attemptOf(server.labels) !== node.attempt || server.status === 'deleting');
    if (earlier.length > 0) await deleteServers(step.scope, adapter, earlier, `left by an earlier attempt; attempt ${node.attempt} creates a new one`);

    // The token is stored before the create call: a server created by a call whose answer is
    // lost (or whose worker dies) is adopted later, and its bootstrap must still work.
    const { token, hash } = newRegistrationToken();
    const stored = await deps.db.node.updateMany({
      where: { id: node.id, phase: 'CREATING_SERVER', attempt: node.attempt },
      data: { registrationTokenHash: hash, registeredAt: null, nodeCredentialHash: null },
    });
    if (stored.count === 0) throw new Interrupted('the node moved on');
    const userData = combineUserData(
      buildUserData({ apiUrl: deps.config.publicUrl, registrationToken: token, metadata: providerProfile(step.connection.kind).metadata }),
      node.userDataSealed === null ? null : { text: deps.keyring.open(node.userDataSealed), kind: node.userDataKind === 'SCRIPT' ? 'SCRIPT' : 'CLOUD_CONFIG' },
    );
    const labels = { ...(node.labels as Record<string, string>), ...hangarLabels(node) };

    let outcome: Awaited<ReturnType<typeof createOnce>>;
    const createOnce = () => withRetries(step.scope, 'create the server', async (signal, attempt) => {
      if (attempt > 1) {
        // An earlier create may have worked although its answer was lost.
        const again = serverOfAttempt(await adapter.findServersByLabel({ ...hangarLabels(node) }, { signal }), node.attempt);
        if (again) return { adopted: again };
      }
      try {
        const result = await adapter.createServer(
          {
            name: node.providerServerName ?? node.name,
            serverType: node.serverType,
            location: node.location,
            image: node.image,
            // Nodes created before keys were stored by id name them.
            sshKeys: node.sshKeyIds.length > 0 ? node.sshKeyIds : node.sshKeyNames,
            labels,
            userData,
            networkIds: node.networkIds,
            firewallIds: node.firewallIds,
            placementGroupId: node.placementGroupId,
            publicIpv4: node.publicIpv4,
            publicIpv6: node.publicIpv6,
          },
          { signal },
        );
        return { created: result };
      } catch (error) {
        if (isProviderError(error) && error.code === 'PROVIDER_NAME_TAKEN') {
          const again = serverOfAttempt(await adapter.findServersByLabel({ ...hangarLabels(node) }, { signal }), node.attempt);
          if (again) return { adopted: again };
        }
        throw error;
      }
    });
    try {
      outcome = await createOnce();
    } catch (error) {
      // Refused for capacity: the next alternative placement, if the node has one (placements.ts).
      const refusal = error instanceof StepFailure ? error.nodeError : null;
      if (refusal !== null && CAPACITY_CODES.has(refusal.code as never)) {
        if (await fallBack(deps, node, { code: refusal.code, message: refusal.provider?.message ?? refusal.message })) return;
      }
      throw error;
    }
    adopted = 'adopted' in outcome ? outcome.adopted : undefined;
    created = 'created' in outcome && outcome.created ? outcome.created : null;
  }

  const server = (created?.server ?? adopted) as ProviderServer;
  const moved = await step.advance(expected, 'WAITING_FOR_SERVER', {
    message: created
      ? `server ${server.id} (${server.name}) created; waiting for the provider to start it`
      : `adopted server ${server.id} (${server.name}), created for this node before a restart; waiting for it to run`,
    update: {
      providerServerId: server.id,
      providerActionId: created?.actionId ?? null,
      providerNextActionIds: created?.nextActionIds ?? [],
      serverCreatedAt: created || node.serverCreatedAt === null ? new Date() : node.serverCreatedAt,
    },
  });
  if (!moved) {
    // Someone else moved the node while the server was created: it must not leak.
    await deleteServers(cleanupScope(deps, node, step.connection, undefined), adapter, [server], 'the node moved on while it was created');
  }
}

/** The last progress shown in this WAITING_FOR_SERVER phase (a resumed wait stays monotonic). */
async function progressSoFar(deps: CoreDeps, node: Node): Promise<number> {
  const entered = await deps.db.acquisitionEvent.findFirst({
    where: { nodeId: node.id, phase: 'WAITING_FOR_SERVER', kind: 'PHASE_ENTERED' },
    orderBy: { seq: 'desc' },
    select: { seq: true },
  });
  const last = await deps.db.acquisitionEvent.aggregate({
    where: { nodeId: node.id, kind: 'PROGRESS', seq: { gt: entered?.seq ?? 0 } },
    _max: { progress: true },
  });
  return last._max.progress ?? -1;
}

async function waitForServer(step: Step): Promise<void> {
  const { deps, node } = step;
  const adapter = step.adapter();
  const serverId = node.providerServerId as string;
  const actionIds = [node.providerActionId, ...node.providerNextActionIds].filter((id): id is string => id !== null);
  // Entered by this run just now: no progress shown in this phase yet.
  let shown = step.entered ? -1 : await progressSoFar(deps, node);
  let writes: Promise<void> = Promise.resolve();
  const show = (overall: number, label: string) => {
    if (overall <= shown) return; // PROGRESS is monotonic over all the server's actions
    shown = overall;
    writes = writes
      .then(() => note(deps, node.id, { phase: 'WAITING_FOR_SERVER', kind: 'PROGRESS', progress: overall, message: `${label}: ${overall}%` }))
      .catch((error: unknown) => deps.log.warn({ err: error, nodeId: node.id }, 'could not record progress'));
  };

  for (const [index, actionId] of actionIds.entries()) {
    const label = index === 0 ? 'creating the server' : 'starting the server';
    const what = `follow action ${actionId} (${label})`;
    const retries = retryEvents(step.scope, what);
    const action = await withRetries(step.scope, what, (signal) =>
      adapter.waitForAction(actionId, {
        signal,
        deadlineMs: Math.max(1, step.scope.deadlineAt - Date.now()),
        onProgress: (progress) => show(Math.floor((index * 100 + progress) / actionIds.length), label),
        onRetry: retries.onRetry,
      }),
    ).finally(() => retries.settled());
    await writes;
    if (action.status === 'error') {
      const info = action.error ?? providerErrorInfo('PROVIDER_ACTION_FAILED', { message: `action ${actionId} failed` });
      throw new StepFailure(
        nodeErrorFromProvider(info, { code: 'PROVIDER_ACTION_FAILED', message: `the provider failed ${label} (server ${serverId}): ${info.message}` }),
      );
    }
  }

  const server = await untilRunning(step, adapter, serverId);
  const ipv6 = ipv6AddressOf(server.ipv6);
  await step.advance({ phase: 'WAITING_FOR_SERVER', attempt: node.attempt }, 'PROVISIONING', {
    message: `server ${server.id} is running (${[server.ipv4, ipv6].filter(Boolean).join(', ') || 'no public address'}); waiting for its bootstrap to register`,
    update: { ipv4: server.ipv4, ipv6 },
  });
}

/** Reads the server until it is running (an adopted server's actions are unknown). */
async function untilRunning(step: Step, adapter: ProviderAdapter, serverId: string): Promise<ProviderServer> {
  let pauseMs = SERVER_POLL_INTERVAL_MS;
  for (;;) {
    const server = await withRetries(step.scope, `read server ${serverId}`, (signal) => adapter.readServer(serverId, { signal }));
    if (server === null) throw new StepFailure(nodeError('NODE_SERVER_LOST', `server ${serverId} no longer exists at the provider`));
    if (server.status === 'running') return server;
    try {
      await sleep(pauseMs, step.scope.signal);
    } catch {
      throw new Interrupted('interrupted while waiting for the server to run');
    }
    pauseMs = Math.min(SERVER_POLL_MAX_INTERVAL_MS, Math.ceil(pauseMs * 1.5));
  }
}

/**
 * PROVISIONING and WAITING_FOR_READINESS: the API moves the node when the machine calls. Facts
 * the machine reported before the node got here (it can be faster than the driver) are turned
 * into the phase changes here, in order.
 */
async function waitForMachine(step: Step): Promise<ProvisionOutcome | null> {
  const { deps, node } = step;
  const expected = { phase: node.phase, attempt: node.attempt };
  if (node.phase === 'PROVISIONING' && node.registeredAt !== null) {
    await step.advance(expected, 'WAITING_FOR_READINESS', { message: 'machine registered; waiting for a healthy heartbeat' });
    return null;
  }
  if (node.phase === 'WAITING_FOR_READINESS' && node.lastHeartbeatHealthy === true) {
    await step.advance(expected, 'READY', { message: 'healthy heartbeat received: the node is ready', update: { readyAt: new Date() } });
    return null;
  }
  const leftMs = step.scope.deadlineAt - Date.now();
  if (leftMs <= 0) return null; // the loop fails it with the phase's timeout
  // Park: hand the slot back at once; the machine's call home wakes the job, the follow-up
  // is the deadline (and the safety net for a lost wake-up).
  const afterMs = Math.max(MACHINE_WAIT_MIN_PARK_MS, Math.min(MACHINE_WAIT_RECHECK_MS, leftMs));
  parkPhaseClock(deps, node, afterMs);
  return { kind: 'requeue', afterMs };
}

// ---------------------------------------------------------------------------------------------
// Ending an acquisition

/**
 * Fails a node: records the error (ERROR event + Node.error, only while the node is still in
 * the phase it was read in), deletes its servers unless `cleanup` is false, then FAILED.
 * Used by the driver and by the reconcile job (NODE_SERVER_LOST).
 */
export async function failNode(deps: CoreDeps, node: Node, error: NodeError, options: { signal?: AbortSignal; cleanup?: boolean } = {}): Promise<boolean> {
  const expected = { phase: node.phase, attempt: node.attempt };
  if (node.error === null) {
    const recorded = await whenNode(deps, node.id, expected, async (tx, locked) => {
      if (locked.error !== null) return true;
      await appendEvent(tx, node.id, { phase: node.phase, kind: 'ERROR', message: error.message, error: error as unknown as Prisma.InputJsonObject }, { error: errorJson(error) });
      return true;
    });
    if (recorded === null) return false; // the node moved on; whoever moved it decides
  }
  deps.log.warn({ nodeId: node.id, code: error.code, phase: node.phase }, 'node acquisition failed');
  const kept = options.cleanup === false ? null : await cleanUp(deps, node, `the node failed with ${error.code}`, options.signal);
  return transition(deps, node.id, expected, 'FAILED', {
    message: kept === null ? error.message : `${error.message} (${kept})`,
    error,
    update: kept === null ? { providerServerId: null } : {},
  });
}

/** Cancels a node whose cancel was requested: deletes its servers, then CANCELLED. */
async function cancelAcquisition(deps: CoreDeps, node: Node, signal: AbortSignal): Promise<void> {
  const kept = await cleanUp(deps, node, 'the node was cancelled', signal);
  await transition(deps, node.id, { phase: node.phase, attempt: node.attempt }, 'CANCELLED', {
    message: kept === null ? 'cancelled' : `cancelled (${kept})`,
    update: kept === null ? { providerServerId: null } : {},
  });
  deps.log.info({ nodeId: node.id }, 'node cancelled');
}

/**
 * Deletes every server the node may have. Returns null when none is left, or a note for the
 * timeline when one could not be deleted (its id stays on the node; reconcile retries).
 */
async function cleanUp(deps: CoreDeps, node: Node, reason: string, signal: AbortSignal | undefined): Promise<string | null> {
  if (!mayHaveServer(node)) return null;
  const connection = await deps.db.providerConnection.findUniqueOrThrow({ where: { id: node.providerConnectionId } });
  const scope = cleanupScope(deps, node, connection, signal);
  const started = Date.now();
  try {
    const { deleted, verified } = await deleteNodeServers(scope, openConnectionAdapter(deps, connection), reason, node.providerServerId);
    if (deleted.length === 0 && node.providerServerId !== null) await note(deps, node.id, { phase: node.phase, kind: 'INFO', message: `no server to delete (${verified})` });
    return null;
  } catch (error) {
    if (!(error instanceof StepFailure) && !(error instanceof Interrupted)) throw error;
    if (error instanceof Interrupted && signal?.aborted) throw error;
    const why = error instanceof StepFailure ? `${error.nodeError.code}: ${error.nodeError.message}` : `no confirmation within ${formatMs(Date.now() - started)}`;
    const message = `its server could not be deleted (${why}); the reconcile job deletes it once the provider connection works again`;
    await note(deps, node.id, { phase: node.phase, kind: 'ERROR', message, ...(error instanceof StepFailure ? { error: error.nodeError } : {}) });
    return message;
  }
}
