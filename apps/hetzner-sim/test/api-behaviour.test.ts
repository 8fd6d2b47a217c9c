import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.ts';
import { makePublicKey } from './support/keys.ts';
import { type TestSim, startTestSim } from './support/sim.ts';

/** Pagination, sorting, label selectors and the error envelope, as Hetzner's clients expect them. */
let t: TestSim;
let api: ReturnType<TestSim['api']>;

const LABELS: Array<Record<string, string>> = [
  { env: 'prod', tier: 'web' },
  { env: 'prod', tier: 'db' },
  { env: 'staging', tier: 'web' },
  { env: 'dev' },
  { 'example.com/owner': 'ops', 'just-a-key': '' },
];

beforeAll(async () => {
  t = await startTestSim({ speed: 'instant', seed: 1 });
  api = t.api((await t.project()).token);
  for (const [i, labels] of LABELS.entries()) {
    const res = await api('POST', '/ssh_keys', { name: `key-${String.fromCharCode(101 - i)}`, public_key: makePublicKey(), labels });
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await t.sim.stop();
});

const names = (res: { json: { ssh_keys: Array<{ name: string }> } }): string[] => res.json.ssh_keys.map((k) => k.name);

describe('pagination', () => {
  it('sends exactly the six pagination keys and a Link header', async () => {
    const res = await api('GET', '/ssh_keys?per_page=2&page=2&label_selector=');
    expect(Object.keys(res.json.meta.pagination).sort()).toEqual(['last_page', 'next_page', 'page', 'per_page', 'previous_page', 'total_entries']);
    expect(res.json.meta.pagination).toEqual({ page: 2, per_page: 2, previous_page: 1, next_page: 3, last_page: 3, total_entries: 5 });
    expect(res.json.ssh_keys).toHaveLength(2);
    const link = res.headers.link as string;
    expect(link).toContain(`<${t.url}/v1/ssh_keys?per_page=2&page=1&label_selector=>; rel="prev"`.replace('per_page=2&page=1', 'per_page=2&page=1'));
    expect(link).toMatch(/page=3[^>]*>; rel="next"/);
    expect(link).toMatch(/page=3[^>]*>; rel="last"/);
    const last = await api('GET', '/ssh_keys?per_page=2&page=3');
    expect(last.json.meta.pagination).toMatchObject({ page: 3, next_page: null, previous_page: 2 });
    expect(last.headers.link).not.toMatch(/rel="next"/);
  });

  it('defaults to 25 per page, caps per_page at 50 and answers an empty page past the end', async () => {
    expect((await api('GET', '/ssh_keys')).json.meta.pagination).toEqual({ page: 1, per_page: 25, previous_page: null, next_page: null, last_page: 1, total_entries: 5 });
    expect((await api('GET', '/ssh_keys?per_page=500')).json.meta.pagination.per_page).toBe(50);
    const beyond = await api('GET', '/ssh_keys?page=9');
    expect(beyond.json.ssh_keys).toEqual([]);
    expect(beyond.json.meta.pagination.next_page).toBeNull();
    expect((await api('GET', '/ssh_keys?per_page=abc')).status).toBe(422);
  });

  it('sends x-next on GET /servers when there is a next page', async () => {
    await api('POST', '/servers', { name: 's1', server_type: 'cx22', image: 'debian-12' });
    await api('POST', '/servers', { name: 's2', server_type: 'cx22', image: 'debian-12' });
    const first = await api('GET', '/servers?per_page=1');
    expect(first.headers['x-next']).toBe(`${t.url}/v1/servers?per_page=1&page=2`);
    expect((await api('GET', '/servers?per_page=1&page=2')).headers['x-next']).toBeUndefined();
  });
});

describe('sorting', () => {
  it('sorts by field and direction, repeatable, id order by default', async () => {
    expect(names(await api('GET', '/ssh_keys'))).toEqual(['key-e', 'key-d', 'key-c', 'key-b', 'key-a']);
    expect(names(await api('GET', '/ssh_keys?sort=name'))).toEqual(['key-a', 'key-b', 'key-c', 'key-d', 'key-e']);
    expect(names(await api('GET', '/ssh_keys?sort=name:desc'))).toEqual(['key-e', 'key-d', 'key-c', 'key-b', 'key-a']);
    expect(names(await api('GET', '/ssh_keys?sort=id:desc&sort=name'))).toEqual(['key-a', 'key-b', 'key-c', 'key-d', 'key-e']);
    expect((await api('GET', '/ssh_keys?sort=name:sideways')).json.error.details.fields[0].name).toBe('sort');
    expect((await api('GET', '/images?sort=name&sort=id:desc')).json.images.map((i: { id: number }) => i.id).slice(0, 2)).toEqual([114690389, 114690387]);
  });
});

describe('label selectors', () => {
  const cases: Array<[string, string[]]> = [
    ['env=prod', ['key-e', 'key-d']],
    ['env==prod', ['key-e', 'key-d']],
    ['env!=prod', ['key-c', 'key-b', 'key-a']],
    ['tier', ['key-e', 'key-d', 'key-c']],
    ['!tier', ['key-b', 'key-a']],
    ['env in (staging,dev)', ['key-c', 'key-b']],
    ['env notin (prod, dev)', ['key-c', 'key-a']],
    ['env=prod,tier!=db', ['key-e']],
    ['example.com/owner=ops,just-a-key', ['key-a']],
    ['just-a-key=', ['key-a']],
    ['tier in (web),!env', []],
  ];
  for (const [selector, expected] of cases) {
    it(`selects ${selector}`, async () => {
      expect(names(await api('GET', `/ssh_keys?label_selector=${encodeURIComponent(selector)}`))).toEqual(expected);
    });
  }

  it('filters servers by labels and rejects bad syntax with invalid_input', async () => {
    await api('POST', '/servers', { name: 'lbl', server_type: 'cx22', image: 'debian-12', labels: { role: 'edge' } });
    expect((await api('GET', '/servers?label_selector=role%20in%20(edge,core)')).json.servers.map((s: { name: string }) => s.name)).toEqual(['lbl']);
    for (const bad of ['env=', '=x', 'a in b', 'a,,b', 'a==b==c']) {
      const res = await api('GET', `/servers?label_selector=${encodeURIComponent(bad)}`);
      if (bad === 'env=') {
        // An empty value is valid: "env equals the empty string".
        expect(res.status).toBe(200);
        continue;
      }
      expect(res.status, bad).toBe(422);
      expect(res.json.error.details.fields[0].name).toBe('label_selector');
    }
  });
});

describe('errors and transport', () => {
  it('tolerates unknown query parameters', async () => {
    expect((await api('GET', '/server_types?sort=id:asc&fancy=yes&per_page=50')).status).toBe(200);
  });

  it('answers unknown paths with 404 not_found and wrong methods with 405', async () => {
    const missing = await api('GET', '/floating_ips');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: { code: 'not_found', message: expect.any(String), details: null } });
    expect((await api('GET', '/servers/abc')).status).toBe(404);
    expect((await api('DELETE', '/locations/1')).json.error.code).toBe('method_not_allowed');
    expect((await request(`${t.url}/elsewhere`)).status).toBe(404);
  });

  it('answers every request with its own correlation id, errors included', async () => {
    const ids = new Set<string>();
    for (const path of ['/locations', '/servers/1', '/nope']) {
      const res = await api('GET', path);
      ids.add(res.headers['x-correlation-id'] as string);
    }
    const unauthorized = await request(`${t.url}/v1/locations`);
    expect(unauthorized.status).toBe(401);
    ids.add(unauthorized.headers['x-correlation-id'] as string);
    expect(ids.size).toBe(4);
  });

  it('refuses bodies that are not JSON objects', async () => {
    expect((await api('POST', '/ssh_keys', '[1,2]')).json.error.code).toBe('invalid_input');
    expect((await api('POST', '/ssh_keys', '')).json.error.code).toBe('json_error');
    const labels = await api('POST', '/ssh_keys', { name: 'x', public_key: makePublicKey(), labels: { 'bad key!': 'v' } });
    expect(labels.json.error).toMatchObject({ code: 'invalid_input', details: { fields: [{ name: 'labels', messages: [expect.stringContaining('bad key!')] }] } });
  });
});

describe('PUT /servers/{id}', () => {
  it('replaces the labels (label selectors follow), refuses bad labels and renames, 404s an unknown server', async () => {
    const created = await api('POST', '/servers', { name: 'relabelled', server_type: 'cx22', image: 'debian-12', labels: { owner: 'hangar' } });
    expect(created.status).toBe(201);
    const id = created.json.server.id as number;
    const updated = await api('PUT', `/servers/${id}`, { labels: { owner: 'someone-else' } });
    expect(updated.status).toBe(200);
    expect(updated.json.server.labels).toEqual({ owner: 'someone-else' });
    const found = async (selector: string) => ((await api('GET', `/servers?label_selector=${encodeURIComponent(selector)}`)).json.servers as Array<{ id: number }>).map((server) => server.id);
    expect(await found('owner=hangar')).not.toContain(id);
    expect(await found('owner=someone-else')).toContain(id);
    expect((await api('PUT', `/servers/${id}`, { labels: { 'bad key!': 'v' } })).json.error.code).toBe('invalid_input');
    expect((await api('PUT', `/servers/${id}`, { name: 'other' })).json.error.code).toBe('invalid_input');
    expect((await api('PUT', '/servers/999999', { labels: {} })).status).toBe(404);
  });
});
