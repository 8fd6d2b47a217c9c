import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, waitFor } from './support/http.ts';
import { type TestSim, startTestSim } from './support/sim.ts';

/** The /_sim admin API: projects and tokens, the server view, the request log, reset. */
let t: TestSim;

beforeAll(async () => {
  t = await startTestSim({ speed: 'fast', seed: 13 });
});
afterAll(async () => {
  await t.sim.stop();
});

describe('admin API', () => {
  it('creates projects with a read-write and a read-only 64-character token', async () => {
    const res = await t.admin('POST', '/projects', { name: 'acme', rateLimit: 100, serverLimit: 2 });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ project: { id: expect.any(Number), name: 'acme' }, token: expect.stringMatching(/^[A-Za-z0-9]{64}$/), readOnlyToken: expect.stringMatching(/^[A-Za-z0-9]{64}$/) });
    expect(res.json.token).not.toBe(res.json.readOnlyToken);
    expect(res.headers['x-correlation-id']).toBeDefined();
    const listed = (await t.admin('GET', '/projects')).json.projects;
    expect(listed).toContainEqual({ id: res.json.project.id, name: 'acme', rateLimit: 100, rateBurst: 100, serverLimit: 2, tokens: 2 });
    expect((await t.admin('POST', '/projects', {})).json.error.details.fields[0].name).toBe('name');
    expect((await t.admin('POST', '/projects', { name: 'x', rateLimit: 0 })).status).toBe(422);
    expect((await t.admin('PATCH', '/projects/999', { serverLimit: 1 })).status).toBe(404);
    expect((await t.admin('PUT', '/projects')).status).toBe(405);
    expect((await t.admin('GET', '/nothing')).status).toBe(404);
  });

  it('changes the server limit of a project', async () => {
    const { id, token } = await t.project();
    expect((await t.admin('PATCH', `/projects/${id}`, { serverLimit: 0 })).json.project.serverLimit).toBe(0);
    const refused = await t.api(token)('POST', '/servers', { name: 'a', server_type: 'cx22', image: 'debian-12' });
    expect(refused.json.error).toMatchObject({ code: 'resource_limit_exceeded', details: { limits: [{ name: 'server_limit' }] } });
    await t.admin('PATCH', `/projects/${id}`, { serverLimit: 1 });
    expect((await t.api(token)('POST', '/servers', { name: 'a', server_type: 'cx22', image: 'debian-12' })).status).toBe(201);
  });

  it('revokes every token of a project and issues new ones', async () => {
    const { id, token, readOnlyToken } = await t.project();
    expect((await t.api(token)('GET', '/locations')).status).toBe(200);
    const revoked = await t.admin('POST', `/projects/${id}/revoke-tokens`);
    expect(revoked.json.revoked).toBe(2);
    for (const old of [token, readOnlyToken]) {
      const res = await t.api(old)('GET', '/locations');
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe('unauthorized');
    }
    const fresh = await t.admin('POST', `/projects/${id}/tokens`, { readOnly: true });
    expect(fresh.status).toBe(201);
    expect((await t.api(fresh.json.token)('GET', '/locations')).status).toBe(200);
    expect((await t.api(fresh.json.token)('POST', '/ssh_keys', {})).json.error.code).toBe('token_readonly');
  });

  it('shows every server ever made, deleted ones on request', async () => {
    const { id, token } = await t.project();
    const api = t.api(token);
    const keep = await api('POST', '/servers', { name: 'keep', server_type: 'cx22', image: 'debian-12', labels: { team: 'a' } });
    const drop = await api('POST', '/servers', { name: 'drop', server_type: 'cx22', image: 'debian-12' });
    await api('DELETE', `/servers/${drop.json.server.id}`);
    await waitFor(async () => ((await api('GET', `/servers/${drop.json.server.id}`)).status === 404 ? true : undefined), 'gone');
    const live = (await t.admin('GET', `/servers?projectId=${id}`)).json.servers;
    expect(live.map((s: { name: string }) => s.name)).toEqual(['keep']);
    const all = (await t.admin('GET', `/servers?projectId=${id}&includeDeleted=true`)).json.servers;
    expect(all).toEqual([
      expect.objectContaining({ id: keep.json.server.id, projectId: id, name: 'keep', labels: { team: 'a' }, deleted: false, deletedAt: null }),
      expect.objectContaining({ id: drop.json.server.id, projectId: id, name: 'drop', status: 'deleted', deleted: true, deletedAt: expect.stringMatching(/^\d{4}-/) }),
    ]);
  });

  it('logs requests without ever storing a token', async () => {
    const { id, token, readOnlyToken } = await t.project();
    const res = await t.api(token)('GET', `/servers?name=x&token=${token}&other=${readOnlyToken}`);
    await request(`${t.url}/v1/${token}`, { headers: { Authorization: `Bearer ${token}` } });
    await request(`${t.url}/v1/locations`, { headers: { Authorization: `Bearer ${'z'.repeat(64)}` } });
    const log = (await t.admin('GET', '/requests')).json.requests as Array<Record<string, unknown>>;
    const entry = log.find((e) => e.correlationId === res.headers['x-correlation-id']);
    expect(entry).toEqual({
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      method: 'GET',
      path: '/v1/servers',
      query: 'name=x&token=%5BREDACTED%5D&other=%5BREDACTED%5D',
      status: 200,
      projectId: id,
      correlationId: res.headers['x-correlation-id'],
      durationMs: expect.any(Number),
      faultId: null,
      errorCode: null,
    });
    expect(log.some((e) => e.path === '/v1/[REDACTED]' && e.status === 404)).toBe(true);
    expect(log.at(-1)).toMatchObject({ projectId: null, status: 401, errorCode: 'unauthorized' });
    const text = JSON.stringify(log);
    expect(text).not.toContain(token);
    expect(text).not.toContain(readOnlyToken);
    expect((await t.admin('GET', `/requests?projectId=${id}`)).json.requests.every((e: { projectId: number }) => e.projectId === id)).toBe(true);
    expect((await t.admin('DELETE', '/requests')).json.cleared).toBeGreaterThan(0);
    expect((await t.admin('GET', '/requests')).json.requests).toEqual([]);
  });

  it('is never reachable under /v1', async () => {
    const { token } = await t.project();
    expect((await t.api(token)('GET', '/_sim/projects')).status).toBe(404);
  });

  it('resets everything but the catalog, so a reset simulator behaves like a fresh one', async () => {
    const { token } = await t.project();
    await t.admin('POST', '/faults', { path: '/images', drop: true });
    expect((await t.api(token)('POST', '/servers', { name: 'r', server_type: 'cx22', image: 'debian-12' })).status).toBe(201);
    expect((await t.admin('POST', '/reset')).json).toEqual({ reset: true });
    expect((await t.admin('GET', '/projects')).json.projects).toEqual([]);
    expect((await t.admin('GET', '/servers?includeDeleted=true')).json.servers).toEqual([]);
    expect((await t.admin('GET', '/faults')).json.faults).toEqual([]);
    expect((await t.admin('GET', '/requests')).json.requests).toEqual([]);
    expect((await t.api(token)('GET', '/locations')).status).toBe(401);

    // Ids and seeded choices (addresses, root passwords) start over.
    const firstServer = async (): Promise<{ id: number; ip: string; password: string }> => {
      const fresh = await t.project();
      expect((await t.api(fresh.token)('GET', '/images?include_deprecated=true')).json.images).toHaveLength(7);
      const res = await t.api(fresh.token)('POST', '/servers', { name: 'r', server_type: 'cx22', image: 'debian-12' });
      return { id: res.json.server.id, ip: res.json.server.public_net.ipv4.ip, password: res.json.root_password };
    };
    const one = await firstServer();
    expect(one.id).toBe(4711);
    await t.admin('POST', '/reset');
    expect(await firstServer()).toEqual(one);
  });
});
