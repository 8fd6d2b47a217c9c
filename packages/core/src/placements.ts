/**
 * Fallback placements: createNode may list alternatives (server type and/or location) that the
 * phase driver tries, in order, when the provider refuses the current placement for capacity.
 *
 * Rules:
 * - At most ALTERNATIVES_MAX; each names a server type, a location or both (the other is the
 *   requested one), differs from the request and from the others, and is checked against the
 *   catalog like the request (with the node's image) before the node is queued.
 * - Only a capacity refusal of the create call (CAPACITY_CODES, provider-neutral codes the
 *   adapter maps the provider's answers to) moves a node on; every other failure fails it as
 *   before. Each move is an INFO event saying why, and the node keeps both what it asked for
 *   (requestedServerType/Location) and where it went (serverType/location, placementIndex).
 * - The move is one transaction guarded by phase, attempt and placementIndex: a worker that
 *   dies half-way resumes at the placement recorded.
 * - retryNode starts again from the requested placement.
 */
import { Prisma, type Node } from '@hangar/db/generated/prisma/client';
import { HangarError } from '@hangar/domain/api-errors';
import type { ProviderErrorCode } from '@hangar/domain/provider-errors';
import type { ProviderCatalog } from '@hangar/providers/provider';
import type { CoreDeps } from './deps.ts';
import { appendEvent } from './event-log.ts';
import { priceOf } from './node-cost.ts';
import { specName, specProblem } from './node-spec.ts';
import { whenNode } from './node-state.ts';
import { readStoredCatalog } from './catalog.ts';

/** Most alternatives one node may list. */
export const ALTERNATIVES_MAX = 5;

/** Where a server goes: its type and location. */
export interface Placement {
  serverType: string;
  location: string;
}

/** What createNode takes per alternative: either or both (the other is the requested one). */
export interface PlacementInput {
  serverType?: string | null;
  location?: string | null;
}

/** Provider answers that mean "not here, not now": the next alternative may work. */
export const CAPACITY_CODES: ReadonlySet<ProviderErrorCode> = new Set<ProviderErrorCode>(['PROVIDER_CAPACITY_UNAVAILABLE', 'PROVIDER_PLACEMENT_FAILED']);

function invalid(field: string, message: string): HangarError {
  return new HangarError('VALIDATION_FAILED', message, { field });
}

const same = (a: Placement, b: Placement) => a.serverType === b.serverType && a.location === b.location;

/** "cx22 in fsn1". */
export function describePlacement(placement: Placement): string {
  return `${placement.serverType} in ${placement.location}`;
}

/**
 * The alternatives as placements, checked for shape (not against the catalog: checkAlternatives).
 * VALIDATION_FAILED names the field (alternatives.<i>.location …) and never echoes a value.
 */
export function parseAlternatives(value: readonly PlacementInput[] | null | undefined, requested: Placement): Placement[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw invalid('alternatives', 'alternatives must be a list of placements');
  if (value.length > ALTERNATIVES_MAX) throw invalid('alternatives', `at most ${ALTERNATIVES_MAX} alternatives (got ${value.length})`);
  const placements: Placement[] = [];
  for (const [index, entry] of value.entries()) {
    const field = `alternatives.${index}`;
    if (entry === null || typeof entry !== 'object') throw invalid(field, 'each alternative must name a server type, a location or both');
    const given = (key: 'serverType' | 'location') => entry[key] !== null && entry[key] !== undefined;
    if (!given('serverType') && !given('location')) throw invalid(field, 'each alternative must name a server type, a location or both');
    const placement = {
      serverType: given('serverType') ? specName(`${field}.serverType`, entry.serverType) : requested.serverType,
      location: given('location') ? specName(`${field}.location`, entry.location) : requested.location,
    };
    if (same(placement, requested)) throw invalid(field, `alternative ${index + 1} is the requested placement itself`);
    if (placements.some((earlier) => same(earlier, placement))) throw invalid(field, `alternative ${index + 1} repeats an earlier alternative`);
    placements.push(placement);
  }
  return placements;
}

/** The first alternative the catalog rules out (as a VALIDATION_FAILED naming it), or nothing. */
export function checkAlternatives(catalog: ProviderCatalog, alternatives: readonly Placement[], image: string): void {
  for (const [index, placement] of alternatives.entries()) {
    const problem = specProblem(catalog, { ...placement, image });
    if (problem !== null) throw invalid(`alternatives.${index}.${problem.field}`, `alternative ${index + 1}: ${problem.message}`);
  }
}

/** The node's alternatives as stored. */
export function alternativesOf(node: Pick<Node, 'alternatives'>): Placement[] {
  return Array.isArray(node.alternatives) ? (node.alternatives as unknown as Placement[]) : [];
}

/** The placement the node tries after its current one, or null when none is left. */
export function nextPlacement(node: Pick<Node, 'alternatives' | 'placementIndex'>): Placement | null {
  return alternativesOf(node)[node.placementIndex] ?? null;
}

/**
 * Moves a node refused for capacity to its next alternative: one transaction updating the
 * placement and its price (from the stored catalog; null when it states none) and appending an
 * INFO event that says why. Returns false when there is no alternative left or the node moved
 * on meanwhile (then the caller fails it as before, or re-reads it).
 */
export async function fallBack(deps: CoreDeps, node: Node, refusal: { code: string; message: string }): Promise<boolean> {
  const next = nextPlacement(node);
  if (next === null) return false;
  const connection = await deps.db.providerConnection.findUniqueOrThrow({ where: { id: node.providerConnectionId }, select: { id: true, tokenFingerprint: true } });
  const catalog = await readStoredCatalog(deps, connection);
  const price = catalog === null ? null : priceOf(catalog, next);
  const total = alternativesOf(node).length;
  const moved = await whenNode(deps, node.id, { phase: node.phase, attempt: node.attempt }, async (tx, locked) => {
    if (locked.placementIndex !== node.placementIndex) return false;
    await appendEvent(
      tx,
      node.id,
      {
        phase: node.phase,
        kind: 'INFO',
        message: `the provider refused ${describePlacement(node)} for capacity (${refusal.code}: ${refusal.message}); trying alternative ${node.placementIndex + 1} of ${total}: ${describePlacement(next)}`,
      },
      {
        serverType: next.serverType,
        location: next.location,
        placementIndex: node.placementIndex + 1,
        price: price === null ? Prisma.DbNull : (price as unknown as Prisma.InputJsonObject),
      },
    );
    return true;
  });
  if (moved) deps.log.info({ nodeId: node.id, placementIndex: node.placementIndex + 1, serverType: next.serverType, location: next.location }, 'node falls back to an alternative placement');
  return moved === true;
}
