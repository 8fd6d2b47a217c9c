import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiToken, mintApiToken } from '@hangar/core/api-tokens';
import { startTestApi, type TestApi } from './api-harness.ts';

let api: TestApi;
beforeAll(async () => { api = await startTestApi(); });
afterAll(async () => { await api.stop(); });

const VIEWER = '{ viewer { organization { name } token { name } } }';

describe('bearer API tokens', () => {
  it('answers the viewer for a valid token', async () => {
    const { status, body } = await api.graphql(VIEWER);
    expect(status).toBe(200);
    expect(body.data).toEqual({ viewer: { organization: { name: 'acme' }, token: { name: 'test' } } });
  });

  it.each([
    ['no token', null, /missing API token/],
    ['an unknown token', 'hgr_not-a-real-token', /invalid or revoked/],
    ['a token without the hgr_ prefix', 'abc', /invalid or revoked/],
  ])('rejects %s with UNAUTHENTICATED, never a 500', async (_label, token, message) => {
    const { status, body } = await api.graphql(VIEWER, undefined, token);
    expect(status).toBe(200);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toMatch(message);
  });

  it('rejects a revoked token', async () => {
    const { id, token } = await mintApiToken(api.testDb.db, { organizationId: api.organizationId, name: 'short-lived' });
    expect((await api.graphql(VIEWER, undefined, token)).body.data).toBeTruthy();
    expect(await revokeApiToken(api.testDb.db, id)).toBe(true);
    const { body } = await api.graphql(VIEWER, undefined, token);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('stores only a hash of each token', async () => {
    const rows = await api.testDb.db.apiToken.findMany();
    for (const row of rows) expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(api.token);
  });
});

describe('query limits and bad requests', () => {
  it('rejects a query 30 levels deep with QUERY_TOO_COMPLEX', async () => {
    expect((await api.graphql('{ viewer { organization { id } } }')).body.errors).toBeUndefined();
    const nested = `query { ${'a: viewer { '.repeat(1)}${'organization { '.repeat(28)}id${' }'.repeat(29)} }`;
    const { status, body } = await api.graphql(nested);
    expect(status).toBeLessThan(500);
    expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(body.errors?.every((error) => error.extensions?.code === 'QUERY_TOO_COMPLEX')).toBe(true);
    expect(body.errors?.map((error) => error.message).join('\n')).toMatch(/(Depth|Cost) limit of \d+ exceeded/i);
  });

  it('rejects too many aliases with QUERY_TOO_COMPLEX', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `v${i}: viewer { organization { id } }`).join(' ');
    const { body } = await api.graphql(`{ ${aliases} }`);
    expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('gives unknown fields and syntax errors BAD_REQUEST without a stack trace', async () => {
    for (const query of ['{ viewer { nope } }', '{ viewer {']) {
      const { status, body } = await api.graphql(query);
      expect(status).toBeLessThan(500);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(JSON.stringify(body)).not.toMatch(/\bat .*\.ts:\d+/);
    }
  });
});

describe('readiness', () => {
  it('answers /readyz 200 when migrated and started, with a request id header', async () => {
    const response = await fetch(`${api.app.url}/readyz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('errors never echo a submitted value', () => {
  it('redacts the value from variable coercion errors', async () => {
    const secret = 'a'.repeat(64);
    const { status, body } = await api.graphql('query ($n: Int) { nodes(first: $n) { edges { cursor } } }', { n: secret });
    expect(status).toBeLessThan(500);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(body.errors?.[0]?.message).toMatch(/invalid value/);
    expect(JSON.stringify(body)).not.toContain(secret);
  });

  it('redacts the value from literal type errors', async () => {
    const secret = 'b'.repeat(64);
    const { body } = await api.graphql(`{ nodes(first: "${secret}") { edges { cursor } } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(body)).not.toContain(secret);
  });
});
