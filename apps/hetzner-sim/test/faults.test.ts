import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request, waitFor } from './support/http.ts';
import { validateResponse } from './support/openapi.ts';
import { type TestSim, startTestSim } from './support/sim.ts';

/** Every request fault kind, rule matching and expiry, seeded probability, and server faults. */
let t: TestSim;
let project: { id: number; token: string };
let api: ReturnType<TestSim['api']>;

beforeAll(async () => {
  t = await startTestSim({ speed: 'fast', seed: 99 });
});
beforeEach(async () => {
  await t.admin('DELETE', '/faults');
  project = await t.project();
  api = t.api(project.token);
});
afterAll(async () => {
  await t.sim.stop();
});

async function addFault(rule: Record<string, unknown>): Promise<number> {
  const res = await t.admin('POST', '/faults', rule);
  expect(res.status, res.text).toBe(201);
  return res.json.fault.id as number;
}

describe('request faults', () => {
  it('answers a Hetzner error `times` times, with the status from the code table, then expires', async () => {
    const id = await addFault({ method: 'GET', path: '/locations', error: { code: 'conflict', message: 'try again' }, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await api('GET', '/locations');
      expect(res.status).toBe(409);
      expect(res.json).toEqual({ error: { code: 'conflict', message: 'try again', details: null } });
      expect(validateResponse('GET', '/locations', 409, res.headers['content-type'], res.text)).toEqual([]);
      expect(res.headers['x-correlation-id']).toBeDefined();
      expect(res.headers['ratelimit-remaining']).toBeDefined();
    }
    expect((await api('GET', '/locations')).status).toBe(200);
    expect((await t.admin('GET', '/faults')).json.faults.map((f: { id: number }) => f.id)).not.toContain(id);
    const log = (await t.admin('GET', `/requests?projectId=${project.id}`)).json.requests;
    expect(log.filter((e: { faultId: number | null }) => e.faultId === id)).toHaveLength(2);
  });

  it('answers 422 placement_error on POST /servers, as the spec documents for that operation', async () => {
    await addFault({ method: 'POST', path: '/servers', error: 'placement_error', times: 1 });
    const res = await api('POST', '/servers', { name: 'p', server_type: 'cx22', image: 'ubuntu-24.04' });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('placement_error');
    expect((await t.admin('GET', `/servers?projectId=${project.id}`)).json.servers).toEqual([]);
  });

  it('a rule naming a location refuses only creates in that location (capacity per location)', async () => {
    await addFault({ method: 'POST', path: '/servers', location: 'fsn1', error: { code: 'resource_unavailable', message: 'no capacity in fsn1' } });
    const refused = await api('POST', '/servers', { name: 'cap-a', server_type: 'cx22', image: 'ubuntu-24.04', location: 'fsn1' });
    expect(refused.status).toBe(412);
    expect(refused.json.error.code).toBe('resource_unavailable');
    expect(validateResponse('POST', '/servers', 412, refused.headers['content-type'], refused.text)).toEqual([]);
    const byDatacenter = await api('POST', '/servers', { name: 'cap-b', server_type: 'cx22', image: 'ubuntu-24.04', datacenter: 'fsn1-dc14' });
    expect(byDatacenter.status).toBe(412);
    const elsewhere = await api('POST', '/servers', { name: 'cap-c', server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1' });
    expect(elsewhere.status, elsewhere.text).toBe(201);
    expect(elsewhere.json.server.datacenter.location.name).toBe('nbg1');
    const names = (await t.admin('GET', `/servers?projectId=${project.id}`)).json.servers.map((s: { name: string }) => s.name);
    expect(names).toEqual(['cap-c']);
  });

  it('refuses a location matcher outside request rules on POST /servers', async () => {
    const res = await t.admin('POST', '/faults', { method: 'GET', path: '/servers', location: 'fsn1', error: 'resource_unavailable' });
    expect(res.status).toBe(422);
    const server = await t.admin('POST', '/faults', { location: 'fsn1', neverRunning: true });
    expect(server.status).toBe(422);
  });

  it('matches by glob (with or without /v1), by regex, by method and by project', async () => {
    await addFault({ path: '/v1/servers/*', error: 'server_error' });
    await addFault({ method: 'DELETE', pathRegex: '^/ssh_keys/[0-9]+$', error: { code: 'maintenance' } });
    const other = await t.project();
    await addFault({ path: '/images', projectId: other.id, error: 'unavailable' });
    expect((await api('GET', '/servers/42')).status).toBe(500);
    expect((await api('GET', '/servers')).status).toBe(200);
    expect((await api('GET', '/ssh_keys/5')).status).toBe(404);
    expect((await api('DELETE', '/ssh_keys/5')).status).toBe(403);
    expect((await api('GET', '/images')).status).toBe(200);
    expect((await t.api(other.token)('GET', '/images')).status).toBe(503);
  });

  it('applies `probability` from the seeded PRNG: the same seed replays the same decisions', async () => {
    const pattern = async (sim: TestSim): Promise<string> => {
      await sim.admin('POST', '/reset');
      const { token } = await sim.project();
      await sim.admin('POST', '/faults', { path: '/server_types', error: 'server_error', probability: 0.5 });
      let out = '';
      for (let i = 0; i < 40; i++) out += (await sim.api(token)('GET', '/server_types')).status === 500 ? 'x' : '.';
      return out;
    };
    const twin = await startTestSim({ speed: 'fast', seed: 99 });
    const stranger = await startTestSim({ speed: 'fast', seed: 100 });
    try {
      const first = await pattern(twin);
      expect(first.split('x').length - 1).toBeGreaterThan(5);
      expect(first.split('x').length - 1).toBeLessThan(35);
      expect(await pattern(twin)).toBe(first);
      expect(await pattern(stranger)).not.toBe(first);
    } finally {
      await twin.sim.stop();
      await stranger.sim.stop();
    }
  });

  it('adds latency with delayMs', async () => {
    const id = await addFault({ path: '/locations/*', delayMs: 300, times: 1 });
    const started = Date.now();
    const res = await api('GET', '/locations/1');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await t.admin('GET', '/faults')).json.faults.map((f: { id: number }) => f.id)).not.toContain(id);
    await api('GET', '/locations/1');
    const log = (await t.admin('GET', `/requests?projectId=${project.id}`)).json.requests;
    expect(log.map((e: { faultId: number | null }) => e.faultId)).toEqual([id, null]);
    expect(log[0].durationMs).toBeGreaterThanOrEqual(290);
  });

  it('drops the connection without an answer', async () => {
    await addFault({ path: '/locations', drop: true, times: 1 });
    await expect(api('GET', '/locations')).rejects.toThrow(/socket hang up|ECONNRESET/);
    const log = (await t.admin('GET', `/requests?projectId=${project.id}`)).json.requests;
    expect(log.at(-1)).toMatchObject({ path: '/v1/locations', status: null });
  });

  it('hangs past the client timeout and keeps serving others', async () => {
    await addFault({ path: '/images', hang: true, times: 1 });
    await expect(request(`${t.url}/v1/images`, { headers: { Authorization: `Bearer ${project.token}` }, timeoutMs: 300 })).rejects.toThrow(/timeout/);
    expect((await api('GET', '/images')).status).toBe(200);
  });

  it('sends malformed JSON with a 200', async () => {
    await addFault({ path: '/locations', malformedJson: true, times: 1 });
    const res = await api('GET', '/locations');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it('sends a non-JSON 502 like a broken gateway', async () => {
    await addFault({ path: '/servers', badGateway: true, times: 1 });
    const res = await api('GET', '/servers');
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toMatch(/502 Bad Gateway/);
  });

  it('can perform the request before failing it (processRequest): the server exists, the answer is lost', async () => {
    await addFault({ method: 'POST', path: '/servers', drop: true, processRequest: true, times: 1 });
    await expect(api('POST', '/servers', { name: 'ghost', server_type: 'cx22', image: 'ubuntu-24.04' })).rejects.toThrow();
    const listed = await api('GET', '/servers?name=ghost');
    expect(listed.json.servers).toHaveLength(1);
  });

  it('refuses rules that make no sense', async () => {
    const both = await t.admin('POST', '/faults', { path: '/servers', drop: true, hang: true });
    expect(both.status).toBe(422);
    expect(both.json.error.code).toBe('invalid_input');
    expect((await t.admin('POST', '/faults', { path: '/servers' })).status).toBe(422);
    expect((await t.admin('POST', '/faults', { error: 'made_up_code' })).status).toBe(422);
    expect((await t.admin('POST', '/faults', { error: { code: 'made_up_code', status: 418 }, times: 1 })).status).toBe(201);
    expect((await t.admin('POST', '/faults', { neverRunning: true, drop: true })).status).toBe(422);
    expect((await t.admin('POST', '/faults', { pathRegex: '([', drop: true })).status).toBe(422);
  });

  it('lists, deletes one and clears all rules', async () => {
    const a = await addFault({ path: '/a', drop: true });
    await addFault({ path: '/b', drop: true });
    expect((await t.admin('GET', '/faults')).json.faults).toHaveLength(2);
    expect((await t.admin('DELETE', `/faults/${a}`)).status).toBe(204);
    expect((await t.admin('DELETE', `/faults/${a}`)).status).toBe(404);
    expect((await t.admin('DELETE', '/faults')).json.cleared).toBe(1);
    expect((await t.admin('GET', '/faults')).json.faults).toEqual([]);
  });
});

describe('server faults', () => {
  it('ends the create action in error at the given progress (actionError)', async () => {
    await addFault({ actionError: { atProgress: 40, code: 'server_error', message: 'host failed' }, times: 1 });
    const created = await api('POST', '/servers', { name: 'doomed', server_type: 'cx22', image: 'ubuntu-24.04' });
    expect(created.status).toBe(201);
    expect(created.json.action.status).toBe('running');
    const actionId = created.json.action.id as number;
    const failed = await waitFor(async () => {
      const a = (await api('GET', `/actions/${actionId}`)).json.action;
      return a.status === 'running' ? undefined : a;
    }, 'create action to end');
    expect(failed).toMatchObject({ status: 'error', progress: 40, error: { code: 'server_error', message: 'host failed' } });
    expect(failed.finished).not.toBeNull();
    const start = (await api('GET', `/actions/${created.json.next_actions[0].id}`)).json.action;
    expect(start.status).toBe('error');
    expect((await api('GET', `/servers/${created.json.server.id}`)).json.server.status).toBe('off');
    // The rule had times: 1, so the next server is healthy.
    const next = await api('POST', '/servers', { name: 'fine', server_type: 'cx22', image: 'ubuntu-24.04' });
    await waitFor(async () => ((await api('GET', `/actions/${next.json.action.id}`)).json.action.status === 'success' ? true : undefined), 'healthy create');
  });

  it('keeps a server from ever reaching running (neverRunning), only for matching names', async () => {
    await addFault({ neverRunning: true, serverName: 'stuck-*' });
    const stuck = await api('POST', '/servers', { name: 'stuck-1', server_type: 'cx22', image: 'ubuntu-24.04' });
    const healthy = await api('POST', '/servers', { name: 'healthy-1', server_type: 'cx22', image: 'ubuntu-24.04' });
    // The healthy server, created after the stuck one, is running: the stuck one would be too.
    await waitFor(async () => ((await api('GET', `/servers/${healthy.json.server.id}`)).json.server.status === 'running' ? true : undefined), 'healthy server running');
    expect((await api('GET', `/servers/${stuck.json.server.id}`)).json.server.status).toBe('starting');
    expect((await api('GET', `/actions/${stuck.json.action.id}`)).json.action.status).toBe('success');
    const start = (await api('GET', `/actions/${stuck.json.next_actions[0].id}`)).json.action;
    expect(start.status).toBe('running');
    expect(start.progress).toBeLessThan(100);
    const admin = (await t.admin('GET', `/servers?projectId=${project.id}`)).json.servers;
    expect(admin.find((s: { name: string }) => s.name === 'stuck-1').faultRuleIds).toHaveLength(1);
    expect(admin.find((s: { name: string }) => s.name === 'healthy-1').faultRuleIds).toEqual([]);
    // It can still be deleted.
    expect((await api('DELETE', `/servers/${stuck.json.server.id}`)).status).toBe(200);
  });
});
