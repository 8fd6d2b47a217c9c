/**
 * What a provider project holds besides servers, per connection: SSH keys (list, add, remove),
 * private networks, firewalls and placement groups (list), and the check createNode makes that
 * the ones a node names exist. Read live from the provider (never cached: another tool may
 * change them at any time).
 *
 * Invariants:
 * - Every call is scoped to the caller's organization: another organization's connection, or a
 *   malformed id, is NOT_FOUND.
 * - A public key is parsed and checked here (ssh-public-key.ts) before the provider sees it; no
 *   message quotes a key, a name of a key that does not exist, or an id that is not ours.
 * - Provider failures are HangarErrors with the PROVIDER_* code.
 */
import { HangarError } from '@hangar/domain/api-errors';
import { displayTextProblem, shownId } from '@hangar/domain/text-rules';
import type { ProviderAdapter, ProviderFirewall, ProviderNetwork, ProviderPlacementGroup, ProviderSshKey } from '@hangar/providers/provider';
import { isProviderError } from '@hangar/providers/provider-error';
import type { ProviderConnection } from '@hangar/db/generated/prisma/client';
import { recordAudit } from './audit.ts';
import type { CoreDeps } from './deps.ts';
import { INTERACTIVE_TUNING, type ConnectionActor, type ConnectionQuery, getConnection, openConnectionAdapter, providerHangarError } from './provider-connections.ts';
import { parseSshPublicKey, type SshKeyType } from './ssh-public-key.ts';

/** Longest SSH key name, in characters (Hetzner's limit for names). */
export const SSH_KEY_NAME_MAX_CHARS = 128;
/** Most SSH keys, networks or firewalls one node may name. */
export const NODE_RESOURCE_REFS_MAX = 10;
/** Longest id or name accepted in a reference, in characters. */
const REF_MAX_CHARS = 128;

/** An SSH key of the provider project, as the API shows it. */
export type SshKeyView = ProviderSshKey & { keyType: SshKeyType | null; bits: number | null };

type AdapterConnection = Pick<ProviderConnection, 'id' | 'kind' | 'apiEndpoint' | 'tokenSealed'>;

/** Runs a provider call, turning its failure into the PROVIDER_* HangarError. */
async function provider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isProviderError(error)) throw providerHangarError(error.info, error.retryAfterMs);
    throw error;
  }
}

function adapterOf(deps: CoreDeps, connection: AdapterConnection): ProviderAdapter {
  return openConnectionAdapter(deps, connection, INTERACTIVE_TUNING);
}

function toView(key: ProviderSshKey): SshKeyView {
  const parsed = parseSshPublicKey(key.publicKey);
  return 'problem' in parsed ? { ...key, keyType: null, bits: null } : { ...key, keyType: parsed.type, bits: parsed.bits };
}

/** The connection's SSH keys, by name. */
export async function listSshKeys(deps: CoreDeps, connection: AdapterConnection): Promise<SshKeyView[]> {
  const keys = await provider(() => adapterOf(deps, connection).listSshKeys());
  return keys.map(toView).sort((a, b) => a.name.localeCompare(b.name));
}

export async function listNetworks(deps: CoreDeps, connection: AdapterConnection): Promise<ProviderNetwork[]> {
  return (await provider(() => adapterOf(deps, connection).listNetworks())).sort((a, b) => a.name.localeCompare(b.name));
}

export async function listFirewalls(deps: CoreDeps, connection: AdapterConnection): Promise<ProviderFirewall[]> {
  return (await provider(() => adapterOf(deps, connection).listFirewalls())).sort((a, b) => a.name.localeCompare(b.name));
}

export async function listPlacementGroups(deps: CoreDeps, connection: AdapterConnection): Promise<ProviderPlacementGroup[]> {
  return (await provider(() => adapterOf(deps, connection).listPlacementGroups())).sort((a, b) => a.name.localeCompare(b.name));
}

function invalid(field: string, message: string): HangarError {
  return new HangarError('VALIDATION_FAILED', message, { field });
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The caller's connection, or NOT_FOUND without the id in the message: these inputs carry other
 * ids too, and no answer may differ by which of them was someone else's.
 */
export async function ownConnection(deps: CoreDeps, organizationId: string, id: string, query: ConnectionQuery = {}): Promise<ProviderConnection> {
  const notFound = () => new HangarError('NOT_FOUND', 'no provider connection with that id in your organization');
  if (!UUID_RE.test(id)) throw notFound();
  try {
    return await getConnection(deps, organizationId, id, query);
  } catch (error) {
    if (error instanceof HangarError && error.code === 'NOT_FOUND') throw notFound();
    throw error;
  }
}

/**
 * Stores a public key in the connection's provider project. VALIDATION_FAILED (publicKey, name)
 * for a key or name that cannot be one; CONFLICT when the project has a key with the same
 * fingerprint (path publicKey, naming that key) or the same name.
 */
export async function addSshKey(
  deps: CoreDeps,
  actor: ConnectionActor,
  input: { providerConnectionId: string; name: string; publicKey: string },
): Promise<SshKeyView> {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '' || name.length > SSH_KEY_NAME_MAX_CHARS) throw invalid('name', `name must be 1–${SSH_KEY_NAME_MAX_CHARS} characters`);
  const nameProblem = displayTextProblem(name);
  if (nameProblem !== null) throw invalid('name', `name ${nameProblem}`);
  const key = parseSshPublicKey(input.publicKey);
  if ('problem' in key) throw invalid('publicKey', key.problem);

  const connection = await ownConnection(deps, actor.organizationId, input.providerConnectionId);
  const adapter = adapterOf(deps, connection);
  const existing = await provider(() => adapter.listSshKeys());
  const twin = existing.find((other) => other.fingerprint === key.fingerprintMd5);
  if (twin) {
    throw new HangarError('CONFLICT', `this key is already in the provider project as "${twin.name}" (fingerprint ${key.fingerprintMd5}); use that key`, { field: 'publicKey' });
  }
  if (existing.some((other) => other.name === name)) throw new HangarError('CONFLICT', 'the provider project has another SSH key with this name; choose another name', { field: 'name' });
  let created: ProviderSshKey;
  try {
    created = await adapter.createSshKey({ name, publicKey: key.normalized });
  } catch (error) {
    // Added meanwhile by someone else: the same answer as above.
    if (isProviderError(error) && error.code === 'PROVIDER_NAME_TAKEN') throw new HangarError('CONFLICT', 'the provider project has an SSH key with this name or fingerprint', { field: 'publicKey' });
    if (isProviderError(error)) throw providerHangarError(error.info, error.retryAfterMs);
    throw error;
  }
  await recordAudit(deps.db, {
    organizationId: actor.organizationId,
    apiTokenId: actor.apiTokenId,
    action: 'provider_connection.add_ssh_key',
    targetType: 'ProviderConnection',
    targetId: connection.id,
    details: { sshKeyId: created.id, name: created.name, fingerprint: created.fingerprint },
  });
  return toView(created);
}

/** Deletes a key from the connection's provider project; NOT_FOUND when the project has no such key. */
export async function removeSshKey(deps: CoreDeps, actor: ConnectionActor, input: { providerConnectionId: string; id: string }): Promise<string> {
  const connection = await ownConnection(deps, actor.organizationId, input.providerConnectionId);
  const id = typeof input.id === 'string' ? input.id : '';
  const adapter = adapterOf(deps, connection);
  const keys = await provider(() => adapter.listSshKeys());
  const key = keys.find((candidate) => candidate.id === id);
  if (!key) throw new HangarError('NOT_FOUND', `no SSH key ${shownId(id)} in the provider project of "${connection.name}"`);
  await provider(() => adapter.deleteSshKey(key.id));
  await recordAudit(deps.db, {
    organizationId: actor.organizationId,
    apiTokenId: actor.apiTokenId,
    action: 'provider_connection.remove_ssh_key',
    targetType: 'ProviderConnection',
    targetId: connection.id,
    details: { sshKeyId: key.id, name: key.name, fingerprint: key.fingerprint },
  });
  return key.id;
}

/** What a node asks for from the provider project besides its size and place. */
export interface NodeResourceRefs {
  /** SSH keys by provider id or name. */
  sshKeys: string[];
  networkIds: string[];
  firewallIds: string[];
  placementGroupId: string | null;
}

/** The same, checked against the project: keys resolved to ids (with their names). */
export interface ResolvedNodeResources {
  sshKeys: Array<{ id: string; name: string }>;
  networkIds: string[];
  firewallIds: string[];
  placementGroupId: string | null;
}

/** One reference's shape (length, characters); null when absent. */
export function readRef(field: string, raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const ref = typeof raw === 'string' ? raw.trim() : String(raw);
  if (ref === '' || ref.length > REF_MAX_CHARS || displayTextProblem(ref) !== null) {
    throw invalid(field, `must be an id or name of 1–${REF_MAX_CHARS} printable characters`);
  }
  return ref;
}

/** Checks the shape of a list of references (count, length, characters, duplicates). */
export function readRefs(field: string, value: readonly unknown[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  if (value.length > NODE_RESOURCE_REFS_MAX) throw invalid(field, `at most ${NODE_RESOURCE_REFS_MAX} entries (got ${value.length})`);
  const refs = value.map((raw, i) => readRef(`${field}.${i}`, raw ?? '') ?? '');
  const twice = refs.findIndex((ref, i) => refs.indexOf(ref) !== i);
  if (twice !== -1) throw invalid(`${field}.${twice}`, `${field} lists the same entry twice`);
  return refs;
}

/**
 * Checks that every SSH key (id or name), network, firewall and placement group exists in the
 * connection's provider project (one list call per kind named). VALIDATION_FAILED names the
 * entry, e.g. path input.networkIds.1; provider failures are PROVIDER_* HangarErrors.
 */
export async function resolveNodeResources(deps: CoreDeps, connection: AdapterConnection, refs: NodeResourceRefs): Promise<ResolvedNodeResources> {
  const adapter = adapterOf(deps, connection);
  const none = Promise.resolve([]);
  const [keys, networks, firewalls, groups] = await provider(() =>
    Promise.all([
      refs.sshKeys.length > 0 ? adapter.listSshKeys() : none,
      refs.networkIds.length > 0 ? adapter.listNetworks() : none,
      refs.firewallIds.length > 0 ? adapter.listFirewalls() : none,
      refs.placementGroupId !== null ? adapter.listPlacementGroups() : none,
    ] as const),
  );
  const sshKeys = refs.sshKeys.map((ref, i) => {
    const key = (keys as ProviderSshKey[]).find((candidate) => candidate.id === ref) ?? (keys as ProviderSshKey[]).find((candidate) => candidate.name === ref);
    if (!key) throw invalid(`sshKeys.${i}`, `SSH key ${i + 1} is not in the provider project of "${connectionName(connection)}" (by id or name); add it first (addSshKey)`);
    return { id: key.id, name: key.name };
  });
  if (new Set(sshKeys.map((key) => key.id)).size !== sshKeys.length) throw invalid('sshKeys', 'sshKeys names the same key twice (by id and by name)');
  const exists = (field: string, what: string, items: ReadonlyArray<{ id: string }>, ids: string[]) =>
    ids.forEach((id, i) => {
      if (!items.some((item) => item.id === id)) throw invalid(`${field}.${i}`, `${what} ${shownId(id)} is not in the provider project of "${connectionName(connection)}"`);
    });
  exists('networkIds', 'network', networks as ProviderNetwork[], refs.networkIds);
  exists('firewallIds', 'firewall', firewalls as ProviderFirewall[], refs.firewallIds);
  if (refs.placementGroupId !== null && !(groups as ProviderPlacementGroup[]).some((group) => group.id === refs.placementGroupId)) {
    throw invalid('placementGroupId', `placement group ${shownId(refs.placementGroupId)} is not in the provider project of "${connectionName(connection)}"`);
  }
  return { sshKeys, networkIds: refs.networkIds, firewallIds: refs.firewallIds, placementGroupId: refs.placementGroupId };
}

function connectionName(connection: AdapterConnection): string {
  return 'name' in connection && typeof connection.name === 'string' ? connection.name : 'the connection';
}
