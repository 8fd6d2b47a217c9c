/**
 * Money as decimal strings, computed exactly: amounts are parsed into integers of 10^-16 units
 * (BigInt), added, multiplied by whole numbers and compared there, and printed back as decimal
 * strings. Never a float. Provider prices (Hetzner: "0.0052000000000000") fit exactly.
 */

/** Fraction digits kept: every provider price Hangar reads has at most this many. */
export const MONEY_SCALE = 16;
const UNIT = 10n ** BigInt(MONEY_SCALE);
const DECIMAL_RE = /^(\d{1,15})(?:\.(\d{1,16}))?$/;

/** An exact amount (10^-16 units). */
export type Units = bigint;

/** The amount a non-negative decimal string stands for, or null when it is not one. */
export function parseDecimal(text: string): Units | null {
  const match = DECIMAL_RE.exec(text);
  if (!match) return null;
  const whole = BigInt(match[1] ?? '0');
  const fraction = BigInt((match[2] ?? '').padEnd(MONEY_SCALE, '0'));
  return whole * UNIT + fraction;
}

/** A decimal string of `units`, trailing zeros trimmed down to `minFractionDigits` (default 2). */
export function formatDecimal(units: Units, minFractionDigits = 2): string {
  const sign = units < 0n ? '-' : '';
  const abs = units < 0n ? -units : units;
  const whole = abs / UNIT;
  let fraction = (abs % UNIT).toString().padStart(MONEY_SCALE, '0');
  while (fraction.length > minFractionDigits && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return fraction === '' ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/** The smaller of two amounts. */
export function minUnits(a: Units, b: Units): Units {
  return a < b ? a : b;
}
