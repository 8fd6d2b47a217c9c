import { createContext, useContext, useEffect, useSyncExternalStore } from 'react';
import type { CatchUp, LiveConnection, LiveStatus } from './graphql-client.ts';
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

/**
 * Runs `catchUp` after every reconnect of the subscription socket (see
 * LiveConnection.onReconnected): the header says "Live" again only once it settled.
 */
export function useCatchUpOnReconnect(catchUp: CatchUp): void {
  const { live } = useSession();
  useEffect(() => live.onReconnected(catchUp), [live, catchUp]);
}
