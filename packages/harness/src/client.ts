import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { HARNESS_CODES, HarnessError } from './harness-error.ts';
import {
  CANCEL_NODE_MUTATION,
  CREATE_NODE_MUTATION,
  NODE_EVENTS_QUERY,
  NODE_EVENTS_SUBSCRIPTION,
  NODE_QUERY,
  NODES_QUERY,
  PROVIDER_CONNECTIONS_QUERY,
  RELEASE_NODE_MUTATION,
  VALIDATE_PROVIDER_CONNECTION_MUTATION,
  RETRY_NODE_MUTATION,
  type AcquireInput,
  type NodeError,
  type NodeSummary,
  type TimelineEvent,
} from './operations.ts';
import { TERMINAL_PHASES } from '@hangar/domain/phases';
import type { HarnessNodeEventsSubscription, HarnessNodeEventsSubscriptionVariables, HarnessNodesQuery, HarnessNodeTimelineQuery, HarnessProviderConnectionsQuery, NodeFilter, TypedDocumentString } from './generated/graphql.ts';

/** The page size the stored timeline is read with (the API's maximum). */
const EVENTS_PAGE_SIZE = 100;
/** A watch gives up after this long unless told otherwise. */
export const DEFAULT_WATCH_TIMEOUT_MS = 5 * 60_000;
/** A lost stream is resumed (after = last seq) up to this many times in a row without an event. */
export const RESUME_MAX_ATTEMPTS = 30;
/** First wait before resuming a lost stream; doubles per attempt up to RESUME_MAX_DELAY_MS. */
const RESUME_INITIAL_DELAY_MS = 50;
const RESUME_MAX_DELAY_MS = 1_000;

/** A provider connection as the harness reads it. */
export type ProviderConnectionSummary = HarnessProviderConnectionsQuery['providerConnections']['nodes'][number];

export interface HarnessClientOptions {
  /** The API's base URL, e.g. http://127.0.0.1:4000 (the GraphQL endpoint is {url}/graphql). */
  url: string;
  /** An API token (hgr_…). */
  token: string;
}

export interface WatchOptions {
  /** The last seq already seen; the stream starts after it (default 0). */
  after?: number;
  /** Called for every event, in seq order, exactly once. */
  onEvent?: (event: TimelineEvent) => void;
  /** Called when a lost stream is resumed. */
  onResume?: (info: { after: number; attempt: number; cause: string }) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface WatchResult {
  /** The events received, in order. */
  events: TimelineEvent[];
  /** The seq of the last event received (the `after` of a later watch). */
  lastSeq: number;
  /** The phase the node rests in when the stream completed. */
  phase: string | undefined;
  /** The node's error when it rests in FAILED/CANCELLED, else null. */
  error: NodeError | null;
  /** How many times the stream was resumed after a lost connection. */
  resumes: number;
}

export interface HarnessClient {
  readonly url: string;
  /** One GraphQL request over HTTP (a generated document: result and variables typed); rejects with a HarnessError carrying the API's code. */
  request<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables): Promise<TResult>;
  /** createNode: starts an acquisition through a provider connection. A typed error rejects as a HarnessError (code, message, hint). */
  acquire(input: AcquireInput): Promise<NodeSummary>;
  node(id: string): Promise<NodeSummary>;
  /** One page of the organization's nodes, newest first (`after`: the previous page's endCursor). */
  list(options?: { first?: number; after?: string | null; filter?: NodeFilter }): Promise<HarnessNodesQuery['nodes']>;
  /** Every provider connection of the organization (all pages), oldest first. */
  connections(): Promise<ProviderConnectionSummary[]>;
  /** validateProviderConnection: checks the stored token live now; the connection with its new credentialStatus. */
  validateConnection(id: string): Promise<ProviderConnectionSummary>;
  /** The stored timeline after seq `after` (a query, read page by page; not a stream). */
  events(nodeId: string, after?: number): Promise<TimelineEvent[]>;
  /** cancelNode, retryNode, releaseNode: the node as it is then; a typed error rejects as a HarnessError. */
  cancel(id: string): Promise<NodeSummary>;
  retry(id: string): Promise<NodeSummary>;
  release(id: string): Promise<NodeSummary>;
  /**
   * Follows nodeEvents until it completes (the node rests). A lost connection is resumed with
   * `after` = the last seq received; a gap or duplicate rejects with STREAM_OUT_OF_ORDER.
   */
  watch(nodeId: string, options?: WatchOptions): Promise<WatchResult>;
  /** Watches to completion and asserts the PHASE_ENTERED sequence is exactly `phases` (fails at the first difference). */
  expectPhases(nodeId: string, phases: readonly string[], options?: { after?: number; timeoutMs?: number }): Promise<WatchResult>;
  /** Resolves with the event that enters `phase`; rejects if the node comes to rest in another phase first. */
  waitForPhase(nodeId: string, phase: string, timeoutMs?: number): Promise<TimelineEvent>;
  /** waitForPhase(…, 'READY'), then the node as it is then. */
  waitForReady(nodeId: string, timeoutMs?: number): Promise<NodeSummary>;
  close(): Promise<void>;
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && typeof (value as { code: unknown }).code === 'number' && 'reason' in value;
}

/** What a subscription's error sink received, as a HarnessError; `resumable` when the connection (not the request) failed. */
function classify(error: unknown): { error: HarnessError; resumable: boolean } {
  if (error instanceof HarnessError) return { error, resumable: false };
  if (Array.isArray(error) && error.length > 0) return { error: HarnessError.fromGraphQL(error[0] as { message: string }), resumable: false };
  if (isCloseEvent(error)) {
    // 4403: the token was refused or revoked. 4400/4401/4409/4429/4500: protocol or server faults that a retry will not fix.
    if (error.code === 4403) return { error: new HarnessError('UNAUTHENTICATED', error.reason || 'the API refused the token'), resumable: false };
    if (error.code >= 4400 && error.code !== 4499) return { error: new HarnessError('INTERNAL_SERVER_ERROR', `socket closed ${error.code} ${error.reason}`), resumable: false };
    return { error: new HarnessError(HARNESS_CODES.UNREACHABLE, `socket closed ${error.code}${error.reason ? ` ${error.reason}` : ''}`), resumable: true };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { error: new HarnessError(HARNESS_CODES.UNREACHABLE, message || 'the API could not be reached'), resumable: true };
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

/** A client for tests, scripts and the CLI: HTTP for queries and mutations, graphql-ws for streams. */
export function createHarnessClient(options: HarnessClientOptions): HarnessClient {
  const url = options.url.replace(/\/+$/, '');
  const endpoint = `${url}/graphql`;
  const authorization = `Bearer ${options.token}`;
  let ws: Client | undefined;

  function socket(): Client {
    ws ??= createClient({
      url: endpoint.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization },
      lazy: true,
      // Resuming is ours: graphql-ws would re-send the same `after` and replay events twice.
      retryAttempts: 0,
    });
    return ws;
  }

  async function request<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables): Promise<TResult> {
    const query = document.toString();
    let response: Response;
    try {
      response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query, variables }) });
    } catch (error) {
      throw classify(error).error;
    }
    const body = (await response.json().catch(() => ({}))) as { data?: TResult; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
    const first = body.errors?.[0];
    if (first) throw HarnessError.fromGraphQL(first);
    if (!body.data) throw new HarnessError('INTERNAL_SERVER_ERROR', `the API answered ${response.status} without data`);
    return body.data;
  }

  /** One subscription attempt: resolves on completion, rejects on an error (classified). */
  function streamOnce(nodeId: string, after: number, onEvent: (event: TimelineEvent) => void, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const dispose = socket().subscribe<HarnessNodeEventsSubscription>(
        { query: NODE_EVENTS_SUBSCRIPTION.toString(), variables: { nodeId, after } satisfies HarnessNodeEventsSubscriptionVariables },
        {
          next: (result) => {
            if (settled) return;
            const first = result.errors?.[0];
            if (first) {
              dispose();
              finish(HarnessError.fromGraphQL(first as { message: string; extensions?: Record<string, unknown> }));
              return;
            }
            if (result.data?.nodeEvents) {
              try {
                onEvent(result.data.nodeEvents);
              } catch (error) {
                dispose();
                finish(error);
              }
            }
          },
          error: (error) => finish(error),
          complete: () => finish(),
        },
      );
      const onAbort = (): void => {
        dispose();
        finish(signal.reason);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async function watch(nodeId: string, watchOptions: WatchOptions = {}): Promise<WatchResult> {
    const timeoutMs = watchOptions.timeoutMs ?? DEFAULT_WATCH_TIMEOUT_MS;
    const controller = new AbortController();
    const timeout = new HarnessError(HARNESS_CODES.TIMEOUT, `node ${nodeId}: the stream did not complete within ${timeoutMs} ms`);
    const timer = setTimeout(() => controller.abort(timeout), timeoutMs);
    const outer = watchOptions.signal;
    const onOuterAbort = (): void => controller.abort(outer?.reason);
    if (outer?.aborted) onOuterAbort();
    outer?.addEventListener('abort', onOuterAbort, { once: true });

    const events: TimelineEvent[] = [];
    let last = watchOptions.after ?? 0;
    let resumes = 0;
    let attempt = 0;
    const accept = (event: TimelineEvent): void => {
      if (event.seq !== last + 1) {
        throw new HarnessError(HARNESS_CODES.STREAM_OUT_OF_ORDER, `node ${nodeId}: expected event ${last + 1}, got ${event.seq}`, { expected: last + 1, got: event.seq });
      }
      last = event.seq;
      attempt = 0;
      events.push(event);
      watchOptions.onEvent?.(event);
    };
    try {
      for (;;) {
        try {
          await streamOnce(nodeId, last, accept, controller.signal);
          break;
        } catch (error) {
          if (controller.signal.aborted) throw controller.signal.reason ?? error;
          const { error: failure, resumable } = classify(error);
          if (!resumable || attempt >= RESUME_MAX_ATTEMPTS) throw failure;
          attempt += 1;
          resumes += 1;
          watchOptions.onResume?.({ after: last, attempt, cause: failure.message });
          await sleep(Math.min(RESUME_MAX_DELAY_MS, RESUME_INITIAL_DELAY_MS * 2 ** (attempt - 1)), controller.signal);
          if (controller.signal.aborted) throw controller.signal.reason;
        }
      }
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
    const final = events.at(-1);
    let error: NodeError | null;
    let phase = final?.phase;
    if (!final || (phase !== 'READY' && !final.error)) {
      // Nothing new was streamed, or the final event carries no error: ask the node.
      const node = await request(NODE_QUERY, { id: nodeId }).then((data) => data.node).catch(() => undefined);
      phase ??= node?.phase;
      error = phase === 'READY' ? null : node?.error ?? null;
    } else {
      error = final.error;
    }
    return { events, lastSeq: last, phase, error, resumes };
  }

  async function node(id: string): Promise<NodeSummary> {
    const found = (await request(NODE_QUERY, { id })).node;
    if (!found) throw new HarnessError('NOT_FOUND', `node ${id} does not exist`);
    return found;
  }

  async function waitForPhase(nodeId: string, phase: string, timeoutMs?: number): Promise<TimelineEvent> {
    const found = new AbortController();
    let entered: TimelineEvent | undefined;
    const result = await watch(nodeId, {
      timeoutMs,
      signal: found.signal,
      onEvent: (event) => {
        if (event.kind === 'PHASE_ENTERED' && event.phase === phase && !entered) {
          entered = event;
          found.abort();
        }
      },
    }).catch((error: unknown) => {
      if (entered) return undefined;
      throw error;
    });
    if (entered) return entered;
    const rest = result?.phase ?? 'unknown';
    const code = result?.error?.code;
    throw new HarnessError(HARNESS_CODES.PHASE_NOT_REACHED, `node ${nodeId} came to rest in ${rest}${code ? ` (${code})` : ''} without entering ${phase}`, { phase: rest, ...(code ? { errorCode: code } : {}) });
  }

  const phasesEntered = (events: TimelineEvent[]): string[] => events.filter((event) => event.kind === 'PHASE_ENTERED').map((event) => event.phase);

  return {
    url,
    request,
    async acquire(input) {
      const result = (await request(CREATE_NODE_MUTATION, { input })).createNode;
      if ('code' in result) throw HarnessError.fromTypedError(result);
      return result.node;
    },
    node,
    async events(nodeId, after = 0) {
      const events: TimelineEvent[] = [];
      let cursor: string | null = null;
      for (;;) {
        const found: HarnessNodeTimelineQuery['node'] = (await request(NODE_EVENTS_QUERY, { id: nodeId, first: EVENTS_PAGE_SIZE, after: cursor })).node;
        if (!found) throw new HarnessError('NOT_FOUND', `node ${nodeId} does not exist`);
        events.push(...found.events.nodes.filter((event) => event.seq > after));
        if (!found.events.pageInfo.hasNextPage || !found.events.pageInfo.endCursor) return events;
        cursor = found.events.pageInfo.endCursor;
      }
    },
    async connections() {
      const connections: ProviderConnectionSummary[] = [];
      let cursor: string | null = null;
      for (;;) {
        const page: HarnessProviderConnectionsQuery['providerConnections'] = (await request(PROVIDER_CONNECTIONS_QUERY, { first: 100, after: cursor })).providerConnections;
        connections.push(...page.nodes);
        if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return connections;
        cursor = page.pageInfo.endCursor;
      }
    },
    async validateConnection(id) {
      const result = (await request(VALIDATE_PROVIDER_CONNECTION_MUTATION, { input: { id } })).validateProviderConnection;
      if ('code' in result) throw HarnessError.fromTypedError(result);
      return result.providerConnection;
    },
    async list(listOptions = {}) {
      return (await request(NODES_QUERY, { first: listOptions.first ?? 20, after: listOptions.after ?? null, filter: listOptions.filter ?? null })).nodes;
    },
    async cancel(id) {
      const result = (await request(CANCEL_NODE_MUTATION, { input: { id } })).cancelNode;
      if ('code' in result) throw HarnessError.fromTypedError(result);
      return result.node;
    },
    async retry(id) {
      const result = (await request(RETRY_NODE_MUTATION, { input: { id } })).retryNode;
      if ('code' in result) throw HarnessError.fromTypedError(result);
      return result.node;
    },
    async release(id) {
      const result = (await request(RELEASE_NODE_MUTATION, { input: { id } })).releaseNode;
      if ('code' in result) throw HarnessError.fromTypedError(result);
      return result.node;
    },
    watch,
    async expectPhases(nodeId, phases, expectOptions = {}) {
      const seen: string[] = [];
      const mismatch = (): HarnessError => new HarnessError(HARNESS_CODES.PHASES_MISMATCH, `node ${nodeId}: expected phases ${phases.join(' → ')}, got ${seen.join(' → ') || '(none)'}`, { expected: [...phases], actual: [...seen] });
      const result = await watch(nodeId, {
        ...expectOptions,
        onEvent: (event) => {
          if (event.kind !== 'PHASE_ENTERED') return;
          seen.push(event.phase);
          if (seen.length > phases.length || phases[seen.length - 1] !== event.phase) throw mismatch();
        },
      });
      if (phasesEntered(result.events).length !== phases.length) throw mismatch();
      return result;
    },
    waitForPhase,
    async waitForReady(nodeId, timeoutMs) {
      await waitForPhase(nodeId, 'READY', timeoutMs);
      return node(nodeId);
    },
    async close() {
      await ws?.dispose();
      ws = undefined;
    },
  };
}

/** True when `phase` is one a node rests in (the stream completes there). */
export function isRestingPhase(phase: string | undefined): boolean {
  return (TERMINAL_PHASES as readonly string[]).includes(phase ?? '');
}
