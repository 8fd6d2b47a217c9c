import { describe, expect, it } from 'vitest';
import { formatDecimal, parseDecimal } from '@hangar/domain/money';
import { billedCost, billedHoursPerMonth, priceOf } from '../src/node-cost.ts';

const price = {
  hourly: { net: '0.0060000000000000', gross: '0.0071400000000000', currency: 'EUR' },
  monthly: { net: '3.7900000000000000', gross: '4.5101000000000000', currency: 'EUR' },
};
const at = (iso: string) => new Date(iso);

describe('money as decimal strings', () => {
  it('parses and prints exactly, never through a float', () => {
    expect(formatDecimal(parseDecimal('0.1') as bigint + (parseDecimal('0.2') as bigint))).toBe('0.30');
    expect(formatDecimal(parseDecimal('4.5100000000000000') as bigint)).toBe('4.51');
    expect(formatDecimal((parseDecimal('0.0071400000000000') as bigint) * 3n)).toBe('0.02142');
    for (const bad of ['', '-1', '1e3', '0x10', '1.2.3', ' 1', 'NaN', '1.00000000000000001']) expect(parseDecimal(bad)).toBeNull();
  });
});

describe('the billing rule: started hours at the hourly price, at most the monthly price per calendar month (UTC)', () => {
  it('counts every started hour, and at least one', () => {
    expect(billedHoursPerMonth(at('2026-03-02T10:00:00Z'), at('2026-03-02T10:00:00Z'))).toEqual([1]);
    expect(billedHoursPerMonth(at('2026-03-02T10:00:00Z'), at('2026-03-02T10:00:01Z'))).toEqual([1]);
    expect(billedHoursPerMonth(at('2026-03-02T10:00:00Z'), at('2026-03-02T11:00:00Z'))).toEqual([1]);
    expect(billedHoursPerMonth(at('2026-03-02T10:00:00Z'), at('2026-03-02T11:00:01Z'))).toEqual([2]);
  });

  it('splits at month boundaries and caps each month at the monthly price', () => {
    expect(billedHoursPerMonth(at('2026-03-31T23:30:00Z'), at('2026-04-01T01:00:00Z'))).toEqual([1, 1]);
    expect(billedCost(price, at('2026-03-02T10:00:00Z'), at('2026-03-02T12:30:00Z'))).toEqual({ net: '0.018', gross: '0.02142', currency: 'EUR' });
    // March from the 2nd to April 10th: March capped at the monthly price, April 9 days × 24 h.
    const cost = billedCost(price, at('2026-03-02T00:00:00Z'), at('2026-04-10T00:00:00Z'));
    expect(cost.gross).toBe(formatDecimal((parseDecimal('4.5101') as bigint) + (parseDecimal('0.00714') as bigint) * 216n));
  });
});

describe('priceOf', () => {
  const catalog = { serverTypes: [{ name: 'cx22', prices: [{ location: 'fsn1', ...price }] }] } as never;
  it('is the catalog price of the placement, or null when the catalog states none (never a made-up number)', () => {
    expect(priceOf(catalog, { serverType: 'cx22', location: 'fsn1' })).toMatchObject({ serverType: 'cx22', location: 'fsn1', monthly: price.monthly });
    expect(priceOf(catalog, { serverType: 'cx22', location: 'nbg1' })).toBeNull();
    expect(priceOf(catalog, { serverType: 'cx99', location: 'fsn1' })).toBeNull();
    const garbled = { serverTypes: [{ name: 'cx22', prices: [{ location: 'fsn1', hourly: { ...price.hourly, gross: '1e-3' }, monthly: price.monthly }] }] } as never;
    expect(priceOf(garbled, { serverType: 'cx22', location: 'fsn1' })).toBeNull();
  });
});
