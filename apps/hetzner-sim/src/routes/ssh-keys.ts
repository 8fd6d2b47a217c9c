import { createHash } from 'node:crypto';
import { type ApiRequest, type ApiRoute, type SimDeps, listReply } from '../context.ts';
import { notFound, uniquenessError } from '../errors.ts';
import { compileLabelSelector } from '../label-selector.ts';
import { readLabels } from '../labels.ts';
import { paginate } from '../pagination.ts';
import { renderSshKey } from '../render.ts';
import { sortItems } from '../sorting.ts';
import { type SshKey, nextId } from '../state.ts';
import { FieldErrors, isRecord, parseId } from '../validate.ts';

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
const MAX_NAME_LENGTH = 128;
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

function readName(value: unknown, errors: FieldErrors): string | null {
  if (typeof value !== 'string' || value.trim() === '') {
    errors.add('name', 'is required and must be a non-empty string');
    return null;
  }
  if (value.length > MAX_NAME_LENGTH) errors.add('name', `is longer than ${MAX_NAME_LENGTH} characters`);
  return value;
}

export function sshKeyRoutes(deps: SimDeps): ApiRoute[] {
  const { state } = deps;
  const ofProject = (req: ApiRequest): SshKey[] => [...state.sshKeys.values()].filter((k) => k.projectId === req.project.id);
  const find = (req: ApiRequest): SshKey => {
    const id = parseId(req.params.id);
    const key = id === null ? undefined : state.sshKeys.get(id);
    if (!key || key.projectId !== req.project.id) throw notFound('SSH key');
    return key;
  };
  const assertNameFree = (req: ApiRequest, name: string, self: SshKey | null): void => {
    if (ofProject(req).some((k) => k.name === name && k !== self)) throw uniquenessError('name', 'SSH key with the same name already exists');
  };

  return [
    {
      method: 'GET',
      pattern: '/ssh_keys',
      handler: (req) => {
        const name = req.query.get('name');
        const fingerprint = req.query.get('fingerprint');
        const selector = compileLabelSelector(req.query.get('label_selector'));
        const matching = ofProject(req).filter(
          (k) => (name === null || k.name === name) && (fingerprint === null || k.fingerprint === fingerprint) && selector(k.labels),
        );
        const sorted = sortItems(matching, req.query, { id: (k) => k.id, name: (k) => k.name }, (k) => k.id);
        return listReply('ssh_keys', paginate(sorted, req.query, req.url), renderSshKey);
      },
    },
    {
      method: 'POST',
      pattern: '/ssh_keys',
      handler: async (req) => {
        const body = await req.json();
        const errors = new FieldErrors();
        const input = isRecord(body) ? body : {};
        if (!isRecord(body)) errors.add('body', 'must be a JSON object');
        const name = readName(input.name, errors);
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
    {
      method: 'GET',
      pattern: '/ssh_keys/:id',
      handler: (req) => ({ status: 200, body: { ssh_key: renderSshKey(find(req)) } }),
    },
    {
      method: 'PUT',
      pattern: '/ssh_keys/:id',
      handler: async (req) => {
        const key = find(req);
        const body = await req.json();
        const errors = new FieldErrors();
        const input = isRecord(body) ? body : {};
        if (!isRecord(body)) errors.add('body', 'must be a JSON object');
        const name = input.name === undefined ? null : readName(input.name, errors);
        const labels = input.labels === undefined ? null : readLabels(input.labels, errors);
        errors.throwIfAny();
        if (name !== null) {
          assertNameFree(req, name, key);
          key.name = name;
        }
        if (labels !== null) key.labels = labels;
        return { status: 200, body: { ssh_key: renderSshKey(key) } };
      },
    },
    {
      method: 'DELETE',
      pattern: '/ssh_keys/:id',
      handler: (req) => {
        state.sshKeys.delete(find(req).id);
        return { status: 204 };
      },
    },
  ];
}
