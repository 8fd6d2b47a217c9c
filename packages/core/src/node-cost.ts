/**
 * What a node costs: the price of its placement (copied from the catalog when the placement was
 * chosen, so a later catalog change never rewrites what a node cost), its cost so far and the
 * organization's monthly run-rate. Amounts are decimal strings (packages/domain money.ts).
 *
 * The billing rule (Hetzner's, the only provider today; docs/features/node-acquisition.md):
 * a server is billed from its creation to its deletion, per calendar month (UTC): every started
 * hour in that month costs the hourly price, and a month never costs more than the monthly price.
 * Hangar knows the creation time (Node.serverCreatedAt, when the create call answered) and the
 * end (RELEASED: releasedAt; FAILED/CANCELLED without a server: when it entered that phase).
 * Only the node's latest server counts: retryNode starts a new clock (serverCreatedAt cleared).
 */
import type { Node, PrismaClient } from '@hangar/db/generated/prisma/client';
import { formatDecimal, minUnits, parseDecimal, type Units } from '@hangar/domain/money';
import type { CatalogMoney, CatalogPrice, ProviderCatalog } from '@hangar/providers/provider';

const HOUR_MS = 3_600_000;

/** A node's price: the catalog's price of its server type at its location. */
export type NodePrice = CatalogPrice & { serverType: string };

/** The price of `placement` in `catalog`, or null when the catalog states none (never a guess). */
export function priceOf(catalog: Pick<ProviderCatalog, 'serverTypes'>, placement: { serverType: string; location: string }): NodePrice | null {
  const type = catalog.serverTypes.find((entry) => entry.name === placement.serverType);
  const price = (type?.prices ?? []).find((entry) => entry.location === placement.location);
  if (!price || !moneyIsExact(price.hourly) || !moneyIsExact(price.monthly) || price.hourly.currency !== price.monthly.currency) return null;
  return { serverType: placement.serverType, location: price.location, hourly: price.hourly, monthly: price.monthly };
}

function moneyIsExact(money: CatalogMoney | undefined): boolean {
  return money !== undefined && parseDecimal(money.net) !== null && parseDecimal(money.gross) !== null && /^[A-Z]{3}$/.test(money.currency);
}

/** The node's stored price, or null (none stored, or not for its current placement). */
export function nodePrice(node: Pick<Node, 'price' | 'serverType' | 'location'>): NodePrice | null {
  const price = node.price as NodePrice | null;
  if (price === null || typeof price !== 'object') return null;
  if (price.serverType !== node.serverType || price.location !== node.location) return null;
  return price;
}

/** Whether the stored price is the one of the node's current placement. */
export function priceIsCurrent(node: Pick<Node, 'price' | 'serverType' | 'location'>): boolean {
  return nodePrice(node) !== null;
}

/** Started hours per calendar month (UTC) between `from` and `to`; the first month bills at least one hour. */
export function billedHoursPerMonth(from: Date, to: Date): number[] {
  const months: number[] = [];
  let start = from.getTime();
  const end = Math.max(to.getTime(), start);
  do {
    const at = new Date(start);
    const nextMonth = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
    const segmentEnd = Math.min(end, nextMonth);
    const hours = Math.ceil((segmentEnd - start) / HOUR_MS);
    months.push(months.length === 0 ? Math.max(1, hours) : hours);
    start = segmentEnd;
  } while (start < end);
  return months;
}

/** What the server cost between `from` and `to` by the billing rule above, net and gross. */
export function billedCost(price: Pick<CatalogPrice, 'hourly' | 'monthly'>, from: Date, to: Date): CatalogMoney {
  const sum = (hourlyText: string, monthlyText: string): Units => {
    const hourly = parseDecimal(hourlyText) as Units;
    const monthly = parseDecimal(monthlyText) as Units;
    return billedHoursPerMonth(from, to).reduce((total, hours) => total + minUnits(hourly * BigInt(hours), monthly), 0n);
  };
  return {
    net: formatDecimal(sum(price.hourly.net, price.monthly.net)),
    gross: formatDecimal(sum(price.hourly.gross, price.monthly.gross)),
    currency: price.hourly.currency,
  };
}

type CostFields = Pick<Node, 'price' | 'serverType' | 'location' | 'serverCreatedAt' | 'phase' | 'releasedAt' | 'phaseEnteredAt' | 'providerServerId'>;

/** When the node's latest server stopped costing: null while it may still exist. */
function billingEnd(node: CostFields): Date | null {
  if (node.phase === 'RELEASED') return node.releasedAt ?? node.phaseEnteredAt;
  if ((node.phase === 'FAILED' || node.phase === 'CANCELLED') && node.providerServerId === null) return node.phaseEnteredAt;
  return null;
}

/**
 * The node's cost so far (net and gross): zero before it had a server, null when its price is
 * unknown. `now` ends the bill of a server that still exists.
 */
export function costSoFar(node: CostFields, now: Date = new Date()): CatalogMoney | null {
  const price = nodePrice(node);
  if (price === null) return null;
  if (node.serverCreatedAt === null) return { net: '0.00', gross: '0.00', currency: price.hourly.currency };
  return billedCost(price, node.serverCreatedAt, billingEnd(node) ?? now);
}

/** The organization's monthly run-rate: per currency, the monthly prices of nodes that hold a server. */
export interface RunRate {
  monthly: CatalogMoney[];
  /** Nodes holding a server. */
  nodes: number;
  /** Of those, the ones whose price is unknown (not in `monthly`). */
  unpricedNodes: number;
}

/** Nodes that hold a server at the provider now (so they cost money). */
export const HOLDS_SERVER = { providerServerId: { not: null }, phase: { not: 'RELEASED' } } as const;

export async function runRate(db: Pick<PrismaClient, 'node'>, organizationId: string): Promise<RunRate> {
  const rows = await db.node.findMany({ where: { organizationId, ...HOLDS_SERVER }, select: { price: true, serverType: true, location: true } });
  const totals = new Map<string, { net: Units; gross: Units }>();
  let unpriced = 0;
  for (const row of rows) {
    const price = nodePrice(row);
    const net = price ? parseDecimal(price.monthly.net) : null;
    const gross = price ? parseDecimal(price.monthly.gross) : null;
    if (price === null || net === null || gross === null) {
      unpriced += 1;
      continue;
    }
    const total = totals.get(price.monthly.currency) ?? { net: 0n, gross: 0n };
    totals.set(price.monthly.currency, { net: total.net + net, gross: total.gross + gross });
  }
  const monthly = [...totals.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, total]) => ({ net: formatDecimal(total.net), gross: formatDecimal(total.gross), currency }));
  return { monthly, nodes: rows.length, unpricedNodes: unpriced };
}
