import { useCallback, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { NODE_CHANGED, NODES_QUERY } from '../graphql/nodes.ts';
import type { NodeFieldsFragment as Node } from '../graphql/generated/graphql.ts';
import { fromOperationError } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { overlay, useLiveEntities, usePollingFallback } from '../live.ts';
import { Link, usePageTitle } from '../router.tsx';
import { errorTitle, HEALTH_LABELS } from '../words.ts';
import { withoutServer } from '../phases.ts';
import { PhaseBadge } from '../components/Badges.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { useCatchUpOnReconnect } from '../session.tsx';
import { CreateNodeForm } from './CreateNodeForm.tsx';
import { RunRate } from '../components/RunRate.tsx';

/** Nodes per page of the list. */
const PAGE_SIZE = 50;
const NODES_CONTEXT = { additionalTypenames: ['Node'] };

function NodeRow({ node }: { node: Node }) {
  return (
    <tr data-node-name={node.name}>
      <td><Link to={`/nodes/${encodeURIComponent(node.id)}`}>{node.name}</Link></td>
      <td>
        <PhaseBadge phase={node.phase} />
        {(node.health === 'OVERDUE' || node.health === 'LOST') && <> <span className="badge badge-warning" data-heartbeat={node.health.toLowerCase()}>{HEALTH_LABELS[node.health]}</span></>}
      </td>
      <td>{node.providerConnection.name}</td>
      <td>
        <span className="spec">{node.serverType}</span> · <span className="spec">{node.location}</span> · <span className="spec">{node.image}</span>
      </td>
      <td className={withoutServer(node) ? 'ips history' : 'ips'}>
        {node.ipv4 || node.ipv6 ? (
          <>
            {withoutServer(node) && <span className="small">formerly </span>}
            {node.ipv4 && <code>{node.ipv4}</code>}
            {node.ipv6 && <code>{node.ipv6}</code>}
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>{formatDateTime(node.createdAt)}</td>
    </tr>
  );
}

/**
 * One page of the list (cursor `after`). The first page also takes in nodes the live stream
 * announced that are newer than everything on it (created since the page loaded).
 */
function NodesChunk({ after, archived, latest, liveDown, onMore }: {
  after: string | null;
  /** The archived view (archiveNode) instead of the listed nodes. */
  archived: boolean;
  latest: ReadonlyMap<string, Node>;
  liveDown: boolean;
  onMore: ((cursor: string) => void) | null;
}) {
  const [{ data, error, fetching }, reexecute] = useQuery({ query: NODES_QUERY, variables: { first: PAGE_SIZE, after, archived }, context: NODES_CONTEXT, requestPolicy: 'cache-and-network' });
  const refresh = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  usePollingFallback(liveDown, refresh);
  // nodeChanged has no cursor: after a reconnect the page is read again (same key, so this
  // answer replaces what the table shows), and the header says "Live" once it arrived.
  const client = useClient();
  const catchUp = useCallback(async () => {
    await client.query(NODES_QUERY, { first: PAGE_SIZE, after, archived }, { ...NODES_CONTEXT, requestPolicy: 'network-only' }).toPromise();
  }, [client, after, archived]);
  useCatchUpOnReconnect(catchUp);
  const listed = data?.nodes.nodes ?? [];
  const newest = listed[0]?.createdAt ?? '';
  // A node archived (or brought back) meanwhile leaves this view at once.
  const inOtherView = new Set([...latest.values()].filter((node) => (node.archivedAt !== null) !== archived).map((node) => node.id));
  const nodes = overlay(listed, latest, { newAt: 'start', removed: inOtherView, admit: (node) => after === null && node.createdAt >= newest });
  const pageInfo = data?.nodes.pageInfo;
  return (
    <tbody>
      {error && (
        <tr><td colSpan={6}><ErrorNotice error={fromOperationError(error)} title="Could not load the nodes" /></td></tr>
      )}
      {nodes.map((node) => <NodeRow key={node.id} node={node} />)}
      {after === null && data && nodes.length === 0 && (
        <tr><td colSpan={6} className="empty">{archived ? 'No archived nodes.' : 'No nodes yet. Create one: Hangar acquires it from your provider and shows every step live.'}</td></tr>
      )}
      {!data && fetching && <tr><td colSpan={6} className="muted">Loading…</td></tr>}
      {onMore && pageInfo?.hasNextPage && pageInfo.endCursor && (
        <tr><td colSpan={6}><button type="button" className="secondary" onClick={() => onMore(pageInfo.endCursor!)}>Show older nodes</button></td></tr>
      )}
    </tbody>
  );
}

/** Nodes: every node of the organization with its phase, live; and the form to create one. */
export function NodesPage() {
  const [creating, setCreating] = useState(false);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [archived, setArchived] = useState(false);
  const show = (next: boolean) => {
    setArchived(next);
    setCursors([null]);
  };
  const live = useLiveEntities(NODE_CHANGED, (event) => event.nodeChanged);
  usePageTitle('Nodes');
  return (
    <>
      <div className="page-header">
        <div>
          <h1 tabIndex={-1}>Nodes</h1>
          <p className="muted">Servers acquired through your provider connections, newest first.</p>
          <RunRate changeKey={[...live.latest.values()].map((node) => `${node.id}:${node.lastEventSeq}`).join(' ')} liveDown={live.failure !== null} />
        </div>
        {!creating && <button type="button" onClick={() => setCreating(true)}>Create node</button>}
      </div>
      {creating && <CreateNodeForm onCancel={() => setCreating(false)} />}
      {live.failure && (
        <p className="muted small" data-testid="live-fallback">
          Live updates unavailable ({errorTitle(live.failure.code).toLowerCase()}); refreshing every few seconds instead.
        </p>
      )}
      <div className="view-switch" role="group" aria-label="Which nodes">
        <button type="button" className="secondary small" aria-pressed={!archived} onClick={() => show(false)}>Listed</button>
        <button type="button" className="secondary small" aria-pressed={archived} onClick={() => show(true)}>Archived</button>
      </div>
      <div className="card table-card">
        <table className="table" aria-label={archived ? 'Archived nodes' : 'Nodes'}>
          <thead>
            <tr><th>Name</th><th>Phase</th><th>Connection</th><th>Type · location · image</th><th>IP addresses</th><th>Created</th></tr>
          </thead>
          {cursors.map((after, index) => (
            <NodesChunk
              key={`${archived ? 'archived' : 'listed'}-${after ?? 'first'}`}
              after={after}
              archived={archived}
              latest={live.latest}
              liveDown={live.failure !== null}
              onMore={index === cursors.length - 1 ? (cursor) => setCursors((previous) => [...previous, cursor]) : null}
            />
          ))}
        </table>
      </div>
    </>
  );
}
