/**
 * The Hetzner adapter against the simulator, over HTTP: credentials, catalog, the server
 * lifecycle, pagination, labels, action polling and failed actions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHetznerAdapter } from '../src/hetzner/adapter.ts';
import type { HetznerAdapterConfig } from '../src/hetzner/adapter.ts';
import type { CreateServerInput } from '../src/provider.ts';
import { createProviderAdapter } from '../src/registry.ts';
import { refusedPort } from './support/local-servers.ts';
import type { SimProject, Simulator } from './support/simulator.ts';
import { addFault, admin, createProject, requestsOf, startSimulator } from './support/simulator.ts';
import { failure } from './support/failure.ts';

/** Fast polling for the 'fast' simulator (actions take 100–300 ms). */
const TEST_POLL = { initialIntervalMs: 20, maxIntervalMs: 100 };

let sim: Simulator;
let endpoint: string;

beforeAll(async () => {
  sim = await startSimulator('fast');
  endpoint = `${sim.url}/v1`;
});
afterAll(async () => {
  await sim.stop();
});

const adapterFor = (token: string, extra: Partial<HetznerAdapterConfig> = {}) =>
  createHetznerAdapter({ apiEndpoint: endpoint, token, actionPoll: TEST_POLL, ...extra });


const serverInput = (name: string, labels: Record<string, string> = {}): CreateServerInput => ({
  name,
  serverType: 'cx22',
  location: 'fsn1',
  image: 'ubuntu-24.04',
  labels,
  userData: '#cloud-config\nruncmd: [echo hello]\n',
});

describe('validateCredentials', () => {
  let project: SimProject;
  beforeAll(async () => {
    project = await createProject(sim);
  });

  it('VALID for a read & write token, and the write probe changes nothing', async () => {
    expect(await adapterFor(project.token).validateCredentials()).toEqual({ status: 'VALID', error: null });
    const log = await requestsOf(sim, project.id);
    const probe = log.filter((entry) => entry.method === 'POST' && entry.path === '/v1/ssh_keys');
    expect(probe.map((entry) => [entry.status, entry.errorCode])).toEqual([[422, 'invalid_input']]);
    const keys = await fetch(`${endpoint}/ssh_keys`, { headers: { Authorization: `Bearer ${project.token}` } });
    expect(((await keys.json()) as { ssh_keys: unknown[] }).ssh_keys).toEqual([]);
  });

  it('READ_ONLY for a read-only token (401 token_readonly on the probe)', async () => {
    const check = await adapterFor(project.readOnlyToken).validateCredentials();
    expect(check.status).toBe('READ_ONLY');
    expect(check.error).toMatchObject({ code: 'PROVIDER_READ_ONLY_TOKEN', providerCode: 'token_readonly', httpStatus: 401, retryable: false });
    expect(check.error?.requestId).toMatch(/^[0-9a-f]+$/);
  });

  it('INVALID for an unknown token and after revocation', async () => {
    const unknown = await adapterFor('A'.repeat(64)).validateCredentials();
    expect(unknown.status).toBe('INVALID');
    expect(unknown.error).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', providerCode: 'unauthorized', httpStatus: 401 });

    const doomed = await createProject(sim);
    expect((await adapterFor(doomed.token).validateCredentials()).status).toBe('VALID');
    await admin(sim, 'POST', `/_sim/projects/${doomed.id}/revoke-tokens`);
    expect((await adapterFor(doomed.token).validateCredentials()).status).toBe('INVALID');
  });

  it('UNREACHABLE when nothing listens or the API answers 5xx', async () => {
    const port = await refusedPort();
    const refused = await createHetznerAdapter({ apiEndpoint: `http://127.0.0.1:${port}/v1`, token: project.token }).validateCredentials();
    expect(refused.status).toBe('UNREACHABLE');
    expect(refused.error?.code).toBe('PROVIDER_UNREACHABLE');

    const other = await createProject(sim);
    await addFault(sim, { method: 'GET', path: '/servers', projectId: other.id, badGateway: true, times: 1 });
    const gateway = await adapterFor(other.token).validateCredentials();
    expect(gateway.status).toBe('UNREACHABLE');
    expect(gateway.error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', httpStatus: 502 });
  });

  it('RATE_LIMITED when the project has no requests left', async () => {
    const limited = await createProject(sim, { rateLimit: 1, rateBurst: 1 });
    // Spend the only request outside the adapter, so the adapter learns of the limit from a 429.
    await fetch(`${endpoint}/locations`, { headers: { Authorization: `Bearer ${limited.token}` } });
    const check = await adapterFor(limited.token).validateCredentials();
    expect(check.status).toBe('RATE_LIMITED');
    expect(check.error).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', httpStatus: 429, providerCode: 'rate_limit_exceeded', retryable: true });
  });

  it('stops with PROVIDER_CANCELLED when the caller aborts', async () => {
    const error = await failure(adapterFor(project.token).validateCredentials({ signal: AbortSignal.abort() }));
    expect(error.info.code).toBe('PROVIDER_CANCELLED');
  });
});

describe('readCatalog', () => {
  it('reads locations, orderable server types and current system images', async () => {
    const project = await createProject(sim);
    const catalog = await adapterFor(project.token).readCatalog();
    expect(catalog.locations).toContainEqual({ name: 'fsn1', description: 'Falkenstein DC Park 1', country: 'DE', city: 'Falkenstein' });
    const cx22 = catalog.serverTypes.find((type) => type.name === 'cx22');
    expect(cx22).toMatchObject({ cores: 2, memoryGb: 4, diskGb: 40, architecture: 'x86', deprecated: false });
    expect(cx22?.locations).toContain('fsn1');
    // Compare with what the API itself says, not with a copy of the simulator's data.
    const raw = async (path: string) => (await fetch(`${endpoint}${path}`, { headers: { Authorization: `Bearer ${project.token}` } })).json();
    const rawTypes = (await raw('/server_types?per_page=50')) as { server_types: Array<{ name: string; deprecated: boolean; locations: Array<{ name: string; available: boolean }> }> };
    expect(catalog.serverTypes.map((type) => type.name).sort()).toEqual(rawTypes.server_types.map((type) => type.name).sort());
    for (const type of rawTypes.server_types) {
      const mine = catalog.serverTypes.find((t) => t.name === type.name);
      expect(mine?.locations.sort()).toEqual(type.locations.filter((l) => l.available).map((l) => l.name).sort());
    }
    const rawImages = (await raw('/images?include_deprecated=true&per_page=50')) as { images: Array<{ name: string; deprecated: string | null; architecture: string }> };
    const deprecated = rawImages.images.filter((image) => image.deprecated !== null);
    expect(deprecated.length).toBeGreaterThan(0);
    for (const image of deprecated) expect(catalog.images.some((i) => i.name === image.name && i.architecture === image.architecture)).toBe(false);
    expect(catalog.images.length).toBe(rawImages.images.length - deprecated.length);
    expect(catalog.images).toContainEqual({ name: 'ubuntu-24.04', description: 'Ubuntu 24.04', architecture: 'x86' });
  });

  it('keeps every server type price per location as the decimal strings the API gives', async () => {
    const project = await createProject(sim);
    const catalog = await adapterFor(project.token).readCatalog();
    type Money = { net: string; gross: string };
    const raw = (await (await fetch(`${endpoint}/server_types?per_page=50`, { headers: { Authorization: `Bearer ${project.token}` } })).json()) as {
      server_types: Array<{ name: string; prices: Array<{ location: string; price_hourly: Money; price_monthly: Money }> }>;
    };
    for (const type of raw.server_types) {
      const mine = catalog.serverTypes.find((t) => t.name === type.name);
      expect(mine?.prices).toEqual(
        type.prices.map((price) => ({
          location: price.location,
          hourly: { ...price.price_hourly, currency: 'EUR' },
          monthly: { ...price.price_monthly, currency: 'EUR' },
        })),
      );
    }
    expect(catalog.serverTypes.find((t) => t.name === 'cx22')?.prices.find((p) => p.location === 'fsn1')?.monthly.net).toMatch(/^\d+\.\d+$/);
  });
});

describe('server lifecycle', () => {
  it('creates with labels and user data, waits for the action, reads, finds, deletes', async () => {
    const project = await createProject(sim);
    const adapter = adapterFor(project.token);
    const labels = { 'hangar.dev/node': 'node-1', managed: 'hangar' };
    const created = await adapter.createServer(serverInput('node-1', labels));
    expect(created.server).toMatchObject({ name: 'node-1', status: 'initializing', labels });
    expect(created.server.id).toMatch(/^\d+$/);
    expect(created.server.ipv4).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(created.server.ipv6).toMatch(/::\/64$/);

    const progress: number[] = [];
    const done = await adapter.waitForAction(created.actionId, { onProgress: (p) => progress.push(p), deadlineMs: 60_000 });
    expect(done).toEqual({ id: created.actionId, status: 'success', progress: 100, error: null });
    expect(progress.at(-1)).toBe(100);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);

    expect(created.nextActionIds).toHaveLength(1);
    for (const next of created.nextActionIds) expect((await adapter.waitForAction(next, { deadlineMs: 60_000 })).status).toBe('success');
    const read = await adapter.readServer(created.server.id);
    expect(read).toMatchObject({ id: created.server.id, name: 'node-1', status: 'running', labels });
    expect(await adapter.findServersByLabel({ 'hangar.dev/node': 'node-1' })).toEqual([read]);
    expect(await adapter.findServersByLabel({ 'hangar.dev/node': 'node-2' })).toEqual([]);

    const simServers = await admin<{ servers: Array<{ id: number; labels: Record<string, string> }> }>(sim, 'GET', `/_sim/servers?projectId=${project.id}`);
    expect(simServers.servers.map((s) => [String(s.id), s.labels])).toEqual([[created.server.id, labels]]);

    const deleted = await adapter.deleteServer(created.server.id);
    expect(deleted.actionId).toMatch(/^\d+$/);
    expect((await adapter.waitForAction(deleted.actionId as string)).status).toBe('success');
    expect(await adapter.readServer(created.server.id)).toBeNull();
    expect(await adapter.deleteServer(created.server.id)).toEqual({ actionId: null });
    expect(await adapter.findServersByLabel({ 'hangar.dev/node': 'node-1' })).toEqual([]);
  });

  it('readServer of an id that never existed is null; a malformed id is PROVIDER_INVALID_REQUEST', async () => {
    const project = await createProject(sim);
    const adapter = adapterFor(project.token);
    expect(await adapter.readServer('987654321')).toBeNull();
    expect((await failure(adapter.readServer('abc'))).info.code).toBe('PROVIDER_INVALID_REQUEST');
    expect((await failure(adapter.deleteServer('0'))).info.code).toBe('PROVIDER_INVALID_REQUEST');
  });

  it('findServersByLabel reads every page', async () => {
    const project = await createProject(sim, { serverLimit: 70 });
    const adapter = adapterFor(project.token);
    const wanted = 53;
    const ids: string[] = [];
    for (let i = 0; i < wanted; i += 1) ids.push((await adapter.createServer(serverInput(`batch-${i}`, { batch: 'b1', index: String(i) }))).server.id);
    await adapter.createServer(serverInput('other-1', { batch: 'b2' }));
    await adapter.createServer(serverInput('unlabelled'));

    const found = await adapter.findServersByLabel({ batch: 'b1' });
    expect(found.map((server) => server.id).sort()).toEqual([...ids].sort());
    expect(await adapter.findServersByLabel({ batch: 'b1', index: '7' })).toHaveLength(1);
    const listCalls = (await requestsOf(sim, project.id)).filter((entry) => entry.method === 'GET' && entry.path === '/v1/servers');
    expect(listCalls.filter((entry) => entry.query.includes('label_selector=batch%3Db1&')).map((entry) => /page=(\d+)/.exec(entry.query)?.[1])).toEqual(['1', '2']);
  });

  it('rejects invalid labels before sending anything', async () => {
    const project = await createProject(sim);
    const adapter = adapterFor(project.token);
    const before = (await requestsOf(sim, project.id)).length;
    const invalid: Array<Record<string, string>> = [{ 'bad key!': 'x' }, { ok: 'bad value!' }, { 'hetzner.cloud/reserved': 'x' }, { ok: 'x'.repeat(64) }];
    for (const labels of invalid) {
      const error = await failure(adapter.createServer(serverInput('labelled', labels)));
      expect(error.info.code).toBe('PROVIDER_INVALID_REQUEST');
      expect(error.info.httpStatus).toBeNull();
    }
    expect((await failure(adapter.findServersByLabel({}))).info.code).toBe('PROVIDER_INVALID_REQUEST');
    expect((await failure(adapter.createServer({ ...serverInput('big'), userData: 'x'.repeat(32 * 1024 + 1) }))).info.code).toBe('PROVIDER_INVALID_REQUEST');
    expect((await requestsOf(sim, project.id)).length).toBe(before);
  });

  it('maps API refusals of a create: name taken, quota, unknown server type', async () => {
    const project = await createProject(sim, { serverLimit: 1 });
    const adapter = adapterFor(project.token);
    await adapter.createServer(serverInput('only'));
    const taken = await failure(adapter.createServer(serverInput('only')));
    expect(taken.info).toMatchObject({ code: 'PROVIDER_NAME_TAKEN', providerCode: 'uniqueness_error', httpStatus: 409 });
    const quota = await failure(adapter.createServer(serverInput('second')));
    expect(quota.info).toMatchObject({ code: 'PROVIDER_QUOTA_EXCEEDED', providerCode: 'resource_limit_exceeded', httpStatus: 403 });
    const other = await createProject(sim);
    const badType = await failure(adapterFor(other.token).createServer({ ...serverInput('x'), serverType: 'no-such-type' }));
    expect(badType.info.code).toBe('PROVIDER_INVALID_REQUEST');
    expect(badType.info.httpStatus).toBe(422);
  });

  it('a lost answer to a create does not lose the server: it is found by its label', async () => {
    const project = await createProject(sim);
    const adapter = adapterFor(project.token);
    await addFault(sim, { method: 'POST', path: '/servers', projectId: project.id, drop: true, processRequest: true, times: 1 });
    const error = await failure(adapter.createServer(serverInput('lost-answer', { 'hangar.dev/node': 'n-lost' })));
    expect(error.info.code).toBe('PROVIDER_CONNECTION_RESET');
    expect(await adapter.findServersByLabel({ 'hangar.dev/node': 'n-lost' })).toMatchObject([{ name: 'lost-answer' }]);
  });
});

describe('waitForAction', () => {
  it('returns a failed action with its mapped error', async () => {
    const project = await createProject(sim);
    const adapter = adapterFor(project.token);
    await addFault(sim, { projectId: project.id, serverName: 'fails-*', actionError: { atProgress: 40, code: 'placement_error', message: 'no host' } });
    const placement = await adapter.createServer(serverInput('fails-1'));
    const failed = await adapter.waitForAction(placement.actionId, { deadlineMs: 60_000 });
    expect(failed.status).toBe('error');
    expect(failed.progress).toBe(40);
    expect(failed.error).toMatchObject({ code: 'PROVIDER_PLACEMENT_FAILED', providerCode: 'placement_error', retryable: true });
    expect(failed.error?.message).toContain('no host');

    await addFault(sim, { projectId: project.id, serverName: 'odd-*', actionError: { atProgress: 10, code: 'disk_on_fire', message: 'smoke' } });
    const odd = await adapter.waitForAction((await adapter.createServer(serverInput('odd-1'))).actionId);
    expect(odd.error).toMatchObject({ code: 'PROVIDER_ACTION_FAILED', providerCode: 'disk_on_fire' });
  });

  it('fails with PROVIDER_TIMEOUT at the deadline, and backs off while polling', async () => {
    const project = await createProject(sim);
    const adapter = adapterFor(project.token, { actionPoll: { initialIntervalMs: 20, maxIntervalMs: 160, backoffFactor: 2 } });
    await addFault(sim, { projectId: project.id, serverName: 'stuck-*', neverRunning: true });
    const created = await adapter.createServer(serverInput('stuck-1'));
    expect(await adapter.waitForAction(created.actionId)).toMatchObject({ status: 'success' });
    const [start] = created.nextActionIds;
    if (start === undefined) throw new Error('expected a start_server action');
    const before = (await requestsOf(sim, project.id)).length;
    const started = Date.now();
    const error = await failure(adapter.waitForAction(start, { deadlineMs: 700 }));
    const elapsed = Date.now() - started;
    // The deadline ended the wait (the action never finishes, so nothing else could), and not early.
    expect(error.info.code).toBe('PROVIDER_TIMEOUT');
    expect(error.info.message).toContain(`action ${start} still running`);
    expect(error.info.message).toContain('(deadline 700 ms');
    expect(elapsed).toBeGreaterThanOrEqual(650);
    // 20, 40, 80, 160, 160, … ms: about 7 polls in 700 ms; without backoff there would be ~35.
    const polls = (await requestsOf(sim, project.id)).slice(before).filter((entry) => entry.path === `/v1/actions/${start}`);
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(polls.length).toBeLessThanOrEqual(10);
  });

  it('stops with PROVIDER_CANCELLED when the signal aborts', async () => {
    const project = await createProject(sim);
    const adapter = adapterFor(project.token);
    await addFault(sim, { projectId: project.id, serverName: 'forever-*', neverRunning: true });
    const created = await adapter.createServer(serverInput('forever-1'));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const error = await failure(adapter.waitForAction(created.nextActionIds[0] ?? 'missing', { signal: controller.signal }));
    expect(error.info.code).toBe('PROVIDER_CANCELLED');
  });

  it('rides out a transient failure while polling, and gives up on a lasting one', async () => {
    const project = await createProject(sim);
    const adapter = adapterFor(project.token);
    const created = await adapter.createServer(serverInput('blip-1'));
    await addFault(sim, { method: 'GET', path: `/actions/${created.actionId}`, projectId: project.id, badGateway: true, times: 2 });
    expect((await adapter.waitForAction(created.actionId, { deadlineMs: 60_000 })).status).toBe('success');

    const other = await adapterFor(project.token).createServer(serverInput('outage-1'));
    const outage = await addFault(sim, { method: 'GET', path: `/actions/${other.actionId}`, projectId: project.id, error: 'server_error' });
    const error = await failure(adapter.waitForAction(other.actionId, { deadlineMs: 60_000 }));
    expect(error.info).toMatchObject({ code: 'PROVIDER_SERVER_ERROR', providerCode: 'server_error', httpStatus: 500 });
    await admin(sim, 'DELETE', `/_sim/faults/${outage}`);

    await addFault(sim, { method: 'GET', path: '/actions/*', projectId: project.id, error: 'unauthorized' });
    const fatal = await failure(adapter.waitForAction(other.actionId));
    expect(fatal.info.code).toBe('PROVIDER_AUTH_FAILED');
  });
});

describe('registry', () => {
  it('creates a Hetzner adapter by kind and refuses unknown kinds', async () => {
    const project = await createProject(sim);
    const adapter = createProviderAdapter({ kind: 'HETZNER', apiEndpoint: endpoint, token: project.token, connectionId: 'conn-registry' });
    expect(adapter.kind).toBe('HETZNER');
    expect((await adapter.validateCredentials()).status).toBe('VALID');
    const unknownKind = { kind: 'AWS', apiEndpoint: endpoint, token: project.token } as unknown as Parameters<typeof createProviderAdapter>[0];
    expect(() => createProviderAdapter(unknownKind)).toThrow(/unknown provider kind "AWS"/);
    for (const apiEndpoint of ['', 'api.hetzner.cloud/v1', 'ftp://example.com/v1']) {
      expect(() => createProviderAdapter({ kind: 'HETZNER', apiEndpoint, token: project.token })).toThrow(/not an http\(s\) URL/);
    }
  });
});
