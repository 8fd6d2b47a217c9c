import type { Db } from '@hangar/db/client';
import type { Logger } from '@hangar/core/logger';
import type { PgEventTarget } from '@hangar/events/pg-event-target';

/** Close reason for a subscription whose API token was revoked while it was open. */
export const REVOKED_TOKEN_REASON = 'API token was revoked';
/**
 * Open streams re-check their tokens this often, in one query. revokeApiToken also announces
 * the revocation (NOTIFY), which closes them at once; this catches a token revoked any other
 * way (by SQL) or a notice lost while the event connection was down.
 */
export const TOKEN_RECHECK_INTERVAL_MS = 30_000;

/**
 * Tracks long-lived streams (WebSockets, SSE responses) by the API token that opened them and
 * closes every one of a token as soon as it is revoked.
 */
export interface RevokedTokenCloser {
  /** Registers a stream; `close(reason)` ends it. Returns the unregister function (call it when the stream ends). */
  track(tokenId: string, close: (reason: string) => void): () => void;
  /** Closes the streams of every tracked token that is revoked now. */
  recheck(): Promise<void>;
  start(): void;
  stop(): void;
}

export function createRevokedTokenCloser(options: { db: Db; events: PgEventTarget; log: Logger; recheckIntervalMs?: number }): RevokedTokenCloser {
  const { db, events, log } = options;
  const streams = new Map<string, Set<(reason: string) => void>>();
  let timer: NodeJS.Timeout | undefined;
  const unsubscribes: Array<() => void> = [];

  function closeAll(tokenId: string): void {
    const closers = streams.get(tokenId);
    if (!closers) return;
    streams.delete(tokenId);
    log.info({ tokenId, streams: closers.size }, 'closing the open streams of a revoked API token');
    for (const close of closers) close(REVOKED_TOKEN_REASON);
  }

  async function recheck(): Promise<void> {
    if (streams.size === 0) return;
    const revoked = await db.apiToken.findMany({ where: { id: { in: [...streams.keys()] }, revokedAt: { not: null } }, select: { id: true } });
    for (const { id } of revoked) closeAll(id);
  }

  const recheckLogged = (): void => {
    recheck().catch((error: unknown) => log.warn({ err: error }, 're-checking open streams’ API tokens failed'));
  };

  return {
    track(tokenId, close) {
      let closers = streams.get(tokenId);
      if (!closers) {
        closers = new Set();
        streams.set(tokenId, closers);
      }
      closers.add(close);
      return () => {
        const current = streams.get(tokenId);
        current?.delete(close);
        if (current?.size === 0) streams.delete(tokenId);
      };
    },
    recheck,
    start() {
      unsubscribes.push(events.on('apiToken', null, (notice) => closeAll(notice.tokenId)));
      unsubscribes.push(events.onResync(recheckLogged));
      timer = setInterval(recheckLogged, options.recheckIntervalMs ?? TOKEN_RECHECK_INTERVAL_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
    },
  };
}
