/**
 * The shared adapter conformance suite (conformance.ts) against the Hetzner adapter and the
 * Hetzner simulator over HTTP. A second provider adds its target and one runAdapterConformance line.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createProviderAdapter } from '../src/registry.ts';
import { runAdapterConformance, type ConformanceTarget } from './conformance.ts';
import { addFault, admin, createProject, startSimulator } from './support/simulator.ts';

/** An OpenSSH ed25519 public key line ("ssh-ed25519 AAAA… comment"). */
function ed25519PublicKey(comment: string): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  const raw = der.subarray(der.length - 32);
  const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]).toString('base64')} ${comment}`;
}

async function hetznerSimulatorTarget(): Promise<ConformanceTarget> {
  const sim = await startSimulator('fast');
  const project = await createProject(sim);
  const apiEndpoint = `${sim.url}/v1`;
  const tuning = { actionPoll: { initialIntervalMs: 20, maxIntervalMs: 100 } };
  const keys = new Map<number, string>();
  return {
    adapter: createProviderAdapter({ kind: 'HETZNER', apiEndpoint, token: project.token, ...tuning }),
    refusedAdapter: createProviderAdapter({ kind: 'HETZNER', apiEndpoint, token: 'x'.repeat(64), ...tuning }),
    token: project.token,
    placement: { serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' },
    async createSshKey(name) {
      const response = await fetch(`${apiEndpoint}/ssh_keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${project.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, public_key: ed25519PublicKey(name) }),
      });
      if (response.status !== 201) throw new Error(`the simulator refused the SSH key (HTTP ${response.status})`);
      const { ssh_key: key } = (await response.json()) as { ssh_key: { id: number; name: string } };
      keys.set(key.id, key.name);
      return key.name;
    },
    async refuseCapacity(location) {
      const id = await addFault(sim, { method: 'POST', path: '/servers', location, projectId: project.id, error: { code: 'resource_unavailable', message: `no capacity in ${location}` } });
      return async () => {
        await admin(sim, 'DELETE', `/_sim/faults/${id}`);
      };
    },
    async inspect(serverId) {
      const { servers } = await admin<{ servers: Array<{ id: number; sshKeyIds: number[]; userDataSha256: string | null }> }>(sim, 'GET', `/_sim/servers?projectId=${project.id}`);
      const server = servers.find((entry) => String(entry.id) === serverId);
      if (!server) throw new Error(`no server ${serverId} at the simulator`);
      return { sshKeyNames: server.sshKeyIds.map((id) => keys.get(id) ?? `#${id}`), userDataSha256: server.userDataSha256 };
    },
    close: () => sim.stop(),
  };
}

runAdapterConformance('Hetzner adapter against the Hetzner simulator', hetznerSimulatorTarget);
