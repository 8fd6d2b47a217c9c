/**
 * Prices and fallback placements end to end: createNode (core), the real node_provision job,
 * the Hetzner simulator over HTTP refusing one location for capacity (a fault rule naming the
 * location), the real API answering the machine.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HangarError } from '@hangar/domain/api-errors';
import type { NodeError } from '@hangar/domain/node-errors';
import { costSoFar, nodePrice, runRate } from '../src/node-cost.ts';
import { releaseNode, retryNode } from '../src/nodes.ts';
import { ALTERNATIVES_MAX } from '../src/placements.ts';
import { startAcquisitionEnv, type AcquisitionEnv } from './support/acquisition-env.ts';

let env: AcquisitionEnv;

beforeAll(async () => {
  env = await startAcquisitionEnv({ deadlineScale: 0.05 });
});
afterEach(async () => {
  await env.clearFaults();
});
afterAll(async () => {
  await env?.stop();
});

type SimServerPlaced = { serverType: string; location: string; deleted: boolean };

async function rejection(promise: Promise<unknown>, what: string): Promise<HangarError> {
  const error = await promise.then(
    () => null,
    (failure: unknown) => failure,
  );
  expect(error, what).toBeInstanceOf(HangarError);
  return error as HangarError;
}

describe('fallback placements', () => {
  it('with fsn1 refusing for capacity, the node is READY in the alternative and the timeline says why', async () => {
    await env.addFault({ method: 'POST', path: '/servers', location: 'fsn1', error: { code: 'resource_unavailable', message: 'no capacity in fsn1' } });
    const created = await env.createNode({ alternatives: [{ location: 'nbg1' }] });
    expect(created).toMatchObject({ serverType: 'cx22', location: 'fsn1', requestedLocation: 'fsn1', placementIndex: 0 });
    const node = await env.waitForPhase(created.id, ['READY', 'FAILED']);
    expect(node.phase).toBe('READY');
    expect(node).toMatchObject({ serverType: 'cx22', location: 'nbg1', requestedServerType: 'cx22', requestedLocation: 'fsn1', placementIndex: 1 });
    // The price follows the placement the node went to.
    expect(nodePrice(node)?.location).toBe('nbg1');

    const events = await env.events(node.id);
    const switched = events.filter((event) => event.kind === 'INFO' && event.message.includes('for capacity'));
    expect(switched).toHaveLength(1);
    expect(switched[0]?.phase).toBe('CREATING_SERVER');
    expect(switched[0]?.message).toContain('cx22 in fsn1');
    expect(switched[0]?.message).toContain('PROVIDER_CAPACITY_UNAVAILABLE');
    expect(switched[0]?.message).toContain('alternative 1 of 1: cx22 in nbg1');
    expect(events.some((event) => event.kind === 'ERROR')).toBe(false);

    const servers = (await env.simServers(node.id)) as unknown as SimServerPlaced[];
    expect(servers.map(({ location, deleted }) => ({ location, deleted }))).toEqual([{ location: 'nbg1', deleted: false }]);
    const refused = (await env.simRequests(env.project.id)).filter((request) => request.method === 'POST' && request.path === '/v1/servers' && request.errorCode === 'resource_unavailable');
    expect(refused.length).toBeGreaterThanOrEqual(1);
  });

  it('tries alternatives in order (server type and location) and fails with the last refusal when none is left', async () => {
    await env.addFault({ method: 'POST', path: '/servers', location: 'fsn1', error: 'resource_unavailable' });
    await env.addFault({ method: 'POST', path: '/servers', location: 'nbg1', error: 'placement_error' });
    const created = await env.createNode({ alternatives: [{ serverType: 'cx32' }, { location: 'nbg1' }] });
    const node = await env.waitForPhase(created.id, ['READY', 'FAILED']);
    expect(node.phase).toBe('FAILED');
    expect(node).toMatchObject({ serverType: 'cx22', location: 'nbg1', placementIndex: 2 });
    expect((node.error as unknown as NodeError).code).toBe('PROVIDER_PLACEMENT_FAILED');
    const switches = (await env.events(node.id)).filter((event) => event.kind === 'INFO' && event.message.includes('for capacity')).map((event) => event.message);
    expect(switches).toHaveLength(2);
    expect(switches[0]).toContain('alternative 1 of 2: cx32 in fsn1');
    expect(switches[1]).toContain('refused cx32 in fsn1');
    expect(switches[1]).toContain('alternative 2 of 2: cx22 in nbg1');
    expect(await env.simServers(node.id)).toEqual([]);

    // A retry starts again from what was asked for.
    await env.clearFaults();
    const retried = await retryNode(env.deps, env.actor, node.id);
    expect(retried).toMatchObject({ serverType: 'cx22', location: 'fsn1', placementIndex: 0, serverCreatedAt: null });
    expect(costSoFar(retried)?.gross).toBe('0.00');
    const ready = await env.waitForPhase(node.id, ['READY', 'FAILED']);
    expect(ready).toMatchObject({ phase: 'READY', location: 'fsn1', placementIndex: 0 });
    expect(nodePrice(ready)?.location).toBe('fsn1');
  });

  it('without alternatives a capacity refusal fails the node as before, with no switch', async () => {
    await env.addFault({ method: 'POST', path: '/servers', location: 'fsn1', error: 'resource_unavailable', times: 1 });
    const created = await env.createNode();
    const node = await env.waitForPhase(created.id, ['READY', 'FAILED']);
    expect(node.phase).toBe('FAILED');
    expect((node.error as unknown as NodeError).code).toBe('PROVIDER_CAPACITY_UNAVAILABLE');
    expect((await env.events(node.id)).some((event) => event.message.includes('alternative'))).toBe(false);
  });

  it('refuses bad alternatives before queueing, naming the field and never echoing the input', async () => {
    const cases: Array<{ alternatives: unknown; field: string }> = [
      { alternatives: Array.from({ length: ALTERNATIVES_MAX + 1 }, (_, index) => ({ location: `x${index}` })), field: 'alternatives' },
      { alternatives: [{ location: 'nowhere-9' }], field: 'alternatives.0.location' },
      { alternatives: [{ serverType: 'cx22', location: 'fsn1' }], field: 'alternatives.0' },
      { alternatives: [{ location: 'nbg1' }, { location: 'nbg1' }], field: 'alternatives.1' },
      { alternatives: [{}], field: 'alternatives.0' },
      { alternatives: [{ location: 'nbg\u00001' }], field: 'alternatives.0.location' },
      { alternatives: [{ serverType: 'x'.repeat(10 * 1024 * 1024) }], field: 'alternatives.0.serverType' },
      { alternatives: [{ serverType: 'cx99' }], field: 'alternatives.0.serverType' },
    ];
    const before = await env.testDb.db.node.count();
    for (const { alternatives, field } of cases) {
      const error = await rejection(env.createNode({ alternatives: alternatives as never }), field);
      expect(error.code, field).toBe('VALIDATION_FAILED');
      expect(error.field, error.message).toBe(field);
      expect(error.message.length).toBeLessThan(600);
      expect(error.message).not.toContain('\u0000');
      expect(error.message).not.toContain('xxxxxxxxxx');
    }
    expect(await env.testDb.db.node.count()).toBe(before);
  });
});

describe('prices', () => {
  it('stores the catalog price at creation, bills started hours while the server exists, and counts it in the run-rate until released', async () => {
    const catalog = await env.testDb.db.providerCatalog.findUniqueOrThrow({ where: { providerConnectionId: env.connection.id } });
    const listed = (catalog.serverTypes as Array<{ name: string; prices: Array<{ location: string; hourly: { gross: string }; monthly: { gross: string; currency: string } }> }>)
      .find((type) => type.name === 'cx22')
      ?.prices.find((price) => price.location === 'fsn1');
    expect(listed).toBeDefined();

    const created = await env.createNode();
    const price = nodePrice(created);
    expect(price).toMatchObject({ serverType: 'cx22', location: 'fsn1', hourly: { gross: listed?.hourly.gross }, monthly: { gross: listed?.monthly.gross } });
    expect(costSoFar(created)).toEqual({ net: '0.00', gross: '0.00', currency: listed?.monthly.currency });

    const ready = await env.waitForPhase(created.id, 'READY');
    expect(ready.serverCreatedAt).toBeInstanceOf(Date);
    // Within its first hour a server costs one started hour.
    const firstHour = costSoFar(ready, new Date((ready.serverCreatedAt as Date).getTime() + 1_000));
    expect(Number(firstHour?.gross)).toBeCloseTo(Number(listed?.hourly.gross), 10);

    const rate = await runRate(env.testDb.db, env.actor.organizationId);
    const mine = rate.monthly.find((money) => money.currency === listed?.monthly.currency);
    expect(Number(mine?.gross)).toBeGreaterThanOrEqual(Number(listed?.monthly.gross));
    expect(rate.nodes).toBeGreaterThanOrEqual(1);

    await releaseNode(env.deps, env.actor, ready.id);
    const released = await env.waitForPhase(ready.id, 'RELEASED');
    const after = await runRate(env.testDb.db, env.actor.organizationId);
    expect(after.nodes).toBe(rate.nodes - 1);
    // A released node's bill is frozen at its release.
    expect(costSoFar(released, new Date(Date.now() + 10 * 3_600_000))).toEqual(costSoFar(released));
  });
});
