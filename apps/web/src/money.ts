/**
 * Money as a person reads it. The API sends decimal strings; Intl.NumberFormat formats the
 * string itself (exactly, no float in between), in the browser's locale.
 */

/** "€0.0071", "€4.51": at least 2 and at most 4 fraction digits (hourly prices are small). */
export function formatMoney(amount: string, currency: string): string {
  const format = new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 4 });
  // format() takes a decimal string as it is (ES2023 Intl.NumberFormat v3).
  return format.format(amount as unknown as number);
}

/** An amount with its currency, as the API sends it. */
export interface Amount {
  gross: string;
  currency: string;
}

/** A price of one placement, as the API sends it (gross amounts). */
export interface PlacementPriceShape {
  location: string;
  hourly: Amount;
  monthly: Amount;
}

/** "€0.0071 per hour, at most €4.51 per month". */
export function describePrice(price: PlacementPriceShape): string {
  return `${formatMoney(price.hourly.gross, price.hourly.currency)} per hour, at most ${formatMoney(price.monthly.gross, price.monthly.currency)} per month`;
}
