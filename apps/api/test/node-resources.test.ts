/**
 * A node people can use, through the GraphQL API alone: an SSH key added to the provider
 * project, then a node created with that key, a label, its own user data, a private network,
 * a firewall and a placement group. The simulator's server carries all of them, and (script
 * boot mode) the real agent script from the combined user data registers it and heartbeats.
 * Every new input is also tried hostile: typed errors, never an echo, never a 500.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcquisitionEnv, type AcquisitionEnv } from '../../../packages/core/test/support/acquisition-env.ts';
import { makePublicKey } from '../../hetzner-sim/test/support/keys.ts';

let env: AcquisitionEnv;
let keyDir: string;
const USER_MARKER = 'user-part-7d1f0c';
const USER_DATA = `#cloud-config\nwrite_files:\n  - path: /etc/${USER_MARKER}.txt\n    content: hello\nruncmd:\n  - [touch, /tmp/${USER_MARKER}]\n`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads of loosely typed JSON answers
type Json = any;
type Gql = { data?: Record<string, Json>; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

async function gql(query: string, variables: Record<string, unknown> = {}): Promise<Gql> {
  const response = await fetch(`${env.app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.apiToken}` },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status, 'never a 500').toBeLessThan(500);
  return (await response.json()) as Gql;
}

/** The simulator's /v1 API, as the project's owner (the Hetzner console's stand-in). */
async function hetzner(method: string, path: string, body?: unknown, token = env.project.token): Promise<Json> {
  const response = await fetch(`${env.sim.url}/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, `${method} ${path}: ${text.slice(0, 300)}`).toBeLessThan(300);
  return text === '' ? null : JSON.parse(text);
}

const ADD_KEY = `mutation Add($input: AddSshKeyInput!) { addSshKey(input: $input) {
  __typename ... on AddSshKeyPayload { sshKey { id name fingerprint keyType bits publicKey } }
  ... on Error { code message } ... on ValidationError { path } ... on ConflictError { path } } }`;
const REMOVE_KEY = `mutation Remove($input: RemoveSshKeyInput!) { removeSshKey(input: $input) {
  __typename ... on RemoveSshKeyPayload { removedId } ... on Error { code message } } }`;
const CREATE_NODE = `mutation Create($input: CreateNodeInput!) { createNode(input: $input) {
  __typename ... on CreateNodePayload { node { id name } } ... on Error { code message } ... on ValidationError { path } } }`;
const RESOURCES = `query Resources($id: ID!) { providerConnection(id: $id) {
  sshKeys { id name fingerprint keyType } networks { id name ipRange zones } firewalls { id name ruleCount } placementGroups { id name type } } }`;
const NODE = `query Node($id: ID!) { node(id: $id) { id phase sshKeyIds sshKeyNames labels { key value } networkIds firewallIds placementGroupId publicIpv4 publicIpv6
  userData { kind bytes sha256 } lastHeartbeatAt } }`;

function sshKeygen(type: string, bits?: number): { publicKey: string; md5: string } {
  const file = join(keyDir, `${type}-${bits ?? 0}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', 'test@hangar', '-f', file]);
  const md5 = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', `${file}.pub`]).toString().split(' ')[1]?.replace(/^MD5:/, '') ?? '';
  return { publicKey: readFileSync(`${file}.pub`, 'utf8'), md5 };
}

beforeAll(async () => {
  keyDir = mkdtempSync(join(tmpdir(), 'node-resources-keys-'));
  env = await startAcquisitionEnv({ deadlineScale: 0.05, simBoot: 'script' });
});
afterAll(async () => {
  await env?.stop();
  rmSync(keyDir, { recursive: true, force: true });
});

describe('a node with an SSH key, a label, user data, a network, a firewall and a placement group', () => {
  it('is created through GraphQL alone, lands on the simulator with all of them, and the real agent registers and heartbeats it', async () => {
    const connectionId = env.connection.id;
    // What the user made in the provider's console.
    const { network } = await hetzner('POST', '/networks', { name: 'private', ip_range: '10.0.0.0/16', subnets: [{ type: 'cloud', ip_range: '10.0.1.0/24', network_zone: 'eu-central' }] });
    const { firewall } = await hetzner('POST', '/firewalls', { name: 'ssh-only', rules: [{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0', '::/0'] }] });
    const { placement_group: group } = await hetzner('POST', '/placement_groups', { name: 'spread-web', type: 'spread' });

    const key = sshKeygen('ed25519');
    const added = (await gql(ADD_KEY, { input: { providerConnectionId: connectionId, name: 'laptop', publicKey: key.publicKey } })).data?.addSshKey;
    expect(added).toMatchObject({ __typename: 'AddSshKeyPayload', sshKey: { name: 'laptop', fingerprint: key.md5, keyType: 'ED25519', bits: 256 } });
    // The same key again (another name) is a typed conflict on the key, naming the stored one.
    const twice = (await gql(ADD_KEY, { input: { providerConnectionId: connectionId, name: 'laptop-again', publicKey: key.publicKey } })).data?.addSshKey;
    expect(twice).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', path: ['input', 'publicKey'] });
    expect(twice.message).toContain('laptop');

    const listed = (await gql(RESOURCES, { id: connectionId })).data?.providerConnection;
    expect(listed.sshKeys).toEqual([{ id: added.sshKey.id, name: 'laptop', fingerprint: key.md5, keyType: 'ED25519' }]);
    expect(listed.networks).toEqual([{ id: String(network.id), name: 'private', ipRange: '10.0.0.0/16', zones: ['eu-central'] }]);
    expect(listed.firewalls).toEqual([{ id: String(firewall.id), name: 'ssh-only', ruleCount: 1 }]);
    expect(listed.placementGroups).toEqual([{ id: String(group.id), name: 'spread-web', type: 'spread' }]);

    const created = (
      await gql(CREATE_NODE, {
        input: {
          providerConnectionId: connectionId,
          name: 'web-res',
          serverType: 'cx22',
          location: 'fsn1',
          image: 'ubuntu-24.04',
          sshKeys: ['laptop'],
          labels: [{ key: 'team', value: 'web' }],
          userData: USER_DATA,
          networkIds: [String(network.id)],
          firewallIds: [String(firewall.id)],
          placementGroupId: String(group.id),
          publicIpv6: false,
        },
      })
    ).data?.createNode;
    expect(created.__typename, JSON.stringify(created)).toBe('CreateNodePayload');
    const nodeId = created.node.id as string;
    await env.waitForPhase(nodeId, 'READY', 90_000);

    // The simulator's server, through its Hetzner API: label, network, firewall, placement group, no IPv6.
    const [simServer] = await env.simServers(nodeId);
    const { server } = await hetzner('GET', `/servers/${simServer?.id}`);
    expect(server.labels).toMatchObject({ team: 'web' });
    expect(server.private_net).toEqual([expect.objectContaining({ network: network.id, ip: '10.0.1.2' })]);
    expect(server.public_net.firewalls).toEqual([{ id: firewall.id, status: 'applied' }]);
    expect(server.placement_group).toMatchObject({ id: group.id, servers: [server.id] });
    expect(server.public_net.ipv4).not.toBeNull();
    expect(server.public_net.ipv6).toBeNull();
    // What Hetzner does not return on a server, from the simulator's own view: the key and the user data.
    const seen = simServer as unknown as { sshKeyIds: number[]; userDataParts: Array<{ type: string; bytes: number; sha256: string }> };
    expect(seen.sshKeyIds).toEqual([Number(added.sshKey.id)]);
    // Two parts: the user's cloud-config, whole, then Hangar's bootstrap (whose agent is running, below).
    expect(seen.userDataParts).toEqual([
      { type: 'text/cloud-config', bytes: Buffer.byteLength(USER_DATA), sha256: sha256Hex(USER_DATA) },
      { type: 'text/cloud-config', bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    // The real agent script, run from that multipart user data, registered the node and heartbeats.
    expect(simServer?.boot).toMatchObject({ mode: 'script', nodeId, registerAttempts: 1, lastError: null });

    const node = (await gql(NODE, { id: nodeId })).data?.node;
    expect(node).toMatchObject({
      phase: 'READY',
      sshKeyIds: [added.sshKey.id],
      sshKeyNames: ['laptop'],
      labels: [{ key: 'team', value: 'web' }],
      networkIds: [String(network.id)],
      firewallIds: [String(firewall.id)],
      placementGroupId: String(group.id),
      publicIpv4: true,
      publicIpv6: false,
      userData: { kind: 'CLOUD_CONFIG', bytes: Buffer.byteLength(USER_DATA) },
    });
    expect(node.userData.sha256).toBe(sha256Hex(USER_DATA));
    const first = Date.parse(node.lastHeartbeatAt);
    await waitUntil(async () => Date.parse((await gql(NODE, { id: nodeId })).data?.node.lastHeartbeatAt) > first, 'a later heartbeat');

    // The user data is never shown back nor logged.
    expect(JSON.stringify(await gql(NODE, { id: nodeId }))).not.toContain(USER_MARKER);
    expect(env.logLines.join('')).not.toContain(USER_MARKER);

    // A key in use may be removed from the project (the server keeps it); removing it twice is NOT_FOUND.
    expect((await gql(REMOVE_KEY, { input: { providerConnectionId: connectionId, id: added.sshKey.id } })).data?.removeSshKey).toEqual({
      __typename: 'RemoveSshKeyPayload',
      removedId: added.sshKey.id,
    });
    expect((await gql(REMOVE_KEY, { input: { providerConnectionId: connectionId, id: added.sshKey.id } })).data?.removeSshKey).toMatchObject({ code: 'NOT_FOUND' });
  }, 180_000);
});

describe('hostile inputs', () => {
  const huge = 'A'.repeat(10 * 1024 * 1024);

  it('refuses keys that are not one acceptable public key, without echoing them', async () => {
    const rsa1024 = sshKeygen('rsa', 1024).publicKey;
    const rsa2048 = sshKeygen('rsa', 2048);
    const ecdsa = sshKeygen('ecdsa', 384);
    const privateKey = readFileSync(join(keyDir, 'rsa-2048'), 'utf8');
    const cases: Array<[string, string]> = [
      ['huge', `ssh-ed25519 ${huge}`],
      ['nul', `${makePublicKey()}\u0000`],
      ['garbage', 'ssh-ed25519 not-base64!!'],
      ['truncated', makePublicKey().slice(0, 40)],
      ['dsa', 'ssh-dss AAAAB3NzaC1kc3MAAACBAP8='],
      ['rsa1024', rsa1024],
      ['private', privateKey],
      ['two', `${makePublicKey()}\n${makePublicKey()}`],
    ];
    for (const [label, publicKey] of cases) {
      const result = (await gql(ADD_KEY, { input: { providerConnectionId: env.connection.id, name: `k-${label}`, publicKey } })).data?.addSshKey;
      expect(result, label).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED', path: ['input', 'publicKey'] });
      expect(result.message.length, label).toBeLessThan(400);
      expect(result.message, label).not.toContain(publicKey.slice(12, 40));
    }
    expect((await gql(ADD_KEY, { input: { providerConnectionId: env.connection.id, name: 'a\u0000b', publicKey: makePublicKey() } })).data?.addSshKey).toMatchObject({ path: ['input', 'name'] });
    // RSA 2048 and ECDSA are accepted, with the fingerprint ssh-keygen computes.
    for (const [name, key, type] of [['rsa', rsa2048, 'RSA'], ['ecdsa', ecdsa, 'ECDSA']] as const) {
      const ok = (await gql(ADD_KEY, { input: { providerConnectionId: env.connection.id, name, publicKey: key.publicKey } })).data?.addSshKey;
      expect(ok).toMatchObject({ __typename: 'AddSshKeyPayload', sshKey: { fingerprint: key.md5, keyType: type } });
    }
    // A forged or foreign connection id is NOT_FOUND.
    for (const providerConnectionId of ['00000000-0000-0000-0000-000000000000', 'not-an-id']) {
      expect((await gql(ADD_KEY, { input: { providerConnectionId, name: 'x', publicKey: makePublicKey() } })).data?.addSshKey).toMatchObject({ code: 'NOT_FOUND' });
      expect((await gql(REMOVE_KEY, { input: { providerConnectionId, id: '1' } })).data?.removeSshKey).toMatchObject({ code: 'NOT_FOUND' });
    }
  }, 60_000);

  it('refuses resources the project does not have, bad user data and a node nobody can reach, before queueing', async () => {
    const other = await env.newConnection();
    const { network: foreignNetwork } = await hetzner('POST', '/networks', { name: 'theirs', ip_range: '10.1.0.0/16' }, other.project.token);
    const base = { providerConnectionId: env.connection.id, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' };
    const cases: Array<[string, Record<string, unknown>, string[]]> = [
      ['unknown key', { sshKeys: ['nobody-has-this-key'] }, ['input', 'sshKeys', '0']],
      ['foreign network', { networkIds: [String(foreignNetwork.id)] }, ['input', 'networkIds', '0']],
      ['forged firewall', { firewallIds: ['999999'] }, ['input', 'firewallIds', '0']],
      ['forged placement group', { placementGroupId: '12345678901234567890' }, ['input', 'placementGroupId']],
      ['huge id', { networkIds: [huge.slice(0, 10_000)] }, ['input', 'networkIds', '0']],
      ['nul id', { firewallIds: ['1\u00002'] }, ['input', 'firewallIds', '0']],
      ['nul placement group', { placementGroupId: '8\u00001' }, ['input', 'placementGroupId']],
      ['eleven networks', { networkIds: Array.from({ length: 11 }, (_, i) => String(i + 1)) }, ['input', 'networkIds']],
      ['a key twice', { sshKeys: ['a', 'a'] }, ['input', 'sshKeys', '1']],
      ['huge user data', { userData: `#cloud-config\n${huge}` }, ['input', 'userData']],
      ['nul user data', { userData: '#cloud-config\nruncmd: ["\u0000"]\n' }, ['input', 'userData']],
      ['not cloud-init', { userData: 'echo hello' }, ['input', 'userData']],
      ['just over the limit with the bootstrap', { userData: `#!/bin/sh\n# ${'x'.repeat(30 * 1024)}\n` }, ['input', 'userData']],
      ['unreachable', { publicIpv4: false, publicIpv6: false }, ['input', 'networkIds']],
    ];
    let n = 0;
    for (const [label, extra, path] of cases) {
      n += 1;
      const result = (await gql(CREATE_NODE, { input: { ...base, name: `hostile-${n}`, ...extra } })).data?.createNode;
      expect(result, label).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED', path });
      expect(result.message.length, label).toBeLessThan(500);
      expect(result.message, label).not.toContain('nobody-has-this-key');
      expect(result.message, label).not.toContain('AAAAAAAAAA');
    }
    expect(await env.testDb.db.node.count({ where: { name: { startsWith: 'hostile-' } } })).toBe(0);

    // A project the provider no longer lets us read: the live lists are a top-level PROVIDER_* error, never a 500.
    const revoked = await env.newConnection();
    await fetch(`${env.sim.url}/_sim/projects/${revoked.project.id}/revoke-tokens`, { method: 'POST' });
    const unreadable = await gql(RESOURCES, { id: revoked.connection.id });
    expect(unreadable.data?.providerConnection ?? null).toBeNull();
    expect(unreadable.errors?.[0]?.extensions?.code).toBe('PROVIDER_AUTH_FAILED');

    // Another project's key is not ours to remove, through our connection.
    const { ssh_key: foreignKey } = await hetzner('POST', '/ssh_keys', { name: 'theirs', public_key: makePublicKey() }, other.project.token);
    const removal = (await gql(REMOVE_KEY, { input: { providerConnectionId: env.connection.id, id: String(foreignKey.id) } })).data?.removeSshKey;
    expect(removal).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    await hetzner('GET', `/ssh_keys/${foreignKey.id}`, undefined, other.project.token);
  }, 60_000);
});

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function waitUntil(probe: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
