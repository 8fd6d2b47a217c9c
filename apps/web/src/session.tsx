import { createContext, useContext, useEffect, useSyncExternalStore } from 'react';
import type { LiveConnection, LiveStatus } from './graphql-client.ts';
import type { ViewerQuery } from './graphql/generated/graphql.ts';

type Viewer = ViewerQuery['viewer'];

/** The signed-in session: who, the subscription transport, and how to leave. */
export interface Session {
  viewer: Viewer;
  live: LiveConnection;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in session');
  return session;
}

/** The subscription socket's state, re-rendering when it changes. */
export function useLiveStatus(): LiveStatus {
  const { live } = useSession();
  return useSyncExternalStore(live.onStatus, live.status);
}

/** Runs `listener` whenever the subscription socket is back after a drop. */
export function useOnReconnected(listener: () => void): void {
  const { live } = useSession();
  useEffect(() => live.onReconnected(listener), [live, listener]);
}

/**
 * Calls `refresh` each time the subscription socket becomes live (first connect and every
 * reconnect): a change feed without a cursor (nodeChanged, providerConnectionChanged) misses
 * what happened before it was open, so the list is read again once it is.
 */
export function useRefreshWhenLive(refresh: () => void): void {
  const { live } = useSession();
  useEffect(() => {
    let previous = live.status();
    return live.onStatus(() => {
      const current = live.status();
      if (current === 'live' && previous !== 'live') refresh();
      previous = current;
    });
  }, [live, refresh]);
}
