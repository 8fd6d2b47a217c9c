import { createHash } from 'node:crypto';
import { type ApiRoute, type SimDeps } from '../context.ts';
import { uniquenessError } from '../errors.ts';
import { readLabels } from '../labels.ts';
import { type ResourceKind, readResourceName, resourceRoutes, resourceTools } from '../project-resource.ts';
import { renderSshKey } from '../render.ts';
import { type SshKey, nextId } from '../state.ts';
import { FieldErrors, isRecord } from '../validate.ts';

/** SSH keys: list/create/get/update/delete. Name and fingerprint are unique per project. */

const KEY_TYPES = new Set([
  'ssh-rsa',
  'ssh-dss',
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
]);
const UINT32_BYTES = 4;

/**
 * The MD5 fingerprint Hetzner shows (aa:bb:…), or null when the text is not an OpenSSH public
 * key whose blob names the same key type as its prefix.
 */
export function fingerprintOf(publicKey: string): string | null {
  const [type, base64] = publicKey.trim().split(/\s+/);
  if (type === undefined || base64 === undefined || !KEY_TYPES.has(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  const blob = Buffer.from(base64, 'base64');
  if (blob.length < UINT32_BYTES) return null;
  const typeLength = blob.readUInt32BE(0);
  if (blob.subarray(UINT32_BYTES, UINT32_BYTES + typeLength).toString('latin1') !== type) return null;
  return createHash('md5').update(blob).digest('hex').match(/../g)?.join(':') ?? null;
}

export function sshKeyRoutes(deps: SimDeps): ApiRoute[] {
  const { state } = deps;
  const kind: ResourceKind<SshKey> = {
    plural: 'ssh_keys',
    singular: 'ssh_key',
    title: 'SSH key',
    store: state.sshKeys,
    // The spec sorts SSH keys by id and name only.
    sortFields: { id: (key) => key.id, name: (key) => key.name },
    render: renderSshKey,
    filter: (key, query) => {
      const fingerprint = query.get('fingerprint');
      return fingerprint === null || key.fingerprint === fingerprint;
    },
  };
  const { ofProject, assertNameFree } = resourceTools(kind);

  return [
    ...resourceRoutes(kind),
    {
      // Its own create: a body that is not an object is listed with the other broken fields, and
      // the fingerprint must be free as well as the name.
      method: 'POST',
      pattern: '/ssh_keys',
      handler: async (req) => {
        const body = await req.json();
        const errors = new FieldErrors();
        const input = isRecord(body) ? body : {};
        if (!isRecord(body)) errors.add('body', 'must be a JSON object');
        const name = readResourceName(input.name, errors);
        let fingerprint: string | null = null;
        if (typeof input.public_key !== 'string') errors.add('public_key', 'is required and must be a string');
        else {
          fingerprint = fingerprintOf(input.public_key);
          if (fingerprint === null) errors.add('public_key', 'is not a valid OpenSSH public key');
        }
        const labels = readLabels(input.labels, errors);
        errors.throwIfAny();
        if (name === null || fingerprint === null) throw new Error('unreachable: validated above');
        assertNameFree(req, name, null);
        if (ofProject(req).some((k) => k.fingerprint === fingerprint)) {
          throw uniquenessError('public_key', 'SSH key with the same fingerprint already exists');
        }
        const key: SshKey = {
          id: nextId(state, 'sshKey'),
          projectId: req.project.id,
          name,
          publicKey: (input.public_key as string).trim(),
          fingerprint,
          labels,
          createdMs: req.now,
        };
        state.sshKeys.set(key.id, key);
        return { status: 201, body: { ssh_key: renderSshKey(key) } };
      },
    },
  ];
}
