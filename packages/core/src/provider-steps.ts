/**
 * One step of a node's work that talks to the provider (find, create, wait, delete), with the
 * rules every such step follows: transient failures are retried in place with backoff
 * (retry-policy.ts), each retry is a RETRY event on the timeline; a failure that is not
 * transient, too many retries or the phase's deadline end the step with a NodeError; a revoked
 * token marks the connection INVALID. Shared by acquisition.ts, release.ts and reconcile.ts.
 */
import { Prisma } from '@hangar/db/generated/prisma/client';
import type { Node, ProviderConnection } from '@hangar/db/generated/prisma/client';
import { HangarError } from '@hangar/domain/api-errors';
import { nodeError, nodeErrorFromProvider, isNodeErrorCode, type NodeError, type NodeErrorCode } from '@hangar/domain/node-errors';
import type { Phase } from '@hangar/domain/phases';
import { isProviderErrorCode, providerErrorInfo, type ProviderErrorCode, type ProviderErrorInfo } from '@hangar/domain/provider-errors';
import { isProviderError, type ProviderError } from '@hangar/providers/provider-error';
import { rateLimitBudgetFor, rateLimitKey } from '@hangar/providers/rate-limit';
import { sleep } from '@hangar/providers/sleep';
import type { CoreDeps } from './deps.ts';
import { appendEvent } from './event-log.ts';
import { recordCredentialCheck } from './provider-connections.ts';
import { isTransient, retryDelayMs, retryPolicy, type RetryPolicy } from './retry-policy.ts';

/** A step ended for good: the node fails with this error (after cleaning up). */
export class StepFailure extends Error {
  override name = 'StepFailure';
  readonly nodeError: NodeError;

  constructor(error: NodeError) {
    super(`${error.code}: ${error.message}`);
    this.nodeError = error;
  }
}

/**
 * A step was stopped from outside (cancel requested, deadline reached, worker shutting down):
 * the caller re-reads the node and decides what that means.
 */
export class Interrupted extends Error {
  override name = 'Interrupted';
}

/** The provider failure behind an error, whether a ProviderError or a HangarError carrying one. */
export function providerInfoOf(error: unknown): ProviderErrorInfo | null {
  if (isProviderError(error)) return error.info;
  if (error instanceof HangarError && isProviderErrorCode(error.code)) {
    const provider = error.details?.provider as ProviderErrorInfo | undefined;
    return provider ?? providerErrorInfo(error.code, { message: error.message });
  }
  return null;
}

/**
 * How long the provider asked us to wait: its Retry-After, or for a rate limit without one
 * (e.g. a request the shared budget held back, re-thrown by a use case) the time until the
 * connection's shared budget has a request again.
 */
function retryAfterOf(error: unknown, info: ProviderErrorInfo, connectionId: string): number | null {
  if (isProviderError(error) && error.retryAfterMs !== null) return error.retryAfterMs;
  if (info.code !== 'PROVIDER_RATE_LIMITED') return null;
  return rateLimitBudgetFor(rateLimitKey({ connectionId, apiEndpoint: '', token: '' })).delayMs();
}

/** Where a step runs: the node, its connection and the time it has. */
export interface StepScope {
  deps: CoreDeps;
  node: Pick<Node, 'id' | 'phase' | 'providerConnectionId'>;
  connection: Pick<ProviderConnection, 'id' | 'tokenFingerprint'>;
  /** Epoch ms at which the phase runs out of time (Infinity without a deadline). */
  deadlineAt: number;
  /** The code a timeout of this phase fails with. */
  timeoutCode: ProviderErrorCode | NodeErrorCode;
  /** Aborts the step: cancel requested, deadline, shutdown. */
  signal: AbortSignal;
  policy?: RetryPolicy;
}

/** The NodeError of a phase that ran out of time; `last` is the provider failure seen last, if any. */
export function timeoutError(phase: Phase, code: ProviderErrorCode | NodeErrorCode, last: ProviderErrorInfo | null = null): NodeError {
  const message = `${phase} did not finish before its deadline${last ? ` (last provider answer: ${last.code}: ${last.message})` : ''}`;
  if (isNodeErrorCode(code)) return nodeError(code, message, last);
  return nodeErrorFromProvider(last ?? providerErrorInfo(code, { message }), { code, message });
}

/** Appends one event outside any other change (RETRY, INFO, ERROR, PROGRESS). */
export async function note(
  deps: CoreDeps,
  nodeId: string,
  event: { phase: Phase; kind: 'RETRY' | 'INFO' | 'ERROR' | 'PROGRESS'; message: string; progress?: number; attempt?: number; error?: NodeError },
): Promise<void> {
  // appendEvent is one statement: on the client itself it is its own transaction (no BEGIN/COMMIT round trips).
  await appendEvent(deps.db, nodeId, {
    phase: event.phase,
    kind: event.kind,
    message: event.message,
    progress: event.progress ?? null,
    attempt: event.attempt ?? null,
    error: event.error ? (event.error as unknown as Prisma.InputJsonObject) : null,
  });
}

/** Records what a provider answer says about the token (INVALID / READ_ONLY), for the connection's status. */
async function recordTokenVerdict(scope: StepScope, info: ProviderErrorInfo): Promise<void> {
  const status = info.code === 'PROVIDER_AUTH_FAILED' ? 'INVALID' : info.code === 'PROVIDER_READ_ONLY_TOKEN' ? 'READ_ONLY' : null;
  if (status === null) return;
  await recordCredentialCheck(scope.deps, scope.connection.id, { status, error: info }, { tokenFingerprint: scope.connection.tokenFingerprint }).catch((error: unknown) =>
    scope.deps.log.error({ err: error, connectionId: scope.connection.id }, 'could not record the credential status'),
  );
}

/**
 * Runs `call` until it succeeds, retrying transient provider failures with backoff (a RETRY
 * event each). Throws StepFailure for a failure that is not retried, after the last attempt,
 * or when the wait would pass the phase's deadline; Interrupted when the scope's signal aborts.
 * `what` completes "could not …" in messages, e.g. "create the server".
 */
export async function withRetries<T>(scope: StepScope, what: string, call: (signal: AbortSignal, attempt: number) => Promise<T>): Promise<T> {
  const policy = scope.policy ?? retryPolicy(scope.deps.config.deadlineScale);
  for (let attempt = 1; ; attempt += 1) {
    if (scope.signal.aborted) throw new Interrupted(`interrupted before: ${what}`);
    try {
      return await call(scope.signal, attempt);
    } catch (error) {
      if (scope.signal.aborted) throw new Interrupted(`interrupted during: ${what}`);
      if (error instanceof StepFailure || error instanceof Interrupted) throw error;
      const info = providerInfoOf(error);
      if (info === null) throw error;
      await recordTokenVerdict(scope, info);
      const message = `could not ${what}: ${info.message}`;
      if (!isTransient(info.code)) throw new StepFailure(nodeErrorFromProvider(info, { message }));
      if (attempt >= policy.maxAttempts) {
        throw new StepFailure(nodeErrorFromProvider(info, { message: `${message} (gave up after ${attempt} attempts)` }));
      }
      const waitMs = retryDelayMs(attempt, policy, { retryAfterMs: retryAfterOf(error, info, scope.connection.id) });
      if (Date.now() + waitMs >= scope.deadlineAt) throw new StepFailure(timeoutError(scope.node.phase, scope.timeoutCode, info));
      await note(scope.deps, scope.node.id, {
        phase: scope.node.phase,
        kind: 'RETRY',
        attempt,
        message: `${info.code} while trying to ${what} (${info.message}); retry ${attempt} of ${policy.maxAttempts - 1} in ${formatMs(waitMs)}`,
      });
      try {
        await sleep(waitMs, scope.signal);
      } catch {
        throw new Interrupted(`interrupted while waiting to retry: ${what}`);
      }
    }
  }
}

/**
 * RETRY events for the retries a provider call makes inside itself (the polls of an action,
 * packages/providers action-polling.ts): `onRetry` goes to the call, `settled()` waits until
 * every event is written (call it before the step moves on).
 */
export function retryEvents(scope: StepScope, what: string): {
  onRetry(retry: { error: ProviderError; retry: number; waitMs: number }): void;
  settled(): Promise<void>;
} {
  let writes: Promise<void> = Promise.resolve();
  return {
    onRetry({ error, retry, waitMs }) {
      const message = `${error.code} while trying to ${what} (${error.info.message}); retry ${retry} in ${formatMs(waitMs)}`;
      writes = writes
        .then(() => note(scope.deps, scope.node.id, { phase: scope.node.phase, kind: 'RETRY', attempt: retry, message }))
        .catch((failure: unknown) => scope.deps.log.warn({ err: failure, nodeId: scope.node.id }, 'could not record a retry'));
    },
    settled: () => writes,
  };
}

/** "850 ms", "2.4 s", "1 min 5 s": waits as a person reads them. */
export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1).replace(/\.0$/, '')} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** A NodeError as JSON for Node.error / AcquisitionEvent.error. */
export function errorJson(error: NodeError | null): Prisma.InputJsonObject | typeof Prisma.DbNull {
  return error === null ? Prisma.DbNull : (error as unknown as Prisma.InputJsonObject);
}
