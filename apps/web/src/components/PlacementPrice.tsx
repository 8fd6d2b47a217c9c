import { describePrice, type PlacementPriceShape } from '../money.ts';

/** What a catalog server type carries: its prices per location. */
export interface PricedServerType {
  name: string;
  prices: readonly PlacementPriceShape[];
}

/** The catalog price of `serverType` at `location`, or null when the catalog states none. */
export function catalogPrice(serverTypes: readonly PricedServerType[], serverType: string, location: string): PlacementPriceShape | null {
  return serverTypes.find((type) => type.name === serverType)?.prices.find((price) => price.location === location) ?? null;
}

/**
 * The price of a server type at a location, from the connection's catalog (gross, with VAT as
 * the provider account is charged); "price unknown" when the catalog lists none: never a guess.
 */
export function PlacementPrice({ serverTypes, serverType, location, testId = 'price' }: {
  serverTypes: readonly PricedServerType[];
  serverType: string;
  location: string;
  testId?: string;
}) {
  if (!serverType || !location) return null;
  const price = catalogPrice(serverTypes, serverType, location);
  return (
    <p className="price small" data-testid={testId} data-known={price ? 'true' : 'false'}>
      {price ? (
        <>
          <strong>{describePrice(price)}</strong> <span className="muted">(incl. VAT, billed per started hour)</span>
        </>
      ) : (
        <span className="muted">Price unknown: the provider’s catalog lists no price for {serverType} in {location}.</span>
      )}
    </p>
  );
}
