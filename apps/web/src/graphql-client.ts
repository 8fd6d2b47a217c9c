import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient } from 'graphql-ws';

/**
 * Reconnect backoff: a person watching a live timeline wants it back quickly, while many
 * browsers reconnecting to a restarted API must not arrive at once. The first retry waits
 * RECONNECT_BASE_MS (plus up to RECONNECT_JITTER of it), each next one twice as long, at most
 * RECONNECT_MAX_MS. While the browser says it is offline no attempt is made; its `online`
 * event ends any wait at once.
 */
export const RECONNECT_BASE_MS = 500;
export const RECONNECT_MAX_MS = 30_000;
const RECONNECT_JITTER = 0.5;

/**
 * Keep-alive: a ping every KEEP_ALIVE_MS; a pong not back within PONG_TIMEOUT_MS means the
 * network is gone (a dead network closes no socket by itself), so the socket is dropped and
 * the indicator turns to "Reconnecting…" within KEEP_ALIVE_MS + PONG_TIMEOUT_MS.
 */
export const KEEP_ALIVE_MS = 5_000;
export const PONG_TIMEOUT_MS = 3_000;

function reconnectDelayMs(retries: number): number {
  const base = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** retries);
  return base * (1 + Math.random() * RECONNECT_JITTER);
}

/**
 * State of the one WebSocket that carries every subscription, as the header shows it.
 * `catching-up`: the socket is back, and the pages are still reading what they missed while it
 * was down (a list re-read, a timeline resumed from its last seq); it turns `live` only then.
 */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'catching-up';

/**
 * Something a page does after each (re)connect so that what it shows is current again; the
 * connection counts as live once every one of them has settled.
 */
export type CatchUp = () => Promise<void> | void;

/** The subscription transport, for components that must react to reconnects. */
export interface LiveConnection {
  status(): LiveStatus;
  /** Calls `listener` whenever the status changes; returns the unsubscribe. */
  onStatus(listener: () => void): () => void;
  /**
   * Runs `catchUp` after every connect that follows a drop (graphql-ws then re-sends every
   * subscription with its original variables: a stream that resumes from a cursor must open
   * again from where it is, and a feed without a cursor must re-read its list). The status is
   * `live` only once every catch-up has settled. Returns the unsubscribe.
   */
  onReconnected(catchUp: CatchUp): () => void;
  dispose(): void;
}

export interface GraphQLSession {
  client: Client;
  live: LiveConnection;
}

/** Resolves after `ms`, or at once when the browser comes back online. */
function waitOrOnline(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('online', done);
      resolve();
    };
    const timer = navigator.onLine ? setTimeout(done, ms) : undefined;
    window.addEventListener('online', done);
  });
}

/**
 * One session for one API token: queries and mutations over HTTP, subscriptions over one
 * graphql-ws socket opened with the first subscription and kept for the whole session (navigating between pages
 * closes and opens subscriptions, never the socket, so the indicator does not flicker).
 */
export function createGraphQLSession(token: string): GraphQLSession {
  const wsUrl = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`;
  let status: LiveStatus = 'connecting';
  let connection = 0;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  const statusListeners = new Set<() => void>();
  const catchUps = new Set<CatchUp>();
  const setStatus = (next: LiveStatus) => {
    if (next === status) return;
    status = next;
    for (const listener of statusListeners) listener();
  };
  // The socket opens with the first subscription (after the token was accepted) and stays open
  // for the rest of the session: lazy: false keeps it, and reconnects it, with no subscription.
  let ws: ReturnType<typeof createWsClient> | null = null;
  const socket = () => {
    if (ws) return ws;
    // Also after dispose(): React's StrictMode (development) disposes and then uses a session again.
    disposed = false;
    window.addEventListener('offline', onOffline);
    ws = openSocket();
    return ws;
  };
  const openSocket = () => createWsClient({
    url: wsUrl,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    keepAlive: KEEP_ALIVE_MS,
    retryAttempts: Infinity,
    // A connection that could not even open (network down) is retried too, not only a closed one.
    shouldRetry: () => !disposed,
    retryWait: (retries) => waitOrOnline(reconnectDelayMs(retries)),
    onNonLazyError: () => setStatus('reconnecting'),
    on: {
      connected: (_socket, _payload, wasRetry) => {
        connection += 1;
        if (!wasRetry) {
          setStatus('live');
          return;
        }
        const current = connection;
        setStatus('catching-up');
        void Promise.allSettled([...catchUps].map(async (catchUp) => catchUp())).then(() => {
          if (connection === current && status === 'catching-up') setStatus('live');
        });
      },
      ping: (received) => {
        if (received) return;
        clearTimeout(pongTimer);
        pongTimer = setTimeout(() => ws?.terminate(), PONG_TIMEOUT_MS);
      },
      pong: (received) => { if (received) clearTimeout(pongTimer); },
      closed: () => {
        clearTimeout(pongTimer);
        // A later connect belongs to a new connection: a catch-up still running is void.
        connection += 1;
        if (!disposed) setStatus('reconnecting');
      },
    },
  });
  // The browser knows first that the network is gone: drop the socket at once (it would
  // otherwise look open until the keep-alive notices).
  function onOffline() {
    ws?.terminate();
  }
  const client = new Client({
    url: '/graphql',
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: socket().subscribe({ ...request, query: request.query ?? '' }, sink) }),
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
      onReconnected(catchUp) {
        catchUps.add(catchUp);
        return () => catchUps.delete(catchUp);
      },
      dispose() {
        disposed = true;
        clearTimeout(pongTimer);
        window.removeEventListener('offline', onOffline);
        statusListeners.clear();
        catchUps.clear();
        // dispose() rejects when the socket was refused meanwhile: nothing is left to close then.
        void Promise.resolve(ws?.dispose()).catch(() => undefined);
        ws = null;
      },
    },
  };
}
