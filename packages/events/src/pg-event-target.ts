import pg from 'pg';
import {
  channelOfRoute,
  CHANNELS,
  isChannelName,
  MAX_NOTICE_BYTES,
  parseNotice,
  routeOf,
  routesOf,
  type ChannelName,
  type ChannelPayloads,
  type TopicName,
  type TopicNotice,
} from './topics.ts';

/** First wait before reconnecting the LISTEN connection; doubles per failed attempt. */
const RECONNECT_INITIAL_DELAY_MS = 100;
/** Longest wait between two reconnect attempts. */
const RECONNECT_MAX_DELAY_MS = 5_000;
/** How often the LISTEN connection proves it is alive (a dead TCP peer sends no 'end'). */
const HEALTHCHECK_INTERVAL_MS = 10_000;
/** A query on the LISTEN connection (LISTEN, NOTIFY, the health check) slower than this counts as a lost connection. */
const HEALTHCHECK_TIMEOUT_MS = 5_000;

/** The local event type dispatched after the LISTEN connection came back. */
export const RESYNC_EVENT = 'resync';

/** Detail of a RESYNC_EVENT: notices committed since `disconnectedAt` may have been missed. */
export interface ResyncDetail {
  disconnectedAt: Date;
}

/** Just enough of a logger (pino's shape). */
export interface EventsLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface PgEventTargetOptions {
  connectionString: string;
  log?: EventsLogger;
  /** The channels to LISTEN on; default: every channel of the topic map. */
  channels?: readonly ChannelName[];
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

type Listener = (event: CustomEvent) => void;

/**
 * A cross-process event target over Postgres LISTEN/NOTIFY, shaped like graphql-yoga's Redis
 * event target: `addEventListener(route)`, `removeEventListener(route)`, `dispatchEvent(event)`
 * (which publishes with NOTIFY; the event comes back to every process, this one included).
 *
 * Routes are `<topic>` or `<topic>:<key>` of the typed topic map (topics.ts). One dedicated
 * connection LISTENs on every channel from start(); it is re-opened with capped exponential
 * backoff when it drops, and then every listener of RESYNC_EVENT is told, because Postgres does
 * not replay the notices sent meanwhile. The rows are the truth: a listener reads them after a
 * resync, and whenever a notice does not carry what it needs (topics.ts).
 */
export interface PgEventTarget {
  addEventListener(type: string, listener: Listener | null): void;
  removeEventListener(type: string, listener: Listener | null): void;
  /** Publishes `event.detail` on the channel of `event.type`'s topic (NOTIFY, not local). */
  dispatchEvent(event: CustomEvent): boolean;

  /** Typed `addEventListener`: notices of `topic` for `key` (all keys when null). Returns the unsubscribe. */
  on<T extends TopicName>(topic: T, key: string | null, listener: (notice: TopicNotice<T>) => void): () => void;
  /** Called after a reconnect: read rows, notices were lost. Returns the unsubscribe. */
  onResync(listener: (detail: ResyncDetail) => void): () => void;
  /** NOTIFY on a channel outside any transaction (producers inside one call pg_notify themselves). */
  publish<C extends ChannelName>(channel: C, payload: ChannelPayloads[C]): Promise<void>;

  /** Opens the LISTEN connection; resolves once every LISTEN is in place. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True while the LISTEN connection is up (notices flow). */
  readonly connected: boolean;
  /** How many local listeners are registered (for tests and metrics). */
  readonly listenerCount: number;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Creates the event target; call start() before relying on it. */
export function createPgEventTarget(options: PgEventTargetOptions): PgEventTarget {
  const channels = options.channels ?? Object.values(CHANNELS);
  const log = options.log;
  const callbacksForRoute = new Map<string, Set<Listener>>();
  let client: pg.Client | undefined;
  let connected = false;
  let stopped = false;
  let disconnectedAt: Date | undefined;
  let reconnectAttempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let healthTimer: NodeJS.Timeout | undefined;

  function deliver(route: string, event: CustomEvent): void {
    const callbacks = callbacksForRoute.get(route);
    if (!callbacks) return;
    for (const callback of [...callbacks]) {
      try {
        callback(event);
      } catch (error) {
        log?.error({ err: error, route }, 'event listener failed');
      }
    }
  }

  function onNotification(message: pg.Notification): void {
    if (!isChannelName(message.channel)) return;
    const notice = parseNotice(message.channel, message.payload);
    if (!notice) {
      log?.warn({ channel: message.channel, bytes: message.payload?.length ?? 0 }, 'dropped a malformed notice');
      return;
    }
    for (const route of routesOf(message.channel, notice)) deliver(route, new CustomEvent(route, { detail: notice }));
  }

  function scheduleReconnect(): void {
    if (stopped || reconnectTimer) return;
    const delay = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_INITIAL_DELAY_MS * 2 ** reconnectAttempt);
    reconnectAttempt += 1;
    // Full jitter on the upper half: many API processes losing one Postgres do not return in step.
    const jittered = delay / 2 + Math.random() * (delay / 2);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect().catch((error: unknown) => {
        log?.warn({ err: error, attempt: reconnectAttempt }, 'event connection: reconnect failed');
        scheduleReconnect();
      });
    }, jittered);
  }

  function dropClient(lost: pg.Client, reason: unknown): void {
    if (lost !== client) return;
    client = undefined;
    connected = false;
    disconnectedAt ??= new Date();
    clearInterval(healthTimer);
    lost.removeAllListeners('notification');
    lost.end().catch(() => undefined);
    if (!stopped) {
      log?.warn({ err: reason }, 'event connection lost; notices are read from rows after it is back');
      scheduleReconnect();
    }
  }

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: options.connectionString, keepAlive: true, query_timeout: HEALTHCHECK_TIMEOUT_MS, application_name: options.applicationName ?? 'hangar-events' });
    // While connecting, a failure rejects connect() (the caller retries); after, it drops the client.
    next.on('error', () => undefined);
    next.on('notification', onNotification);
    try {
      await next.connect();
      for (const channel of channels) await next.query(`LISTEN ${quoteIdentifier(channel)}`);
    } catch (error) {
      next.removeAllListeners('notification');
      await next.end().catch(() => undefined);
      throw error;
    }
    if (stopped) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    next.on('error', (error) => dropClient(next, error));
    next.on('end', () => dropClient(next, new Error('connection ended')));
    connected = true;
    reconnectAttempt = 0;
    healthTimer = setInterval(() => {
      next.query('SELECT 1').catch((error: unknown) => dropClient(next, error));
    }, HEALTHCHECK_INTERVAL_MS);
    healthTimer.unref();
    const lostAt = disconnectedAt;
    disconnectedAt = undefined;
    if (lostAt) {
      log?.info({ disconnectedMs: Date.now() - lostAt.getTime() }, 'event connection back; resyncing listeners');
      deliver(RESYNC_EVENT, new CustomEvent(RESYNC_EVENT, { detail: { disconnectedAt: lostAt } satisfies ResyncDetail }));
    }
  }

  function addEventListener(type: string, listener: Listener | null): void {
    if (!listener) return;
    let callbacks = callbacksForRoute.get(type);
    if (!callbacks) {
      callbacks = new Set();
      callbacksForRoute.set(type, callbacks);
    }
    callbacks.add(listener);
  }

  function removeEventListener(type: string, listener: Listener | null): void {
    const callbacks = callbacksForRoute.get(type);
    if (!callbacks || !listener) return;
    callbacks.delete(listener);
    if (callbacks.size === 0) callbacksForRoute.delete(type);
  }

  async function publish<C extends ChannelName>(channel: C, payload: ChannelPayloads[C]): Promise<void> {
    const text = JSON.stringify(payload);
    if (Buffer.byteLength(text) > MAX_NOTICE_BYTES) throw new Error(`a notice on ${channel} must stay under ${MAX_NOTICE_BYTES} bytes: send ids, not content`);
    if (!client || !connected) throw new Error('the event connection is down; the notice was not sent');
    await client.query('SELECT pg_notify($1, $2)', [channel, text]);
  }

  return {
    addEventListener,
    removeEventListener,
    dispatchEvent(event) {
      const channel = channelOfRoute(event.type);
      if (!channel) throw new Error(`unknown topic in event type "${event.type}"`);
      publish(channel, event.detail as never).catch((error: unknown) => log?.error({ err: error, channel }, 'publishing a notice failed'));
      return true;
    },
    on(topic, key, listener) {
      const route = routeOf(topic, key);
      const callback: Listener = (event) => listener(event.detail as never);
      addEventListener(route, callback);
      return () => removeEventListener(route, callback);
    },
    onResync(listener) {
      const callback: Listener = (event) => listener(event.detail as ResyncDetail);
      addEventListener(RESYNC_EVENT, callback);
      return () => removeEventListener(RESYNC_EVENT, callback);
    },
    publish,
    async start() {
      stopped = false;
      await connect();
    },
    async stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      clearInterval(healthTimer);
      const current = client;
      client = undefined;
      connected = false;
      if (current) {
        current.removeAllListeners('notification');
        await current.end().catch(() => undefined);
      }
    },
    get connected() { return connected; },
    get listenerCount() {
      let count = 0;
      for (const callbacks of callbacksForRoute.values()) count += callbacks.size;
      return count;
    },
  };
}
