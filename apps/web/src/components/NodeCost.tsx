import { useEffect } from 'react';
import { useQuery } from 'urql';
import { NODE_COST_QUERY } from '../graphql/node-cost.ts';
import type { NodeFieldsFragment as Node } from '../graphql/generated/graphql.ts';
import { formatDateTime } from '../format.ts';
import { describePrice, formatMoney } from '../money.ts';

/** How often a node whose server still exists reads its cost again (billing counts started hours). */
const COST_REFRESH_MS = 60_000;

function holdsServer(node: Node): boolean {
  return node.providerServerId !== null && node.phase !== 'RELEASED';
}

/**
 * Where the node went and what it costs: the price of its placement (stored when the placement
 * was chosen), its cost so far by the provider's billing rule, and — after a capacity
 * fallback — what was asked for and the alternatives listed.
 */
export function NodeCost({ node }: { node: Node }) {
  const running = holdsServer(node);
  const [{ data }, reexecute] = useQuery({ query: NODE_COST_QUERY, variables: { id: node.id }, requestPolicy: 'network-only', pause: !running });
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => reexecute({ requestPolicy: 'network-only' }), COST_REFRESH_MS);
    return () => clearInterval(timer);
  }, [running, reexecute]);
  // The newer of the two: the polled cost while the server runs, else the node's own.
  const cost = (running ? data?.node?.costSoFar : null) ?? node.costSoFar;
  const moved = node.placementIndex > 0;
  return (
    <dl className="cost-facts" data-testid="node-cost">
      <dt>Price</dt>
      <dd data-testid="node-price">{node.price ? `${describePrice(node.price)} (incl. VAT)` : 'unknown: the provider’s catalog listed no price for this placement'}</dd>
      <dt>Cost so far</dt>
      <dd data-testid="node-cost-so-far">
        {cost ? formatMoney(cost.gross, cost.currency) : 'unknown'}
        {node.serverCreatedAt && <span className="muted"> (server since {formatDateTime(node.serverCreatedAt)}{node.releasedAt ? `, released ${formatDateTime(node.releasedAt)}` : ''})</span>}
      </dd>
      {(moved || node.alternatives.length > 0) && (
        <>
          <dt>Asked for</dt>
          <dd data-testid="node-requested">
            {node.requestedServerType} in {node.requestedLocation}
            {moved && <span className="muted"> — no capacity there; now {node.serverType} in {node.location} (fallback {node.placementIndex})</span>}
          </dd>
          <dt>Fallbacks</dt>
          <dd>{node.alternatives.map((alternative) => `${alternative.serverType} in ${alternative.location}`).join(', then ') || '—'}</dd>
        </>
      )}
    </dl>
  );
}
