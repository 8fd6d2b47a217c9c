/**
 * The Hetzner adapter's project resources against the simulator, over HTTP: SSH keys (list
 * every page, create, delete), networks, firewalls and placement groups, and a server created
 * attached to them, with keys by id and by name and without public addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHetznerAdapter, USER_DATA_MAX_BYTES } from '../src/hetzner/adapter.ts';
import { makePublicKey } from '../../../apps/hetzner-sim/test/support/keys.ts';
import type { SimProject, Simulator } from './support/simulator.ts';
import { admin, createProject, startSimulator } from './support/simulator.ts';
import { failure } from './support/failure.ts';

let sim: Simulator;
let project: SimProject;

beforeAll(async () => {
  sim = await startSimulator('fast');
  project = await createProject(sim);
});
afterAll(async () => {
  await sim.stop();
});

const adapter = () => createHetznerAdapter({ apiEndpoint: `${sim.url}/v1`, token: project.token, actionPoll: { initialIntervalMs: 20, maxIntervalMs: 100 } });

async function post(path: string, body: unknown): Promise<{ id: number }> {
  const response = await fetch(`${sim.url}/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${project.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  return Object.values((await response.json()) as Record<string, { id: number }>)[0]!;
}

describe('project resources', () => {
  it('states its user data limit', () => {
    expect(adapter().limits).toEqual({ userDataMaxBytes: USER_DATA_MAX_BYTES });
  });

  it('lists SSH keys across pages, creates one (name or fingerprint taken is PROVIDER_NAME_TAKEN) and deletes one', async () => {
    const created = [];
    for (let i = 0; i < 53; i += 1) created.push(await adapter().createSshKey({ name: `key-${String(i).padStart(2, '0')}`, publicKey: makePublicKey(`k${i}`) }));
    expect(created[0]).toMatchObject({ name: 'key-00', fingerprint: expect.stringMatching(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/), labels: {} });
    const listed = await adapter().listSshKeys();
    expect(listed.map((key) => key.name)).toEqual(created.map((key) => key.name));
    expect((await failure(adapter().createSshKey({ name: 'key-00', publicKey: makePublicKey() }))).code).toBe('PROVIDER_NAME_TAKEN');
    expect((await failure(adapter().createSshKey({ name: 'again', publicKey: created[1]!.publicKey }))).code).toBe('PROVIDER_NAME_TAKEN');
    expect(await adapter().deleteSshKey(created[0]!.id)).toBe(true);
    expect(await adapter().deleteSshKey(created[0]!.id)).toBe(false);
    expect((await failure(adapter().deleteSshKey('not-an-id'))).code).toBe('PROVIDER_INVALID_REQUEST');
  });

  it('lists networks (with the zones that have a subnet), firewalls and placement groups, and creates a server attached to them', async () => {
    const network = await post('/networks', { name: 'net', ip_range: '10.0.0.0/16', subnets: [{ type: 'cloud', ip_range: '10.0.1.0/24', network_zone: 'eu-central' }] });
    await post('/networks', { name: 'empty', ip_range: '10.1.0.0/16' });
    const firewall = await post('/firewalls', { name: 'fw', rules: [{ direction: 'in', protocol: 'icmp', source_ips: ['0.0.0.0/0'] }] });
    const group = await post('/placement_groups', { name: 'pg', type: 'spread' });
    expect(await adapter().listNetworks()).toEqual([
      { id: String(network.id), name: 'net', ipRange: '10.0.0.0/16', zones: ['eu-central'], serverCount: 0 },
      expect.objectContaining({ name: 'empty', zones: [] }),
    ]);
    expect(await adapter().listFirewalls()).toEqual([{ id: String(firewall.id), name: 'fw', ruleCount: 1, serverCount: 0 }]);
    expect(await adapter().listPlacementGroups()).toEqual([{ id: String(group.id), name: 'pg', type: 'spread', serverCount: 0 }]);

    const [byId, byName] = (await adapter().listSshKeys()).slice(0, 2);
    const created = await adapter().createServer({
      name: 'attached',
      serverType: 'cx22',
      location: 'nbg1',
      image: 'ubuntu-24.04',
      labels: {},
      userData: '#cloud-config\n',
      sshKeys: [byId!.id, byName!.name],
      networkIds: [String(network.id)],
      firewallIds: [String(firewall.id)],
      placementGroupId: String(group.id),
      publicIpv4: false,
      publicIpv6: false,
    });
    expect(created.server).toMatchObject({ ipv4: null, ipv6: null });
    const { servers } = await admin<{ servers: Array<{ id: number; sshKeyIds: number[]; privateNets: unknown[]; firewallIds: number[]; placementGroupId: number }> }>(sim, 'GET', `/_sim/servers?projectId=${project.id}`);
    expect(servers.find((server) => String(server.id) === created.server.id)).toMatchObject({
      sshKeyIds: [Number(byId!.id), Number(byName!.id)],
      privateNets: [{ networkId: network.id, ip: '10.0.1.2' }],
      firewallIds: [firewall.id],
      placementGroupId: group.id,
    });
    expect((await adapter().listNetworks())[0]?.serverCount).toBe(1);
    expect((await failure(adapter().createServer({ name: 'bad', serverType: 'cx22', location: 'nbg1', image: 'ubuntu-24.04', labels: {}, userData: '', networkIds: ['x1'] }))).code).toBe(
      'PROVIDER_INVALID_REQUEST',
    );
    expect((await failure(adapter().createServer({ name: 'bad', serverType: 'cx22', location: 'nbg1', image: 'ubuntu-24.04', labels: {}, userData: '', firewallIds: ['999999'] }))).code).toBe(
      'PROVIDER_INVALID_REQUEST',
    );
  });
});
