import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient } from 'graphql-ws';

/** State of the WebSocket that carries subscriptions, as the header shows it. */
/**
 * Reconnect backoff: a person watching a live timeline wants it back quickly, while many
 * browsers reconnecting to a restarted API must not arrive at once. The first retry waits
 * RECONNECT_BASE_MS (plus up to RECONNECT_JITTER of it), each next one twice as long, at most
 * RECONNECT_MAX_MS.
 */
export const RECONNECT_BASE_MS = 500;
export const RECONNECT_MAX_MS = 30_000;
const RECONNECT_JITTER = 0.5;

function reconnectDelayMs(retries: number): number {
  const base = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** retries);
  return base * (1 + Math.random() * RECONNECT_JITTER);
}

/** `idle`: no subscription is open, so no socket either (graphql-ws connects lazily). */
export type LiveStatus = 'idle' | 'connecting' | 'live' | 'reconnecting';

/** The subscription transport, for components that must react to reconnects. */
export interface LiveConnection {
  status(): LiveStatus;
  /** Calls `listener` whenever the status changes; returns the unsubscribe. */
  onStatus(listener: () => void): () => void;
  /**
   * Calls `listener` after the socket connected again following a drop. graphql-ws then
   * re-sends every subscription with its original variables, so a stream that resumes from a
   * cursor (nodeEvents `after`) must move its cursor on this signal.
   */
  onReconnected(listener: () => void): () => void;
  dispose(): void;
}

export interface GraphQLSession {
  client: Client;
  live: LiveConnection;
}

/** One session for one API token: queries and mutations over HTTP, subscriptions over graphql-ws. */
export function createGraphQLSession(token: string): GraphQLSession {
  const wsUrl = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`;
  let status: LiveStatus = 'idle';
  let activeSubscriptions = 0;
  const statusListeners = new Set<() => void>();
  const reconnectListeners = new Set<() => void>();
  const setStatus = (next: LiveStatus) => {
    if (next === status) return;
    status = next;
    for (const listener of statusListeners) listener();
  };
  const ws = createWsClient({
    url: wsUrl,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: true,
    retryAttempts: Infinity,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(retries))),
    on: {
      connected: (_socket, _payload, wasRetry) => {
        setStatus('live');
        if (wasRetry) for (const listener of reconnectListeners) listener();
      },
      connecting: () => { if (status !== 'reconnecting') setStatus('connecting'); },
      closed: () => setStatus(activeSubscriptions > 0 ? 'reconnecting' : 'idle'),
    },
  });
  const client = new Client({
    url: '/graphql',
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => {
            activeSubscriptions += 1;
            const unsubscribe = ws.subscribe({ ...request, query: request.query ?? '' }, sink);
            let open = true;
            return {
              unsubscribe() {
                if (!open) return;
                open = false;
                activeSubscriptions -= 1;
                unsubscribe();
              },
            };
          },
        }),
      }),
    ],
  });
  return {
    client,
    live: {
      status: () => status,
      onStatus(listener) {
        statusListeners.add(listener);
        return () => statusListeners.delete(listener);
      },
      onReconnected(listener) {
        reconnectListeners.add(listener);
        return () => reconnectListeners.delete(listener);
      },
      dispose() {
        statusListeners.clear();
        reconnectListeners.clear();
        void ws.dispose();
      },
    },
  };
}
