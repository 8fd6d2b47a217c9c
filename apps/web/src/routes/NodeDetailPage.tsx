import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { ARCHIVE_NODE, CANCEL_NODE, NODE_CHANGED, NODE_QUERY, RELEASE_NODE, STORED_EVENTS_PAGE_SIZE } from '../graphql/nodes.ts';
import { RetryNodeForm } from './RetryNodeForm.tsx';
import type { NodeFieldsFragment as Node } from '../graphql/generated/graphql.ts';
import { fromOperationError, fromStoredError, mutationOutcome, type AppError } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { useLiveEntities, usePollingFallback } from '../live.ts';
import { useNodeEvents } from '../node-events.ts';
import { isTerminalPhase } from '@hangar/domain/phases';
import { nodeActions, withoutServer } from '../phases.ts';
import { Link, usePageTitle } from '../router.tsx';
import { errorTitle, HEALTH_LABELS, PHASE_LABELS } from '../words.ts';
import { useCatchUpOnReconnect, useLiveStatus } from '../session.tsx';
import { PhaseBadge } from '../components/Badges.tsx';
import { ErrorList, ErrorNotice } from '../components/ErrorNotice.tsx';
import { ProviderErrorDetails } from '../components/ProviderErrorDetails.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { NodeResourcesSummary } from './NodeResourcesSummary.tsx';
import { NodeCost } from '../components/NodeCost.tsx';
import { ConfirmButton } from '../components/ConfirmDialog.tsx';
import { ServerCost } from '../components/ServerCost.tsx';

/** The machine's health while the node is READY (null otherwise: no badge on a released node). */
function Heartbeat({ node }: { node: Node }) {
  if (!node.lastHeartbeatAt) return <>—</>;
  const badge = node.health === 'LOST' ? 'danger' : node.health === 'OVERDUE' ? 'warning' : node.lastHeartbeatHealthy === false ? 'danger' : 'success';
  return (
    <>
      {formatDateTime(node.lastHeartbeatAt)}{' '}
      {node.health && (
        <span className={`badge badge-${badge}`} data-heartbeat={node.health === 'HEALTHY' && node.lastHeartbeatHealthy === false ? 'unhealthy' : node.health.toLowerCase()}>
          {node.health === 'HEALTHY' && node.lastHeartbeatHealthy === false ? 'reports unhealthy' : HEALTH_LABELS[node.health]}
        </span>
      )}
    </>
  );
}

function Facts({ node }: { node: Node }) {
  // Once the server is gone its name and addresses are history: labelled so, never shown as current.
  const former = withoutServer(node);
  const had = former ? 'Former ' : '';
  return (
    <dl className="facts facts-wide">
      <dt>Connection</dt>
      <dd><Link to="/providers">{node.providerConnection.name}</Link></dd>
      <dt>Server type</dt>
      <dd>{node.serverType}</dd>
      <dt>Location</dt>
      <dd>{node.location}</dd>
      <dt>Image</dt>
      <dd>{node.image}</dd>
      <dt>{former ? 'Former server' : 'Server'}</dt>
      <dd className={former ? 'history' : undefined}>{node.providerServerName ?? '—'}{node.providerServerId && <span className="muted"> (id {node.providerServerId})</span>}</dd>
      <dt>{had}IPv4</dt>
      <dd className={former ? 'history' : undefined} data-testid="ipv4">{node.ipv4 ? <code>{node.ipv4}</code> : '—'}</dd>
      <dt>{had}IPv6</dt>
      <dd className={former ? 'history' : undefined}>{node.ipv6 ? <code>{node.ipv6}</code> : '—'}</dd>
      <dt>Acquisition attempt</dt>
      <dd>{node.attempt}</dd>
      <dt>Created</dt>
      <dd>{formatDateTime(node.createdAt)}</dd>
      <dt>Registered</dt>
      <dd>{formatDateTime(node.registeredAt)}</dd>
      <dt>Ready</dt>
      <dd>{formatDateTime(node.readyAt)}</dd>
      {node.health && (<><dt>Heartbeat</dt><dd data-testid="heartbeat"><Heartbeat node={node} /></dd></>)}
      {!node.health && node.lastHeartbeatAt && (<><dt>Last heartbeat</dt><dd className="history">{formatDateTime(node.lastHeartbeatAt)}</dd></>)}
      {node.releasedAt && (<><dt>Released</dt><dd>{formatDateTime(node.releasedAt)}</dd></>)}
      {node.archivedAt && (<><dt>Archived</dt><dd>{formatDateTime(node.archivedAt)}</dd></>)}
    </dl>
  );
}

/** "server web-1 (cx22 in fsn1)": the server an action is about, by the names a person knows. */
function ServerName({ node }: { node: Node }) {
  return (
    <>
      server <strong>{node.providerServerName ?? node.name}</strong> ({node.serverType} in {node.location}
      {node.ipv4 ? <>, <code>{node.ipv4}</code></> : null})
    </>
  );
}

/**
 * Cancel / retry / release / archive (phases.ts nodeActions); the API's CONFLICT explains a
 * refusal. Cancel, release and archive ask first, naming the server and what it costs; retry
 * opens a form to change the placement.
 */
function Actions({ node, onChanged }: { node: Node; onChanged: (node: Node) => void }) {
  const [errors, setErrors] = useState<AppError[]>([]);
  const [cancelState, cancel] = useMutation(CANCEL_NODE);
  const [releaseState, release] = useMutation(RELEASE_NODE);
  const [archiveState, archive] = useMutation(ARCHIVE_NODE);
  const [retrying, setRetrying] = useState(false);
  // A cancel already asked for is under way: the node turns CANCELLED once its server is gone.
  const cancelling = node.cancelRequestedAt !== null && node.phase !== 'CANCELLED';
  const allowed = nodeActions(node);
  if (cancelling) allowed.cancel = false;
  const busy = cancelState.fetching || releaseState.fetching || archiveState.fetching;

  async function run(action: () => Promise<{ payload: { node: Node }; errors: null } | { payload: null; errors: AppError[] }>) {
    const outcome = await action();
    if (outcome.errors) setErrors(outcome.errors);
    else {
      setErrors([]);
      onChanged(outcome.payload.node);
    }
  }
  const input = { input: { id: node.id } };
  const cost = <ServerCost connectionId={node.providerConnection.id} serverType={node.serverType} location={node.location} />;

  if (!cancelling && !allowed.cancel && !allowed.retry && !allowed.release && !allowed.archive && errors.length === 0) return null;
  return (
    <div className="node-actions">
      <div className="actions">
        {cancelling && <span className="muted" data-testid="cancelling">Cancelling: deleting the server…</span>}
        {allowed.cancel && (
          <ConfirmButton
            label="Cancel acquisition"
            className="secondary"
            disabled={busy}
            title={`Cancel the acquisition of ${node.name}?`}
            confirmLabel="Cancel acquisition"
            busyLabel="Cancelling…"
            cancelLabel="Keep acquiring"
            onConfirm={() => run(async () => { const r = await cancel(input); return mutationOutcome(r, r.data?.cancelNode); })}
          >
            <p>
              Hangar stops acquiring <strong>{node.name}</strong> and deletes any server already created for it
              ({node.serverType} in {node.location}). Billing for that server stops once it is deleted.
            </p>
            <p>If you keep acquiring, the server stays yours. {cost}</p>
          </ConfirmButton>
        )}
        {allowed.retry && !retrying && (
          <button type="button" disabled={busy} onClick={() => setRetrying(true)}>Retry…</button>
        )}
        {allowed.release && (
          <ConfirmButton
            label="Release (delete server)"
            className="secondary danger-text"
            disabled={busy}
            title={`Release ${node.name} and delete its server?`}
            confirmLabel="Delete server"
            busyLabel="Releasing…"
            onConfirm={() => run(async () => { const r = await release(input); return mutationOutcome(r, r.data?.releaseNode); })}
          >
            <p>
              Hangar deletes <ServerName node={node} /> at the provider. Everything on its disk and its addresses are
              lost for good; billing stops once it is deleted.
            </p>
            <p>Keeping it keeps it billing. {cost}</p>
          </ConfirmButton>
        )}
        {allowed.archive && (
          <ConfirmButton
            label="Archive"
            className="secondary"
            disabled={busy}
            title={`Archive ${node.name}?`}
            confirmLabel="Archive"
            busyLabel="Archiving…"
            onConfirm={() => run(async () => { const r = await archive(input); return mutationOutcome(r, r.data?.archiveNode); })}
          >
            <p>
              <strong>{node.name}</strong> holds no server, so it costs nothing to keep or to archive. Archiving takes it out
              of the nodes list; its timeline is kept and the list's <em>Archived</em> view still shows it.
            </p>
          </ConfirmButton>
        )}
      </div>
      <ErrorList errors={errors} />
      {allowed.retry && retrying && (
        <RetryNodeForm node={node} onCancel={() => setRetrying(false)} onRetried={(next) => { setRetrying(false); setErrors([]); onChanged(next); }} />
      )}
    </div>
  );
}

/** One node: its facts, actions, final error and the live provisioning timeline. */
export function NodeDetailPage({ nodeId }: { nodeId: string }) {
  const [{ data, error, fetching }, reexecute] = useQuery({ query: NODE_QUERY, variables: { id: nodeId, events: STORED_EVENTS_PAGE_SIZE }, requestPolicy: 'network-only' });
  const refresh = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  const changes = useLiveEntities(NODE_CHANGED, (event) => event.nodeChanged);

  // The node as last heard of, from whichever source spoke last: the query, the live change
  // feed, or an action's answer. All three are the server's state at the time they arrive.
  const [node, setNode] = useState<Node | null>(null);
  const queried = data?.node ?? null;
  const changed = changes.latest.get(nodeId) ?? null;
  // Answers can arrive out of order (a query sent before a change may answer after it): keep the newer.
  const keepNewer = useCallback((next: Node) => setNode((current) => (current && current.id === next.id && current.lastEventSeq > next.lastEventSeq ? current : next)), []);
  useEffect(() => { if (queried) keepNewer(queried); }, [queried, keepNewer]);
  useEffect(() => { if (changed) keepNewer(changed); }, [changed, keepNewer]);

  // The server ends the event stream when the node rests; a retry (new attempt), a release
  // (resting → moving) or a health change of a READY node needs it again.
  // A READY node's health change is a new event too (HEALTH), after the stream ended.
  const restartKey = node ? `${node.attempt}:${isTerminalPhase(node.phase) ? 'resting' : 'moving'}:${node.health ?? ''}` : '';
  const stream = useNodeEvents(nodeId, data?.node?.events.nodes, restartKey);
  usePollingFallback(stream.failure !== null, refresh);
  // After a reconnect: read the node again (facts, lastEventSeq), and count the page caught up
  // once the resumed timeline holds every event up to that seq: no gap behind a "Live".
  const client = useClient();
  const { reachSeq } = stream;
  const catchUp = useCallback(async () => {
    const result = await client.query(NODE_QUERY, { id: nodeId, events: STORED_EVENTS_PAGE_SIZE }, { requestPolicy: 'network-only' }).toPromise();
    const fresh = result.data?.node;
    if (!fresh) return;
    keepNewer(fresh);
    await reachSeq(fresh.lastEventSeq);
  }, [client, nodeId, keepNewer, reachSeq]);
  useCatchUpOnReconnect(catchUp);

  // Without the change feed, read the node again whenever the timeline enters a phase (IPs, error).
  const lastPhaseEntry = stream.events.findLast((event) => event.kind === 'PHASE_ENTERED')?.seq ?? 0;
  const changeFeedDown = changes.failure !== null;
  useEffect(() => {
    if (changeFeedDown && lastPhaseEntry > 0) refresh();
  }, [changeFeedDown, lastPhaseEntry, refresh]);

  usePageTitle(node ? `${node.name} · Nodes` : error ? 'Node not available' : null);
  const liveStatus = useLiveStatus();
  // Announced to screen readers as it changes (not on the first read): "web-1 is now Ready",
  // "web-1: heartbeats overdue".
  const [announcement, setAnnouncement] = useState('');
  const seen = useRef<{ phase: string; health: string | null } | null>(null);
  useEffect(() => {
    if (!node) return;
    const previous = seen.current;
    if (previous && previous.phase !== node.phase) setAnnouncement(`${node.name} is now ${PHASE_LABELS[node.phase]}.`);
    else if (previous && previous.health !== node.health && node.health) setAnnouncement(`${node.name}: ${HEALTH_LABELS[node.health]}.`);
    seen.current = { phase: node.phase, health: node.health ?? null };
  }, [node]);

  if (error) {
    return (
      <>
        <p><Link to="/nodes">← Nodes</Link></p>
        <ErrorNotice error={fromOperationError(error)} title="Could not load this node" />
      </>
    );
  }
  if (!node) return <p className="muted">{fetching ? 'Loading…' : ''}</p>;

  return (
    <>
      <p><Link to="/nodes">← Nodes</Link></p>
      <p className="visually-hidden" aria-live="polite" data-testid="phase-announcement">{announcement}</p>
      <div className="page-header">
        <div>
          <h1 className="node-title" tabIndex={-1}>{node.name} <PhaseBadge phase={node.phase} /></h1>
          <p className="muted small">Node <code>{node.id}</code></p>
        </div>
        <Actions node={node} onChanged={keepNewer} />
      </div>
      {node.error && (
        <ErrorNotice error={fromStoredError(node.error)} title={node.phase === 'FAILED' ? 'The acquisition failed' : 'Last error'}>
          {node.error.provider && <ProviderErrorDetails provider={node.error.provider} shownMessage={node.error.message} />}
        </ErrorNotice>
      )}
      <div className="detail-grid">
        <section className="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title">Provisioning timeline</h2>
          {stream.failure && (
            <p className="muted small" data-testid="live-fallback">
              Live timeline unavailable ({errorTitle(stream.failure.code).toLowerCase()}); refreshing every few seconds instead.
            </p>
          )}
          <Timeline events={stream.events} live={stream.failure === null} paused={stream.failure === null && liveStatus !== 'live'} />
        </section>
        <section className="card" aria-labelledby="facts-title">
          <h2 id="facts-title">Details</h2>
          <Facts node={node} />
          <NodeCost node={node} />
        </section>
        <NodeResourcesSummary nodeId={node.id} connectionId={node.providerConnection.id} />
      </div>
    </>
  );
}
