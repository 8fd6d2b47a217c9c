import { useCallback, useMemo, useState } from 'react';
import type { ProviderConnectionFieldsFragment as ProviderConnection } from '../graphql/generated/graphql.ts';
import { useClient, useQuery } from 'urql';
import { CONNECTIONS_PAGE_SIZE, PROVIDER_CONNECTION_CHANGED, PROVIDER_CONNECTIONS_QUERY } from '../graphql/provider-connections.ts';
import { fromOperationError } from '../errors.ts';
import { overlay, useLiveEntities, usePollingFallback } from '../live.ts';
import { usePageTitle } from '../router.tsx';
import { errorTitle } from '../words.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { useCatchUpOnReconnect } from '../session.tsx';
import { ConnectProviderForm } from './ConnectProviderForm.tsx';
import { ProviderConnectionCard } from './ProviderConnectionCard.tsx';

/** An empty list has no typename to watch: name it, so creating a connection refetches the list. */
const CONNECTIONS_CONTEXT = { additionalTypenames: ['ProviderConnection'] };

/** Providers: the organization's connections, live, and the form to connect another. */
export function ProvidersPage() {
  const [{ data, error, fetching }, reexecute] = useQuery({ query: PROVIDER_CONNECTIONS_QUERY, variables: { first: CONNECTIONS_PAGE_SIZE }, context: CONNECTIONS_CONTEXT, requestPolicy: 'cache-and-network' });
  // Each change by id: the connection as it is now, or that it was deleted (here or in another tab).
  const live = useLiveEntities(PROVIDER_CONNECTION_CHANGED, (event) => event.providerConnectionChanged);
  const [deletedHere, setDeletedHere] = useState<ReadonlySet<string>>(new Set());
  const { current, removed } = useMemo(() => {
    const present = new Map<string, ProviderConnection>();
    const gone = new Set(deletedHere);
    for (const change of live.latest.values()) {
      if (change.deleted || !change.providerConnection) gone.add(change.id);
      else present.set(change.id, change.providerConnection);
    }
    return { current: present, removed: gone };
  }, [live.latest, deletedHere]);
  usePageTitle('Providers');
  const refresh = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  usePollingFallback(live.failure !== null, refresh);
  // providerConnectionChanged has no cursor: after a reconnect the list is read again.
  const client = useClient();
  const catchUp = useCallback(async () => {
    await client.query(PROVIDER_CONNECTIONS_QUERY, { first: CONNECTIONS_PAGE_SIZE }, { ...CONNECTIONS_CONTEXT, requestPolicy: 'network-only' }).toPromise();
  }, [client]);
  useCatchUpOnReconnect(catchUp);

  const connections = overlay(data?.providerConnections.nodes ?? [], current, { newAt: 'end', removed });

  return (
    <>
      <div className="page-header">
        <div>
          <h1 tabIndex={-1}>Providers</h1>
          <p className="muted">Cloud accounts Hangar acquires nodes from. Their status comes from a live call to the provider.</p>
        </div>
      </div>
      {error && <ErrorNotice error={fromOperationError(error)} title="Could not load the provider connections" />}
      {live.failure && !error && (
        <p className="muted small" data-testid="live-fallback">
          Live status unavailable ({errorTitle(live.failure.code).toLowerCase()}); refreshing every few seconds instead.
        </p>
      )}
      <section aria-label="Provider connections" className="stack">
        {connections.map((connection) => (
          <ProviderConnectionCard
            key={connection.id}
            connection={connection}
            onDeleted={(id) => setDeletedHere((previous) => new Set(previous).add(id))}
          />
        ))}
        {data && connections.length === 0 && (
          <p className="empty">No provider connected yet. Connect a Hetzner Cloud project below to create nodes.</p>
        )}
        {!data && fetching && <p className="muted">Loading…</p>}
      </section>
      <ConnectProviderForm onConnected={refresh} />
    </>
  );
}
