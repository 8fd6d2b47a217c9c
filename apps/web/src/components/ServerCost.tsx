import { useQuery } from 'urql';
import { PROVIDER_CATALOG_QUERY } from '../graphql/provider-connections.ts';
import { formatMoney } from '../format.ts';

/**
 * What a server of `serverType` in `location` costs, from the connection's stored catalog
 * (the provider's own prices, with VAT); without a catalog price, that it bills by the hour.
 */
export function ServerCost({ connectionId, serverType, location, providerName = 'the provider' }: {
  connectionId: string;
  serverType: string;
  location: string;
  providerName?: string;
}) {
  const [{ data }] = useQuery({ query: PROVIDER_CATALOG_QUERY, variables: { id: connectionId } });
  const price = data?.providerConnection?.catalog?.serverTypes
    .find((type) => type.name === serverType)?.prices.find((entry) => entry.location === location);
  if (!price) return <>It bills by the hour at {providerName} for as long as it exists.</>;
  return (
    <span data-testid="server-cost">
      It costs {formatMoney(price.hourly.gross, price.hourly.currency)} an hour (at most {formatMoney(price.monthly.gross, price.monthly.currency)} a month, VAT included) at {providerName} for as long as it exists.
    </span>
  );
}
