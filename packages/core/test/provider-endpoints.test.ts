/**
 * SSRF: a connection's endpoint must be on the allow-list (the public API, the operator's
 * HANGAR_PROVIDER_ENDPOINTS); loopback and private targets are refused before any request;
 * redirects are not followed; an answer that is not the provider's is never quoted.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import { readConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createConnection, type ConnectionActor } from '../src/provider-connections.ts';
import { allowedEntry, isNonPublicAddress } from '../src/provider-endpoints.ts';
import { allowProviderEndpoint, createTestDeps, type TestDeps } from '../src/testing/test-deps.ts';

const TOKEN = 'a'.repeat(64);
/** What the hostile local server answers; it must never reach an error or a column. */
const BODY_MARKER = 'INTERNAL-ADMIN-PAGE-7f3a';

let testDb: TestDatabase;
let deps: TestDeps;
let actor: ConnectionActor;
let hits: string[];
let server: Server;
let base: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  deps = await createTestDeps(testDb, createLogger({ level: 'silent', destination: new Writable({ write(_c, _e, done) { done(); } }) }));
  const organization = await testDb.db.organization.create({ data: { name: 'ssrf' } });
  actor = { organizationId: organization.id, apiTokenId: null };
  hits = [];
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url?.startsWith('/redirect')) res.writeHead(302, { location: `${base}/target/v1/servers` }).end();
    else res.writeHead(200, { 'content-type': 'text/html' }).end(`<html>${BODY_MARKER}</html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await deps.stop();
  await testDb.drop();
});

describe('provider endpoint allow-list', () => {
  it.each([
    ['a loopback port (Postgres)', () => `${base}/`],
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data'],
    ['a private range', () => 'http://10.0.0.1/v1'],
    ['IPv6 loopback', () => 'http://[::1]:5432/'],
    ['a look-alike of an allowed entry', () => `${base}.evil.example/v1`],
  ])('refuses %s with VALIDATION_FAILED on apiEndpoint, before any request', async (_what, endpoint) => {
    const before = hits.length;
    await expect(createConnection(deps, actor, { name: `x-${hits.length}-${Math.random()}`, kind: 'HETZNER', token: TOKEN, apiEndpoint: endpoint() }))
      .rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'apiEndpoint' });
    expect(hits.length).toBe(before);
  });

  it('follows no redirect, and quotes no body of an answer that is not the provider’s', async () => {
    allowProviderEndpoint(deps, `${base}/redirect`);
    allowProviderEndpoint(deps, `${base}/html`);
    const redirected = await createConnection(deps, actor, { name: 'redirected', kind: 'HETZNER', token: TOKEN, apiEndpoint: `${base}/redirect/v1` });
    expect(redirected.credentialStatus).not.toBe('VALID');
    expect(hits.some((url) => url.startsWith('/target'))).toBe(false);
    const html = await createConnection(deps, actor, { name: 'html', kind: 'HETZNER', token: TOKEN, apiEndpoint: `${base}/html/v1` });
    expect(html.credentialStatus).not.toBe('VALID');
    expect(JSON.stringify(html.credentialError)).not.toContain(BODY_MARKER);
    const rows = await testDb.db.providerConnection.findMany();
    expect(JSON.stringify(rows)).not.toContain(BODY_MARKER);
  });

  it('matches entries by scheme, host, port and path prefix', () => {
    const config = readConfig({ HANGAR_PROVIDER_ENDPOINTS: 'http://127.0.0.1:4010/v1, https://proxy.internal/hetzner/' });
    expect(allowedEntry(config, 'HETZNER', 'http://127.0.0.1:4010/v1')?.operator).toBe(true);
    expect(allowedEntry(config, 'HETZNER', 'https://proxy.internal/hetzner/v1')?.operator).toBe(true);
    expect(allowedEntry(config, 'HETZNER', 'https://api.hetzner.cloud/v1')?.operator).toBe(false);
    expect(allowedEntry(config, 'HETZNER', 'http://127.0.0.1:4011/v1')).toBeNull();
    expect(allowedEntry(config, 'HETZNER', 'http://127.0.0.1:4010/v10')).toBeNull();
    expect(allowedEntry(config, 'HETZNER', 'http://api.hetzner.cloud/v1')).toBeNull();
  });

  it('knows the non-public ranges', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '100.64.0.1']) {
      expect(isNonPublicAddress(address), address).toBe(true);
    }
    for (const address of ['95.216.1.1', '2a01:4f8::1', '8.8.8.8']) expect(isNonPublicAddress(address), address).toBe(false);
  });
});
