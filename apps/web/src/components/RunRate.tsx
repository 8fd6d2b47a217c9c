import { useCallback, useEffect } from 'react';
import { useQuery } from 'urql';
import { RUN_RATE_QUERY } from '../graphql/node-cost.ts';
import { formatMoney } from '../money.ts';
import { usePollingFallback } from '../live.ts';

/**
 * "Running: 3 servers, €13.53 per month": the monthly prices of the nodes holding a server.
 * Read again whenever a node changes (`changeKey`, from the live feed) or by polling when the
 * feed is down.
 */
export function RunRate({ changeKey, liveDown }: { changeKey: string; liveDown: boolean }) {
  const [{ data }, reexecute] = useQuery({ query: RUN_RATE_QUERY, requestPolicy: 'network-only' });
  const refresh = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  useEffect(() => {
    if (changeKey) refresh();
  }, [changeKey, refresh]);
  usePollingFallback(liveDown, refresh);
  const rate = data?.runRate;
  if (!rate) return null;
  const servers = `${rate.nodes} ${rate.nodes === 1 ? 'server' : 'servers'}`;
  const amounts = rate.monthly.map((money) => formatMoney(money.gross, money.currency)).join(' + ');
  return (
    <p className="run-rate muted" data-testid="run-rate">
      Running now: {servers}
      {rate.nodes > 0 && <>, <strong>{amounts || 'price unknown'}</strong> per month at most (incl. VAT)</>}
      {rate.unpricedNodes > 0 && rate.monthly.length > 0 && <> plus {rate.unpricedNodes} without a known price</>}
    </p>
  );
}
