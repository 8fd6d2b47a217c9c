import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ADD_SSH_KEY, PROVIDER_RESOURCES_QUERY } from '../graphql/node-resources.ts';
import type { CreateNodeInput } from '../graphql/generated/graphql.ts';
import { fromOperationError, mutationOutcome, splitFieldErrors, type AppError } from '../errors.ts';
import { ErrorList, ErrorNotice } from '../components/ErrorNotice.tsx';
import { Field } from '../components/Field.tsx';

/**
 * The create form's "access and placement" part: SSH keys (and adding one inline), labels, the
 * node's own user data, private networks, firewalls, a placement group and public addresses.
 * Kept apart from CreateNodeForm (size, place and image) so each can change on its own.
 */

/** The form fields this part shows errors for (the API's paths, without indexes). */
export const RESOURCE_FIELDS = ['sshKeys', 'labels', 'userData', 'networkIds', 'firewallIds', 'placementGroupId', 'publicIpv4', 'publicIpv6'] as const;

export interface NodeResourcesValue {
  sshKeys: string[];
  labels: string;
  userData: string;
  networkIds: string[];
  firewallIds: string[];
  placementGroupId: string;
  publicIpv4: boolean;
  publicIpv6: boolean;
}

export const EMPTY_NODE_RESOURCES: NodeResourcesValue = {
  sshKeys: [],
  labels: '',
  userData: '',
  networkIds: [],
  firewallIds: [],
  placementGroupId: '',
  publicIpv4: true,
  publicIpv6: true,
};

/** "team=web, env=prod" as label entries (a line or a comma separates them). */
export function parseLabelText(text: string): Array<{ key: string; value: string }> {
  return text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const at = entry.indexOf('=');
      return at === -1 ? { key: entry, value: '' } : { key: entry.slice(0, at).trim(), value: entry.slice(at + 1).trim() };
    });
}

/** The part of CreateNodeInput this section fills. */
export function nodeResourcesInput(value: NodeResourcesValue): Partial<CreateNodeInput> {
  return {
    sshKeys: value.sshKeys,
    labels: parseLabelText(value.labels),
    userData: value.userData.trim() === '' ? null : value.userData,
    networkIds: value.networkIds,
    firewallIds: value.firewallIds,
    placementGroupId: value.placementGroupId === '' ? null : value.placementGroupId,
    publicIpv4: value.publicIpv4,
    publicIpv6: value.publicIpv6,
  };
}

function selected(options: HTMLOptionsCollection | HTMLCollectionOf<HTMLOptionElement>): string[] {
  return Array.from(options as ArrayLike<HTMLOptionElement>).filter((option) => option.selected).map((option) => option.value);
}

export function NodeResourcesFields({ connectionId, value, onChange, byField }: {
  connectionId: string;
  value: NodeResourcesValue;
  onChange: (next: NodeResourcesValue) => void;
  byField: Record<string, AppError>;
}) {
  const [resources, refetch] = useQuery({ query: PROVIDER_RESOURCES_QUERY, variables: { id: connectionId }, pause: !connectionId, requestPolicy: 'cache-and-network' });
  const project = resources.data?.providerConnection;
  const set = (patch: Partial<NodeResourcesValue>) => onChange({ ...value, ...patch });
  const noPublic = !value.publicIpv4 && !value.publicIpv6;

  return (
    <fieldset className="form-section" aria-label="Access and placement">
      <legend>Access and placement</legend>
      {resources.error && <ErrorNotice error={fromOperationError(resources.error)} title="Could not read the provider project's keys, networks and firewalls" />}
      <div className="form-grid">
        <Field label="SSH keys" help="Log in as root with one of these keys. Without a key, the provider e-mails a root password." error={byField.sshKeys}>
          <select name="sshKeys" multiple value={value.sshKeys} onChange={(event) => set({ sshKeys: selected(event.target.options) })} disabled={!project}>
            {project?.sshKeys.map((key) => (
              <option key={key.id} value={key.id}>{`${key.name} (${key.keyType ?? 'other'}${key.bits ? ` ${key.bits}` : ''}, ${key.fingerprint})`}</option>
            ))}
          </select>
        </Field>
        <AddSshKey connectionId={connectionId} onAdded={(id) => {
          set({ sshKeys: [...value.sshKeys, id] });
          refetch({ requestPolicy: 'network-only' });
        }} />
        <Field label="Labels" help='Optional, e.g. "team=web, env=prod".' error={byField.labels}>
          <input name="labels" value={value.labels} onChange={(event) => set({ labels: event.target.value })} autoComplete="off" spellCheck={false} placeholder="team=web" />
        </Field>
        <Field
          label="User data"
          help='Optional: your own cloud-config (first line "#cloud-config") or script (first line "#!/bin/sh"). It runs besides Hangar’s setup; it is stored encrypted and never shown again.'
          error={byField.userData}
        >
          <textarea name="userData" rows={5} value={value.userData} onChange={(event) => set({ userData: event.target.value })} spellCheck={false} placeholder="#cloud-config" />
        </Field>
        <Field label="Private networks" help="Optional. The network needs a subnet in the location’s network zone." error={byField.networkIds}>
          <select name="networkIds" multiple value={value.networkIds} onChange={(event) => set({ networkIds: selected(event.target.options) })} disabled={!project}>
            {project?.networks.map((network) => (
              <option key={network.id} value={network.id}>{`${network.name} (${network.ipRange}${network.zones.length ? `, ${network.zones.join(', ')}` : ', no subnet yet'})`}</option>
            ))}
          </select>
        </Field>
        <Field label="Firewalls" help="Optional. Applied to the public interface." error={byField.firewallIds}>
          <select name="firewallIds" multiple value={value.firewallIds} onChange={(event) => set({ firewallIds: selected(event.target.options) })} disabled={!project}>
            {project?.firewalls.map((firewall) => (
              <option key={firewall.id} value={firewall.id}>{`${firewall.name} (${firewall.ruleCount} ${firewall.ruleCount === 1 ? 'rule' : 'rules'})`}</option>
            ))}
          </select>
        </Field>
        <Field label="Placement group" help="Optional. Servers in one group run on different hosts." error={byField.placementGroupId}>
          <select name="placementGroupId" value={value.placementGroupId} onChange={(event) => set({ placementGroupId: event.target.value })} disabled={!project}>
            <option value="">None</option>
            {project?.placementGroups.map((group) => (
              <option key={group.id} value={group.id}>{`${group.name} (${group.serverCount} ${group.serverCount === 1 ? 'server' : 'servers'})`}</option>
            ))}
          </select>
        </Field>
        <div className="field">
          <label><input type="checkbox" name="publicIpv4" checked={value.publicIpv4} onChange={(event) => set({ publicIpv4: event.target.checked })} /> Public IPv4 address</label>
          <label><input type="checkbox" name="publicIpv6" checked={value.publicIpv6} onChange={(event) => set({ publicIpv6: event.target.checked })} /> Public IPv6 network</label>
          {noPublic && <p className="field-help">Without a public address the node is reachable only through a private network: choose one above.</p>}
          {(byField.publicIpv4 ?? byField.publicIpv6) && <ErrorList errors={[byField.publicIpv4 ?? byField.publicIpv6!]} />}
        </div>
      </div>
    </fieldset>
  );
}

/** Adds a public key to the provider project without leaving the form. */
function AddSshKey({ connectionId, onAdded }: { connectionId: string; onAdded: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [errors, setErrors] = useState<AppError[]>([]);
  const [adding, addSshKey] = useMutation(ADD_SSH_KEY);
  const { byField, general } = splitFieldErrors(errors, ['name', 'publicKey']);

  if (!open) {
    return (
      <div className="field">
        <button type="button" className="secondary" onClick={() => setOpen(true)} disabled={!connectionId}>Add an SSH key</button>
      </div>
    );
  }

  async function add() {
    const result = await addSshKey({ input: { providerConnectionId: connectionId, name: name.trim(), publicKey } });
    const outcome = mutationOutcome(result, result.data?.addSshKey);
    if (outcome.errors) {
      setErrors(outcome.errors);
      return;
    }
    setErrors([]);
    setName('');
    setPublicKey('');
    setOpen(false);
    onAdded(outcome.payload.sshKey.id);
  }

  return (
    <div className="inline-form" role="group" aria-label="Add an SSH key">
      <ErrorList errors={general} />
      <Field label="Key name" error={byField.name}>
        <input name="sshKeyName" value={name} onChange={(event) => setName(event.target.value)} autoComplete="off" placeholder="laptop" />
      </Field>
      <Field label="Public key" help="The contents of ~/.ssh/id_ed25519.pub (Ed25519, ECDSA, or RSA of at least 2048 bits)." error={byField.publicKey}>
        <textarea name="sshPublicKey" rows={3} value={publicKey} onChange={(event) => setPublicKey(event.target.value)} spellCheck={false} placeholder="ssh-ed25519 AAAA… you@laptop" />
      </Field>
      <div className="actions">
        <button type="button" onClick={() => void add()} disabled={adding.fetching}>{adding.fetching ? 'Adding…' : 'Add key'}</button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>Cancel</button>
      </div>
    </div>
  );
}
