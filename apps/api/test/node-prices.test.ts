/**
 * Prices and fallback placements over GraphQL: createNode with alternatives (refused for
 * capacity in the first location by the simulator) ends READY in the alternative with the
 * original request visible; Node.price / costSoFar and Query.runRate as decimal strings; hostile
 * alternatives are typed errors that never echo the input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiToken } from '@hangar/core/api-tokens';
import { startAcquisitionEnv, type AcquisitionEnv } from '../../../packages/core/test/support/acquisition-env.ts';
import { errorSelection, payloadOf, typedErrorOf } from './support/results.ts';

let env: AcquisitionEnv;

async function graphql(query: string, variables: Record<string, unknown> = {}, token = env.apiToken): Promise<{ data?: Record<string, unknown> | null; errors?: unknown[] }> {
  const response = await fetch(`${env.app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
}

const FIELDS =
  'id phase serverType location requestedServerType requestedLocation placementIndex alternatives { serverType location } ' +
  'price { location hourly { net gross currency } monthly { net gross currency } } costSoFar { net gross currency }';
const CREATE = `mutation($input: CreateNodeInput!) { createNode(input: $input) { ... on CreateNodePayload { node { ${FIELDS} } } ${errorSelection({ validation: true, conflict: true, provider: true })} } }`;
const RUN_RATE = 'query { runRate { nodes unpricedNodes monthly { net gross currency } } }';
const DECIMAL = /^\d+\.\d+$/;

type NodeShape = {
  id: string;
  phase: string;
  location: string;
  requestedLocation: string;
  placementIndex: number;
  alternatives: Array<{ serverType: string; location: string }>;
  price: { location: string; hourly: { gross: string; currency: string }; monthly: { gross: string; currency: string } } | null;
  costSoFar: { gross: string; currency: string } | null;
};

let names = 0;
function input(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  names += 1;
  return { providerConnectionId: env.connection.id, name: `priced-${names}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04', ...overrides };
}

async function nodeWhen(id: string, done: (node: NodeShape) => boolean): Promise<NodeShape> {
  // Waits for the worker's events (the env's poll of the row), then reads the node over GraphQL.
  await env.waitForPhase(id, ['READY', 'FAILED']);
  const node = (await graphql(`query($id: ID!) { node(id: $id) { ${FIELDS} events { nodes { kind message } } } }`, { id })).data?.node as NodeShape;
  expect(done(node), JSON.stringify(node)).toBe(true);
  return node;
}

beforeAll(async () => {
  env = await startAcquisitionEnv({ deadlineScale: 0.05 });
});
afterAll(async () => {
  await env?.stop();
});

describe('fallback and prices over GraphQL', () => {
  it('a node refused for capacity in fsn1 is READY in nbg1, shows what was asked for, its price, its cost and counts in the run-rate', async () => {
    const before = (await graphql(RUN_RATE)).data?.runRate as { nodes: number };
    await env.addFault({ method: 'POST', path: '/servers', location: 'fsn1', error: 'resource_unavailable' });
    try {
      const created = payloadOf<{ node: NodeShape }>(await graphql(CREATE, { input: input({ alternatives: [{ location: 'nbg1' }] }) }), 'createNode').node;
      expect(created).toMatchObject({ phase: 'QUEUED', location: 'fsn1', requestedLocation: 'fsn1', placementIndex: 0, alternatives: [{ serverType: 'cx22', location: 'nbg1' }] });
      expect(created.price?.location).toBe('fsn1');
      expect(created.price?.monthly.gross).toMatch(DECIMAL);
      expect(created.costSoFar).toEqual({ gross: '0.00', currency: created.price?.monthly.currency, net: '0.00' });

      const node = await nodeWhen(created.id, (n) => n.phase === 'READY');
      expect(node).toMatchObject({ location: 'nbg1', requestedLocation: 'fsn1', placementIndex: 1 });
      expect(node.price?.location).toBe('nbg1');
      expect(node.costSoFar?.gross).toMatch(DECIMAL);
      expect(Number(node.costSoFar?.gross)).toBeGreaterThan(0);
      const events = (node as unknown as { events: { nodes: Array<{ kind: string; message: string }> } }).events.nodes;
      expect(events.some((event) => event.kind === 'INFO' && /refused cx22 in fsn1 for capacity .*alternative 1 of 1: cx22 in nbg1/.test(event.message))).toBe(true);

      const rate = (await graphql(RUN_RATE)).data?.runRate as { nodes: number; unpricedNodes: number; monthly: Array<{ gross: string; currency: string }> };
      expect(rate.nodes).toBe(before.nodes + 1);
      expect(rate.unpricedNodes).toBe(0);
      expect(rate.monthly[0]?.gross).toMatch(DECIMAL);
      // Another organization's run-rate knows nothing of it.
      const other = await env.testDb.db.organization.create({ data: { name: 'other-prices' } });
      const otherToken = (await mintApiToken(env.testDb.db, { organizationId: other.id, name: 'other' })).token;
      expect((await graphql(RUN_RATE, {}, otherToken)).data?.runRate).toEqual({ nodes: 0, unpricedNodes: 0, monthly: [] });
    } finally {
      await env.clearFaults();
    }
  });

  it('hostile alternatives are ValidationErrors naming the field, never echoing the input', async () => {
    const huge = 'q'.repeat(10 * 1024 * 1024);
    const cases: Array<[unknown, string[]]> = [
      [Array.from({ length: 6 }, () => ({ location: 'nbg1' })), ['input', 'alternatives']],
      [[{ location: 'atlantis' }], ['input', 'alternatives', '0', 'location']],
      [[{ location: 'nbg1\u0000' }], ['input', 'alternatives', '0', 'location']],
      [[{ serverType: huge }], ['input', 'alternatives', '0', 'serverType']],
    ];
    for (const [alternatives, path] of cases) {
      const error = typedErrorOf(await graphql(CREATE, { input: input({ alternatives }) }), 'createNode');
      expect(error).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED', path });
      expect(error.message).not.toContain('qqqqqqqq');
      expect(error.message).not.toContain('\u0000');
      expect(error.message).not.toContain('atlantis');
    }
  });
});
