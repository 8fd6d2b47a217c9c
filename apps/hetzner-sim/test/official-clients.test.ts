import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePublicKey } from './support/keys.ts';
import { type TestSim, startTestSim } from './support/sim.ts';

/**
 * The official clients, as shipped by Debian (hcloud-cli 1.30.3, python3-hcloud 1.18.2), must
 * work against the simulator end to end. They are required: CI installs them, so a missing one
 * is a failure with the install command, never a skip.
 */
const HCLOUD = '/usr/bin/hcloud';
const PYTHON = '/usr/bin/python3';
const INSTALL_HINT = 'apt-get install -y hcloud-cli python3-hcloud';
const CLIENT_TIMEOUT_MS = 20_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: CLIENT_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error?.code === 'ENOENT') {
        resolve({ code: 127, stdout, stderr: `${file} is missing: run \`${INSTALL_HINT}\`` });
        return;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function pythonHasHcloud(): Promise<boolean> {
  return run(PYTHON, ['-c', 'import hcloud'], {}).then((r) => r.code === 0);
}

let t: TestSim;
let token: string;
let home: string;

beforeAll(async () => {
  t = await startTestSim({ speed: 'fast', seed: 11 });
  ({ token } = await t.project());
  home = mkdtempSync(join(tmpdir(), 'hcloud-home-'));
});
afterAll(async () => {
  await t.sim.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('hcloud CLI', () => {
  const hcloud = async (...args: string[]): Promise<Run> => {
    const result = await run(HCLOUD, args, {
      HOME: home,
      HCLOUD_ENDPOINT: `${t.url}/v1`,
      HCLOUD_TOKEN: token,
      HCLOUD_CONFIG: join(home, 'cli.toml'),
    });
    expect(result.code, `hcloud ${args.join(' ')}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
    return result;
  };

  it('is installed', () => {
    expect(existsSync(HCLOUD), `hcloud is missing: run \`${INSTALL_HINT}\``).toBe(true);
  });

  it('lists the catalog', async () => {
    expect((await hcloud('location', 'list')).stdout).toMatch(/fsn1[\s\S]*sin/);
    expect((await hcloud('server-type', 'list')).stdout).toMatch(/cx22/);
    const images = (await hcloud('image', 'list')).stdout;
    expect(images).toMatch(/ubuntu-24\.04/);
    expect(images).toMatch(/ubuntu-20\.04/);
  });

  it('creates, lists and deletes an SSH key', async () => {
    await hcloud('ssh-key', 'create', '--name', 'cli-key', '--public-key', makePublicKey());
    expect((await hcloud('ssh-key', 'list')).stdout).toMatch(/cli-key/);
    await hcloud('ssh-key', 'delete', 'cli-key');
    expect((await hcloud('ssh-key', 'list')).stdout).not.toMatch(/cli-key/);
  });

  it('creates a server, waits for it, describes, lists and deletes it', async () => {
    const created = await hcloud('server', 'create', '--name', 'x', '--type', 'cx22', '--image', 'ubuntu-24.04', '--location', 'fsn1');
    expect(created.stdout).toMatch(/Server \d+ created/);
    expect(created.stdout).toMatch(/IPv4:\s+(203\.0\.113|198\.51\.100)\./);
    const list = JSON.parse((await hcloud('server', 'list', '-o', 'json')).stdout) as Array<{ name: string; status: string }>;
    expect(list).toEqual([expect.objectContaining({ name: 'x', status: 'running' })]);
    const described = (await hcloud('server', 'describe', 'x')).stdout;
    expect(described).toMatch(/Status:\s+running/);
    expect(described).toMatch(/2001:db8:[0-9a-f:]+\/64/);
    await hcloud('server', 'delete', 'x');
    const servers = await t.admin('GET', '/servers?includeDeleted=true');
    expect(servers.json.servers).toEqual([expect.objectContaining({ name: 'x' })]);
    expect(['deleting', 'deleted']).toContain(servers.json.servers[0].status);
  });

  it('reports a failed create action the way Hetzner would', async () => {
    await t.admin('POST', '/faults', { actionError: { atProgress: 30, code: 'server_error', message: 'disk provisioning failed' }, times: 1 });
    const result = await run(HCLOUD, ['server', 'create', '--name', 'broken', '--type', 'cx22', '--image', 'ubuntu-24.04'], {
      HOME: home,
      HCLOUD_ENDPOINT: `${t.url}/v1`,
      HCLOUD_TOKEN: token,
      HCLOUD_CONFIG: join(home, 'cli.toml'),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/disk provisioning failed/);
  });

  it('creates a network, a firewall and a placement group, and a server attached to them', async () => {
    await hcloud('network', 'create', '--name', 'cli-net', '--ip-range', '10.0.0.0/16', '--label', 'team=ops');
    await hcloud('network', 'add-subnet', 'cli-net', '--type', 'cloud', '--network-zone', 'eu-central', '--ip-range', '10.0.1.0/24');
    const rules = join(home, 'rules.json');
    writeFileSync(rules, JSON.stringify([{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0', '::/0'], description: 'ssh' }]));
    await hcloud('firewall', 'create', '--name', 'cli-fw', '--rules-file', rules);
    await hcloud('placement-group', 'create', '--name', 'cli-pg', '--type', 'spread');
    expect((await hcloud('network', 'list')).stdout).toMatch(/cli-net\s+10\.0\.0\.0\/16/);
    expect((await hcloud('firewall', 'list')).stdout).toMatch(/cli-fw/);
    expect((await hcloud('placement-group', 'list')).stdout).toMatch(/cli-pg\s+0 servers\s+spread/);

    const created = await hcloud(
      'server', 'create', '--name', 'cli-attached', '--type', 'cx22', '--image', 'ubuntu-24.04', '--location', 'fsn1',
      '--network', 'cli-net', '--firewall', 'cli-fw', '--placement-group', 'cli-pg', '--without-ipv4',
    );
    expect(created.stdout).toMatch(/Server \d+ created/);
    const server = JSON.parse((await hcloud('server', 'describe', 'cli-attached', '-o', 'json')).stdout) as {
      status: string;
      private_net: Array<{ ip: string }>;
      public_net: { ipv4: unknown; firewalls: Array<{ status: string }> };
      placement_group: { name: string } | null;
    };
    expect(server.status).toBe('running');
    expect(server.private_net).toEqual([expect.objectContaining({ ip: '10.0.1.2' })]);
    expect(server.public_net.ipv4).toBeNull();
    expect(server.public_net.firewalls).toEqual([expect.objectContaining({ status: 'applied' })]);
    expect(server.placement_group).toMatchObject({ name: 'cli-pg' });
    expect((await hcloud('network', 'describe', 'cli-net')).stdout).toMatch(/10\.0\.1\.0\/24/);
    expect((await hcloud('placement-group', 'describe', 'cli-pg')).stdout).toMatch(/cli-attached|\d+/);
    await hcloud('server', 'delete', 'cli-attached');
    await hcloud('placement-group', 'delete', 'cli-pg');
    expect((await hcloud('placement-group', 'list')).stdout).not.toMatch(/cli-pg/);
  });
});

describe('python3-hcloud', () => {
  it('is installed', async () => {
    expect(existsSync(PYTHON) && (await pythonHasHcloud()), `python3-hcloud is missing: run \`${INSTALL_HINT}\``).toBe(true);
  });

  it('lists locations, creates a server, waits for its actions and lists servers', async () => {
    const script = `
import json, sys
from hcloud import Client
from hcloud.images.domain import Image
from hcloud.locations.domain import Location
from hcloud.server_types.domain import ServerType
client = Client(token=sys.argv[1], api_endpoint=sys.argv[2], poll_interval=0.1)
locations = [l.name for l in client.locations.get_all()]
resp = client.servers.create(name="py-1", server_type=ServerType(name="cx22"), image=Image(name="ubuntu-24.04"), location=Location(name="fsn1"))
resp.action.wait_until_finished()
for action in resp.next_actions:
    action.wait_until_finished()
servers = [(s.name, s.status, s.public_net.ipv4.ip, s.public_net.ipv6.ip) for s in client.servers.get_all()]
print(json.dumps({"locations": locations, "action": resp.action.status, "password": resp.root_password is not None, "servers": servers}))
`;
    expect(await pythonHasHcloud(), `python3-hcloud is missing: run \`${INSTALL_HINT}\``).toBe(true);
    const own = await t.project();
    const result = await run(PYTHON, ['-c', script, own.token, `${t.url}/v1`], { HOME: home });
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { locations: string[]; action: string; password: boolean; servers: Array<[string, string, string, string]> };
    expect(out.locations).toEqual(['fsn1', 'nbg1', 'hel1', 'ash', 'hil', 'sin']);
    expect(out.action).toBe('success');
    expect(out.password).toBe(true);
    expect(out.servers).toEqual([['py-1', 'running', expect.stringMatching(/^(203\.0\.113|198\.51\.100)\./), expect.stringMatching(/^2001:db8:.*\/64$/)]]);
  });

  it('creates a network with a subnet, a firewall and a placement group, and a server attached to them', async () => {
    const script = `
import json, sys
from hcloud import Client
from hcloud.firewalls.domain import FirewallRule
from hcloud.images.domain import Image
from hcloud.locations.domain import Location
from hcloud.networks.domain import NetworkSubnet
from hcloud.server_types.domain import ServerType
from hcloud.servers.domain import ServerCreatePublicNetwork
client = Client(token=sys.argv[1], api_endpoint=sys.argv[2], poll_interval=0.1)
network = client.networks.create(name="py-net", ip_range="10.0.0.0/16", subnets=[NetworkSubnet(type="cloud", ip_range="10.0.1.0/24", network_zone="eu-central")])
firewall = client.firewalls.create(name="py-fw", rules=[FirewallRule(direction="in", protocol="tcp", port="22", source_ips=["0.0.0.0/0"])]).firewall
group = client.placement_groups.create(name="py-pg", type="spread").placement_group
resp = client.servers.create(name="py-attached", server_type=ServerType(name="cx22"), image=Image(name="ubuntu-24.04"), location=Location(name="fsn1"),
    networks=[network], firewalls=[firewall], placement_group=group, public_net=ServerCreatePublicNetwork(enable_ipv4=False, enable_ipv6=True))
resp.action.wait_until_finished()
server = client.servers.get_by_id(resp.server.id)
print(json.dumps({
  "networks": [n.name for n in client.networks.get_all()],
  "subnets": [s.ip_range for s in client.networks.get_by_name("py-net").subnets],
  "firewalls": [(f.name, len(f.rules)) for f in client.firewalls.get_all()],
  "groups": [(g.name, g.type, g.servers) for g in client.placement_groups.get_all()],
  "private": [(p.network.id, p.ip) for p in server.private_net],
  "ipv4": server.public_net.ipv4 is None,
  "server_firewalls": [f.firewall.id for f in server.public_net.firewalls],
  "group": server.placement_group.name,
  "server_id": server.id, "network_id": network.id, "firewall_id": firewall.id,
}))
`;
    const own = await t.project();
    const result = await run(PYTHON, ['-c', script, own.token, `${t.url}/v1`], { HOME: home });
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown> & { server_id: number; network_id: number; firewall_id: number };
    expect(out).toMatchObject({
      networks: ['py-net'],
      subnets: ['10.0.1.0/24'],
      firewalls: [['py-fw', 1]],
      groups: [['py-pg', 'spread', [out.server_id]]],
      private: [[out.network_id, '10.0.1.2']],
      ipv4: true,
      server_firewalls: [out.firewall_id],
      group: 'py-pg',
    });
  });
});
