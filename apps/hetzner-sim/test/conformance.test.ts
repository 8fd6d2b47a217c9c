import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpResult, request, waitFor } from './support/http.ts';
import { makePublicKey } from './support/keys.ts';
import { templateOf, validateResponse } from './support/openapi.ts';
import { SPEED_PROFILES, type SpeedProfile } from '../src/speed.ts';
import { type TestSim, startTestSim } from './support/sim.ts';

/**
 * Every answer of every implemented /v1 operation, in a scenario that walks all of them and their
 * error paths, must validate against the official spec's response schema. The last test fails if
 * an operation never answered with both a success and an error.
 */
const OPERATIONS: ReadonlyArray<readonly [string, string]> = [
  ['GET', '/actions'],
  ['GET', '/actions/{id}'],
  ['GET', '/locations'],
  ['GET', '/locations/{id}'],
  ['GET', '/server_types'],
  ['GET', '/server_types/{id}'],
  ['GET', '/images'],
  ['GET', '/images/{id}'],
  ['GET', '/ssh_keys'],
  ['POST', '/ssh_keys'],
  ['GET', '/ssh_keys/{id}'],
  ['PUT', '/ssh_keys/{id}'],
  ['DELETE', '/ssh_keys/{id}'],
  ['GET', '/servers'],
  ['POST', '/servers'],
  ['GET', '/servers/{id}'],
  ['DELETE', '/servers/{id}'],
  ['GET', '/servers/{id}/actions'],
  ['POST', '/servers/{id}/actions/poweron'],
  ['POST', '/servers/{id}/actions/poweroff'],
  ['POST', '/servers/{id}/actions/reboot'],
  ['GET', '/networks'],
  ['POST', '/networks'],
  ['GET', '/networks/{id}'],
  ['PUT', '/networks/{id}'],
  ['DELETE', '/networks/{id}'],
  ['POST', '/networks/{id}/actions/add_subnet'],
  ['GET', '/firewalls'],
  ['POST', '/firewalls'],
  ['GET', '/firewalls/{id}'],
  ['PUT', '/firewalls/{id}'],
  ['DELETE', '/firewalls/{id}'],
  ['GET', '/placement_groups'],
  ['POST', '/placement_groups'],
  ['GET', '/placement_groups/{id}'],
  ['PUT', '/placement_groups/{id}'],
  ['DELETE', '/placement_groups/{id}'],
];
// Most specific first, so /servers/{id}/actions is not taken for /servers/{id}.
const TEMPLATES = [...new Set(OPERATIONS.map(([, t]) => t))].sort((a, b) => b.split('/').length - a.split('/').length);

let t: TestSim;
let token: string;
let readOnlyToken: string;
const succeeded = new Set<string>();
const failed = new Set<string>();
const statusesSeen = new Map<string, Set<number>>();

/** One /v1 call, validated against the spec and booked for the coverage check. */
async function call(method: string, path: string, options: { body?: unknown; as?: string } = {}): Promise<HttpResult> {
  const res = await request(`${t.url}/v1${path}`, {
    method,
    body: options.body,
    headers: { Authorization: `Bearer ${options.as ?? token}` },
  });
  const template = templateOf(path.split('?')[0] ?? path, TEMPLATES);
  expect(res.headers['x-correlation-id'], `${method} ${path} carries X-Correlation-Id`).toMatch(/^[0-9a-f]{16}$/);
  if (template && OPERATIONS.some(([m, p]) => m === method && p === template)) {
    const key = `${method} ${template}`;
    expect(validateResponse(method, template, res.status, res.headers['content-type'], res.text), `${key} -> ${res.status}: ${res.text.slice(0, 300)}`).toEqual([]);
    (res.status < 400 ? succeeded : failed).add(key);
    const seen = statusesSeen.get(key) ?? new Set<number>();
    seen.add(res.status);
    statusesSeen.set(key, seen);
  }
  if (res.status >= 400) {
    expect(Object.keys(res.json.error).sort(), `${method} ${path} error envelope`).toEqual(['code', 'details', 'message']);
  }
  return res;
}

/**
 * The fast preset, but power-off, power-on and delete run for 3 s: the lifecycle asks for
 * `locked` and `deleting` while one of them runs, and a busy machine's pause between two
 * requests must not outlast the action (at fast speed's 30-100 ms it did).
 */
const HELD_ACTIONS: SpeedProfile = { ...SPEED_PROFILES.fast, powerOffMs: [3_000, 3_000], powerOnMs: [3_000, 3_000], deleteMs: [3_000, 3_000] };

beforeAll(async () => {
  t = await startTestSim({ speed: HELD_ACTIONS, seed: 7 });
  ({ token, readOnlyToken } = await t.project({ serverLimit: 3 }));
});
afterAll(async () => {
  await t.sim.stop();
});

describe('conformance with the official OpenAPI document', () => {
  it('serves the catalog', async () => {
    for (const path of ['/locations', '/server_types', '/images']) {
      expect((await call('GET', path)).status).toBe(200);
    }
    expect((await call('GET', '/locations?name=hel1&sort=name:desc&per_page=1&unknown=1')).json.locations).toHaveLength(1);
    expect((await call('GET', '/locations/1')).json.location.name).toBe('fsn1');
    expect((await call('GET', '/locations/999')).status).toBe(404);
    expect((await call('GET', '/locations?sort=city')).status).toBe(422);
    expect((await call('GET', '/server_types?sort=id:asc&per_page=50')).json.server_types.length).toBeGreaterThanOrEqual(8);
    expect((await call('GET', '/server_types/104')).json.server_type.name).toBe('cx22');
    expect((await call('GET', '/server_types/1')).json.server_type.deprecated).toBe(true);
    expect((await call('GET', '/server_types/7')).status).toBe(404);
    expect((await call('GET', '/server_types?page=0')).status).toBe(422);
    const images = await call('GET', '/images?name=ubuntu-24.04&architecture=arm&type=system&label_selector=!foo&sort=name:desc');
    expect(images.json.images.map((i: { id: number }) => i.id)).toEqual([161547270]);
    expect((await call('GET', '/images?include_deprecated=true&status=available&sort=created')).json.images.length).toBe(7);
    expect((await call('GET', '/images/161547269')).json.image.architecture).toBe('x86');
    expect((await call('GET', '/images/1')).status).toBe(404);
    expect((await call('GET', '/images?architecture=sparc')).status).toBe(422);
  });

  it('manages SSH keys', async () => {
    const publicKey = makePublicKey();
    const created = await call('POST', '/ssh_keys', { body: { name: 'laptop', public_key: publicKey, labels: { team: 'ops' } } });
    expect(created.status).toBe(201);
    const id = created.json.ssh_key.id as number;
    expect(created.json.ssh_key.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect((await call('POST', '/ssh_keys', { body: { name: 'laptop', public_key: makePublicKey() } })).json.error.code).toBe('uniqueness_error');
    const sameKey = await call('POST', '/ssh_keys', { body: { name: 'other', public_key: publicKey } });
    expect(sameKey.json.error).toMatchObject({ code: 'uniqueness_error', details: { fields: [{ name: 'public_key' }] } });
    const invalid = await call('POST', '/ssh_keys', { body: { name: 'bad', public_key: 'ssh-rsa not-base64!' } });
    expect(invalid.status).toBe(422);
    expect(invalid.json.error.details.fields[0].name).toBe('public_key');
    expect((await call('POST', '/ssh_keys', { body: '{"name": ' })).json.error.code).toBe('json_error');
    expect((await call('GET', `/ssh_keys?name=laptop&label_selector=team%3Dops&sort=name:desc`)).json.ssh_keys).toHaveLength(1);
    expect((await call('GET', `/ssh_keys?label_selector=team%20in%20(,`)).status).toBe(422);
    expect((await call('GET', `/ssh_keys/${id}`)).json.ssh_key.name).toBe('laptop');
    expect((await call('GET', '/ssh_keys/999999')).status).toBe(404);
    const updated = await call('PUT', `/ssh_keys/${id}`, { body: { name: 'laptop-2', labels: { team: 'dev' } } });
    expect(updated.json.ssh_key).toMatchObject({ name: 'laptop-2', labels: { team: 'dev' } });
    expect((await call('PUT', `/ssh_keys/${id}`, { body: { labels: { 'hetzner.cloud/x': 'y' } } })).status).toBe(422);
    expect((await call('PUT', '/ssh_keys/999999', { body: { name: 'n' } })).status).toBe(404);
    const doomed = await call('POST', '/ssh_keys', { body: { name: 'doomed', public_key: makePublicKey() } });
    expect((await call('DELETE', `/ssh_keys/${doomed.json.ssh_key.id}`)).status).toBe(204);
    expect((await call('DELETE', `/ssh_keys/${doomed.json.ssh_key.id}`)).status).toBe(404);
  });

  it('walks a server through its whole lifecycle', async () => {
    const created = await call('POST', '/servers', {
      body: { name: 'web-1', server_type: 'cx22', image: 'ubuntu-24.04', location: 'fsn1', ssh_keys: ['laptop-2'], labels: { env: 'prod' } },
    });
    expect(created.status).toBe(201);
    expect(created.json.server.status).toBe('initializing');
    expect(created.json.action).toMatchObject({ command: 'create_server', status: 'running', progress: 0, finished: null });
    expect(created.json.next_actions.map((a: { command: string }) => a.command)).toEqual(['start_server']);
    expect(created.json.root_password).toBeNull();
    const id = created.json.server.id as number;
    const createActionId = created.json.action.id as number;

    const second = await call('POST', '/servers', { body: { name: 'web-2', server_type: 104, image: 161547269 } });
    expect(second.status).toBe(201);
    expect(typeof second.json.root_password).toBe('string');

    expect((await call('POST', '/servers', { body: { server_type: 'cx22' } })).json.error.details.fields.map((f: { name: string }) => f.name).sort()).toEqual(['image', 'name']);
    expect((await call('POST', '/servers', { body: { name: 'arm', server_type: 'cax11', image: 'debian-12', location: 'ash' } })).json.error.code).toBe('resource_unavailable');
    expect((await call('POST', '/servers', { body: { name: 'web-1', server_type: 'cx22', image: 'ubuntu-24.04' } })).json.error.code).toBe('uniqueness_error');
    expect((await call('POST', '/servers', { body: 'not json' })).status).toBe(400);

    const listed = await call('GET', '/servers?name=web-1&label_selector=env%3D%3Dprod&status=initializing&status=starting&status=running&sort=id:desc');
    expect(listed.json.servers.map((s: { id: number }) => s.id)).toEqual([id]);
    expect((await call('GET', '/servers?status=flying')).status).toBe(422);

    await waitFor(async () => ((await call('GET', `/servers/${id}`)).json.server.status === 'running' ? true : undefined), 'web-1 running');
    const running = (await call('GET', `/servers/${id}`)).json.server;
    expect(running.public_net.ipv4.ip).toMatch(/^(203\.0\.113|198\.51\.100)\.\d+$/);
    expect(running.public_net.ipv6.ip).toMatch(/^2001:db8:[0-9a-f]*:[0-9a-f]*::\/64$/);

    const actions = await call('GET', `/servers/${id}/actions?status=success&sort=started:desc`);
    expect(actions.json.actions.map((a: { command: string }) => a.command).sort()).toEqual(['create_server', 'start_server']);
    expect((await call('GET', `/servers/${id}/actions?status=lost`)).status).toBe(422);
    expect((await call('GET', '/servers/1/actions')).status).toBe(404);

    const off = await call('POST', `/servers/${id}/actions/poweroff`);
    expect(off.status).toBe(201);
    expect(off.json.action.command).toBe('stop_server');
    expect((await call('POST', `/servers/${id}/actions/poweron`)).json.error.code).toBe('locked');
    await waitFor(async () => ((await call('GET', `/servers/${id}`)).json.server.status === 'off' ? true : undefined), 'web-1 off');
    expect((await call('POST', `/servers/${id}/actions/poweron`)).json.action.command).toBe('start_server');
    expect((await call('POST', `/servers/${id}/actions/reboot`)).json.error.code).toBe('locked');
    await waitFor(async () => ((await call('GET', `/servers/${id}`)).json.server.status === 'running' ? true : undefined), 'web-1 back on');
    expect((await call('POST', `/servers/${id}/actions/reboot`)).json.action.command).toBe('reboot_server');
    expect((await call('POST', '/servers/1/actions/poweroff')).status).toBe(404);

    expect((await call('GET', `/actions?id=${createActionId}&id=999999`)).json.actions.map((a: { id: number }) => a.id)).toEqual([createActionId]);
    expect((await call('GET', '/actions')).json.error.code).toBe('invalid_input');
    expect((await call('GET', `/actions/${createActionId}`)).json.action.status).toBe('success');
    expect((await call('GET', '/actions/999999')).status).toBe(404);

    const deleted = await call('DELETE', `/servers/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json.action.command).toBe('delete_server');
    expect((await call('GET', `/servers/${id}`)).json.server.status).toBe('deleting');
    await waitFor(async () => ((await call('GET', `/servers/${id}`)).status === 404 ? true : undefined), 'web-1 gone');
    expect((await call('DELETE', `/servers/${id}`)).status).toBe(404);
    expect((await call('GET', `/actions/${deleted.json.action.id}`)).json.action.status).toBe('success');
  });

  it('manages networks, firewalls and placement groups, and creates a server attached to them', async () => {
    const network = await call('POST', '/networks', { body: { name: 'private', ip_range: '10.0.0.0/16', labels: { team: 'ops' } } });
    expect(network.status).toBe(201);
    const networkId = network.json.network.id as number;
    expect(network.json.network).toMatchObject({ ip_range: '10.0.0.0/16', subnets: [], servers: [] });
    expect((await call('POST', '/networks', { body: { name: 'private', ip_range: '10.1.0.0/16' } })).json.error.code).toBe('uniqueness_error');
    expect((await call('POST', '/networks', { body: { name: 'public', ip_range: '8.8.0.0/16' } })).json.error.details.fields[0].name).toBe('ip_range');
    expect((await call('POST', '/networks', { body: { name: 'x', ip_range: '10.0.0.0/16', subnets: [{ type: 'cloud', ip_range: '10.9.0.0/24', network_zone: 'mars' }] } })).status).toBe(422);
    const subnet = await call('POST', `/networks/${networkId}/actions/add_subnet`, { body: { type: 'cloud', ip_range: '10.0.1.0/24', network_zone: 'eu-central' } });
    expect(subnet.json.action).toMatchObject({ command: 'add_subnet', resources: [{ id: networkId, type: 'network' }] });
    expect((await call('POST', `/networks/${networkId}/actions/add_subnet`, { body: { type: 'cloud', ip_range: '10.0.1.0/25', network_zone: 'eu-central' } })).status).toBe(422);
    expect((await call('POST', '/networks/999999/actions/add_subnet', { body: {} })).status).toBe(404);
    expect((await call('GET', '/networks?name=private&label_selector=team%3Dops&sort=name:desc')).json.networks).toHaveLength(1);
    expect((await call('GET', `/networks/${networkId}`)).json.network.subnets).toEqual([{ type: 'cloud', ip_range: '10.0.1.0/24', network_zone: 'eu-central', gateway: '10.0.1.1', vswitch_id: null }]);
    expect((await call('GET', '/networks/999999')).status).toBe(404);
    expect((await call('PUT', `/networks/${networkId}`, { body: { name: 'private-2' } })).json.network.name).toBe('private-2');
    expect((await call('PUT', '/networks/999999', { body: { name: 'n' } })).status).toBe(404);

    const firewall = await call('POST', '/firewalls', {
      body: { name: 'ssh', rules: [{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0', '::/0'], description: 'ssh' }] },
    });
    expect(firewall.status).toBe(201);
    const firewallId = firewall.json.firewall.id as number;
    expect(firewall.json.actions).toEqual([]);
    expect((await call('POST', '/firewalls', { body: { name: 'bad', rules: [{ direction: 'in', protocol: 'tcp', source_ips: ['0.0.0.0/0'] }] } })).json.error.details.fields[0].name).toBe('rules.0.port');
    expect((await call('GET', '/firewalls?name=ssh')).json.firewalls).toHaveLength(1);
    expect((await call('GET', `/firewalls/${firewallId}`)).json.firewall.rules[0]).toMatchObject({ port: '22', destination_ips: [] });
    expect((await call('GET', '/firewalls/999999')).status).toBe(404);
    expect((await call('PUT', `/firewalls/${firewallId}`, { body: { labels: { a: 'b' } } })).json.firewall.labels).toEqual({ a: 'b' });
    expect((await call('PUT', '/firewalls/999999', { body: {} })).status).toBe(404);

    const group = await call('POST', '/placement_groups', { body: { name: 'spread', type: 'spread' } });
    expect(group.status).toBe(201);
    const groupId = group.json.placement_group.id as number;
    expect((await call('POST', '/placement_groups', { body: { name: 'packed', type: 'pack' } })).status).toBe(422);
    expect((await call('GET', '/placement_groups?type=spread')).json.placement_groups).toHaveLength(1);
    expect((await call('GET', `/placement_groups/${groupId}`)).json.placement_group.servers).toEqual([]);
    expect((await call('GET', '/placement_groups/999999')).status).toBe(404);
    expect((await call('PUT', `/placement_groups/${groupId}`, { body: { name: 'spread-2' } })).json.placement_group.name).toBe('spread-2');
    expect((await call('PUT', '/placement_groups/999999', { body: {} })).status).toBe(404);

    const refs = { networks: [networkId], firewalls: [{ firewall: firewallId }], placement_group: groupId };
    const base = { server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1' };
    expect((await call('POST', '/servers', { body: { ...base, name: 'lost', networks: [999999] } })).json.error.details.fields[0].name).toBe('networks');
    expect((await call('POST', '/servers', { body: { ...base, name: 'lost', firewalls: [{ firewall: 999999 }] } })).json.error.details.fields[0].name).toBe('firewalls');
    expect((await call('POST', '/servers', { body: { ...base, name: 'lost', placement_group: 999999 } })).json.error.details.fields[0].name).toBe('placement_group');
    expect((await call('POST', '/servers', { body: { ...base, name: 'lost', public_net: { enable_ipv4: false, enable_ipv6: false } } })).json.error.details.fields[0].name).toBe('networks');
    const created = await call('POST', '/servers', { body: { ...base, name: 'attached', ...refs, public_net: { enable_ipv4: false, enable_ipv6: true } } });
    expect(created.status).toBe(201);
    const server = created.json.server;
    expect(server.private_net).toEqual([expect.objectContaining({ network: networkId, ip: '10.0.1.2', alias_ips: [] })]);
    expect(server.public_net).toMatchObject({ ipv4: null, firewalls: [{ id: firewallId, status: 'applied' }] });
    expect(server.placement_group).toMatchObject({ id: groupId, servers: [server.id] });
    expect((await call('GET', `/networks/${networkId}`)).json.network.servers).toEqual([server.id]);
    expect((await call('GET', `/firewalls/${firewallId}`)).json.firewall.applied_to).toEqual([{ type: 'server', server: { id: server.id } }]);
    expect((await call('DELETE', `/firewalls/${firewallId}`)).json.error.code).toBe('resource_in_use');
    // Deleting a network detaches its servers (the spec says so).
    expect((await call('DELETE', `/networks/${networkId}`)).status).toBe(204);
    expect((await call('GET', `/servers/${server.id}`)).json.server.private_net).toEqual([]);
    expect((await call('DELETE', `/networks/${networkId}`)).status).toBe(404);

    await call('DELETE', `/servers/${server.id}`);
    await waitFor(async () => ((await call('GET', `/servers/${server.id}`)).status === 404 ? true : undefined), 'attached gone');
    for (const path of [`/firewalls/${firewallId}`, `/placement_groups/${groupId}`]) {
      expect((await call('DELETE', path)).status).toBe(204);
      expect((await call('DELETE', path)).status).toBe(404);
    }
  });

  it('enforces the project server limit', async () => {
    expect((await call('POST', '/servers', { body: { name: 'limit-a', server_type: 'cpx11', image: 'debian-12', location: 'sin' } })).status).toBe(201);
    expect((await call('POST', '/servers', { body: { name: 'limit-b', server_type: 'cax11', image: 'debian-12', location: 'hel1' } })).status).toBe(201);
    const refused = await call('POST', '/servers', { body: { name: 'limit-c', server_type: 'cx22', image: 'debian-12' } });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({ code: 'resource_limit_exceeded', details: { limits: [{ name: 'server_limit' }] } });
  });

  it('answers 401 to unknown tokens and token_readonly to read-only writes on every operation', async () => {
    const unknown = 'x'.repeat(64);
    for (const [method, template] of OPERATIONS) {
      const path = template.replace('{id}', '1');
      const res = await call(method, path, { as: unknown, body: method === 'GET' || method === 'DELETE' ? undefined : {} });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.json.error.code).toBe('unauthorized');
      if (method !== 'GET') {
        const ro = await call(method, path, { as: readOnlyToken, body: method === 'DELETE' ? undefined : {} });
        expect(ro.json.error.code, `${method} ${path} read-only`).toBe('token_readonly');
      }
    }
    const wrongMethod = await call('PATCH', '/servers');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json.error.code).toBe('method_not_allowed');
  });

  it('exercised every implemented operation, with a success and an error each', () => {
    const all = OPERATIONS.map(([m, p]) => `${m} ${p}`);
    expect(all.filter((op) => !succeeded.has(op)), 'operations never answered with success').toEqual([]);
    expect(all.filter((op) => !failed.has(op)), 'operations never answered with an error').toEqual([]);
  });
});
