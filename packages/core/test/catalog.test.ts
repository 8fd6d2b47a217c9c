/**
 * The stored catalog (catalog.ts) with real Postgres and the simulator over HTTP: a read never
 * calls the provider, a refresh stores it for the token it was read with, a refused refresh
 * keeps the last good one, and a miss refreshes at most once.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import { CATALOG_MISS_REFRESH_MIN_AGE_MS, checkAgainstCatalog, readStoredCatalog, refreshCatalog, refreshConnectionCatalog } from '../src/catalog.ts';
import { createLogger } from '../src/logger.ts';
import { createConnection, rotateToken, type ConnectionActor } from '../src/provider-connections.ts';
import { allowProviderEndpoint, createTestDeps, type TestDeps } from '../src/testing/test-deps.ts';
import { admin, createProject, requestsOf, startSimulator, type SimProject, type Simulator } from '../../providers/test/support/simulator.ts';

let testDb: TestDatabase;
let deps: TestDeps;
let sim: Simulator;
let endpoint: string;
let actor: ConnectionActor;
let names = 0;
const name = () => `catalog-${(names += 1)}`;
const CX22_FSN1 = { serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' };

beforeAll(async () => {
  [testDb, sim] = await Promise.all([createTestDatabase(), startSimulator('instant')]);
  deps = await createTestDeps(testDb, createLogger({ level: 'warn', destination: new Writable({ write(_chunk, _encoding, done) { done(); } }) }));
  endpoint = `${sim.url}/v1`;
  allowProviderEndpoint(deps, endpoint);
  const organization = await testDb.db.organization.create({ data: { name: 'catalog-org' } });
  actor = { organizationId: organization.id, apiTokenId: null };
});
afterAll(async () => {
  await deps.stop();
  await Promise.all([testDb.drop(), sim.stop()]);
});

async function connectionOf(project: SimProject) {
  return createConnection(deps, actor, { name: name(), kind: 'HETZNER', token: project.token, apiEndpoint: endpoint });
}

/** GETs of the catalog's resources the project received. */
async function catalogReads(project: SimProject): Promise<number> {
  return (await requestsOf(sim, project.id)).filter((entry) => entry.method === 'GET' && ['/v1/locations', '/v1/server_types', '/v1/images'].includes(entry.path)).length;
}

describe('refreshCatalog', () => {
  it('stores what the provider offers, with prices, and serves it without a provider call', async () => {
    const project = await createProject(sim);
    const connection = await connectionOf(project);
    expect(await readStoredCatalog(deps, connection)).toBeNull();

    const fresh = await refreshCatalog(deps, connection);
    expect(fresh?.locations.map((location) => location.name)).toContain('fsn1');
    const reads = await catalogReads(project);
    expect(reads).toBe(3);

    const stored = await readStoredCatalog(deps, connection);
    expect(stored).toEqual(fresh);
    const cx22 = stored?.serverTypes.find((type) => type.name === 'cx22');
    expect(cx22?.prices.find((price) => price.location === 'fsn1')).toMatchObject({
      hourly: { net: expect.stringMatching(/^\d+\.\d+$/), gross: expect.stringMatching(/^\d+\.\d+$/), currency: 'EUR' },
      monthly: { currency: 'EUR' },
    });
    expect(await catalogReads(project)).toBe(reads);
  });

  it('shares one provider read among concurrent refreshes of a connection', async () => {
    const project = await createProject(sim);
    const connection = await connectionOf(project);
    const [first, second] = await Promise.all([refreshCatalog(deps, connection), refreshCatalog(deps, connection)]);
    expect(second).toBe(first);
    expect(await catalogReads(project)).toBe(3);
  });

  it('serves a catalog only for the token it was read with', async () => {
    const project = await createProject(sim);
    const connection = await connectionOf(project);
    await refreshCatalog(deps, connection);
    const fresh = await admin<{ token: string }>(sim, 'POST', `/_sim/projects/${project.id}/tokens`, { readOnly: false });
    const rotated = await rotateToken(deps, actor, connection.id, fresh.token);
    expect(await readStoredCatalog(deps, rotated)).toBeNull();
    // A refresh that read with the old token (it raced the rotation) stores nothing.
    expect(await refreshCatalog(deps, connection)).toBeNull();
    expect(await readStoredCatalog(deps, rotated)).toBeNull();
    expect(await refreshCatalog(deps, rotated)).not.toBeNull();
    expect(await readStoredCatalog(deps, rotated)).not.toBeNull();
  });

  it('keeps the last good catalog when the provider refuses the token, and marks the connection INVALID', async () => {
    const project = await createProject(sim);
    const connection = await connectionOf(project);
    const good = await refreshCatalog(deps, connection);
    await admin(sim, 'POST', `/_sim/projects/${project.id}/revoke-tokens`);
    await expect(refreshCatalog(deps, connection)).rejects.toMatchObject({ code: 'PROVIDER_AUTH_FAILED', details: { provider: { httpStatus: 401 } } });
    expect((await testDb.db.providerConnection.findUniqueOrThrow({ where: { id: connection.id } })).credentialStatus).toBe('INVALID');
    expect(await readStoredCatalog(deps, connection)).toEqual(good);
  });

  it('audits a caller’s refresh and refuses another organization’s connection as NOT_FOUND', async () => {
    const project = await createProject(sim);
    const connection = await connectionOf(project);
    const refreshed = await refreshConnectionCatalog(deps, actor, connection.id);
    expect(refreshed.id).toBe(connection.id);
    expect(await testDb.db.auditEvent.findFirst({ where: { targetId: connection.id, action: 'provider_connection.refresh_catalog' } })).toMatchObject({ details: { outcome: 'REFRESHED' } });
    const other = await testDb.db.organization.create({ data: { name: 'catalog-other-org' } });
    await expect(refreshConnectionCatalog(deps, { organizationId: other.id, apiTokenId: null }, connection.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(refreshConnectionCatalog(deps, actor, 'not-a-uuid\u0000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('checkAgainstCatalog', () => {
  it('reads the catalog once when none is stored, then answers from the stored one', async () => {
    const project = await createProject(sim);
    const connection = await connectionOf(project);
    expect((await checkAgainstCatalog(deps, connection, CX22_FSN1)).problem).toBeNull();
    expect(await catalogReads(project)).toBe(3);
    expect((await checkAgainstCatalog(deps, connection, CX22_FSN1)).problem).toBeNull();
    expect((await checkAgainstCatalog(deps, connection, { ...CX22_FSN1, location: 'nowhere' })).problem).toMatchObject({ field: 'location', kind: 'unknown' });
    // The catalog was just read: a made-up name does not read it again.
    expect(await catalogReads(project)).toBe(3);
  });

  it('refreshes once on a miss when the stored catalog is older than the minimum age', async () => {
    const project = await createProject(sim);
    const connection = await connectionOf(project);
    const stored = await refreshCatalog(deps, connection);
    // A stale catalog that does not list cx22 yet.
    const serverTypes = (stored?.serverTypes ?? []).filter((type) => type.name !== 'cx22');
    await testDb.db.providerCatalog.update({
      where: { providerConnectionId: connection.id },
      data: { serverTypes, fetchedAt: new Date(Date.now() - CATALOG_MISS_REFRESH_MIN_AGE_MS - 1_000) },
    });
    const checked = await checkAgainstCatalog(deps, connection, CX22_FSN1);
    expect(checked.problem).toBeNull();
    expect(await catalogReads(project)).toBe(6);
    expect((await readStoredCatalog(deps, connection))?.serverTypes.some((type) => type.name === 'cx22')).toBe(true);
    // Still a miss after the refresh: the problem, and no further read.
    expect((await checkAgainstCatalog(deps, connection, { ...CX22_FSN1, serverType: 'cx9999' })).problem).toMatchObject({ field: 'serverType' });
    expect(await catalogReads(project)).toBe(6);
  });
});
