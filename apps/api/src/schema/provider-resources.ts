import { actorOf } from '@hangar/core/provider-connections';
import { addSshKey, listFirewalls, listNetworks, listPlacementGroups, listSshKeys, removeSshKey, type SshKeyView } from '@hangar/core/provider-resources';
import type { ProviderFirewall, ProviderNetwork, ProviderPlacementGroup } from '@hangar/providers/provider';
import { builder } from './builder.ts';
import { mutationErrors, typedErrors } from './error-types.ts';
import { NodeRef } from './node.ts';
import { ProviderConnectionRef } from './provider-connection.ts';

// What a provider project holds besides servers (core provider-resources.ts): SSH keys,
// networks, firewalls and placement groups of a connection, and what a node was created with.

const SshKeyTypeEnum = builder.enumType('SshKeyType', { values: ['ED25519', 'ECDSA', 'RSA'] as const });

const SshKeyRef = builder.objectRef<SshKeyView>('SshKey').implement({
  description: 'An SSH public key stored in the provider project; nodes created with it accept logins with its private key.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The provider’s id of the key.' }),
    name: t.exposeString('name'),
    fingerprint: t.exposeString('fingerprint', { description: 'MD5, colon-separated hex, as the provider shows it (`ssh-keygen -l -E md5 -f key.pub`).' }),
    publicKey: t.exposeString('publicKey', { description: 'The public key in OpenSSH format (public: safe to show).' }),
    keyType: t.field({ type: SshKeyTypeEnum, nullable: true, description: 'null for a key type Hangar does not accept for new keys.', resolve: (key) => key.keyType }),
    bits: t.exposeInt('bits', { nullable: true }),
    createdAt: t.string({ description: 'When it was added (RFC 3339, as the provider states it).', resolve: (key) => key.createdAt }),
  }),
});

const NetworkRef = builder.objectRef<ProviderNetwork>('Network').implement({
  description: 'A private network of the provider project.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    ipRange: t.exposeString('ipRange', { description: 'CIDR, e.g. 10.0.0.0/16.' }),
    zones: t.exposeStringList('zones', { description: 'Network zones with a subnet (e.g. eu-central): a node can join from a location in one of them.' }),
    serverCount: t.exposeInt('serverCount'),
  }),
});

const FirewallRef = builder.objectRef<ProviderFirewall>('Firewall').implement({
  description: 'A firewall of the provider project, applied to a server’s public interface.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    ruleCount: t.exposeInt('ruleCount'),
    serverCount: t.exposeInt('serverCount'),
  }),
});

const PlacementGroupRef = builder.objectRef<ProviderPlacementGroup>('PlacementGroup').implement({
  description: 'A placement group: its servers run on different physical hosts (type spread).',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    type: t.exposeString('type'),
    serverCount: t.exposeInt('serverCount'),
  }),
});

const LIVE = 'Read live from the provider on every query (one paginated list call); provider failures are top-level errors with the PROVIDER_* code.';
const adapterSelect = { id: true, kind: true, apiEndpoint: true, tokenSealed: true, name: true } as const;

builder.prismaObjectFields(ProviderConnectionRef, (t) => ({
  sshKeys: t.field({ type: [SshKeyRef], description: `The SSH keys of the provider project, by name. ${LIVE}`, select: adapterSelect, resolve: (c, _a, ctx) => listSshKeys(ctx.deps, c) }),
  networks: t.field({ type: [NetworkRef], description: `Private networks of the provider project. ${LIVE}`, select: adapterSelect, resolve: (c, _a, ctx) => listNetworks(ctx.deps, c) }),
  firewalls: t.field({ type: [FirewallRef], description: `Firewalls of the provider project. ${LIVE}`, select: adapterSelect, resolve: (c, _a, ctx) => listFirewalls(ctx.deps, c) }),
  placementGroups: t.field({
    type: [PlacementGroupRef],
    description: `Placement groups of the provider project. ${LIVE}`,
    select: adapterSelect,
    resolve: (c, _a, ctx) => listPlacementGroups(ctx.deps, c),
  }),
}));

const UserDataKindEnum = builder.enumType('UserDataKind', { values: ['CLOUD_CONFIG', 'SCRIPT'] as const });

const UserDataSummaryRef = builder.objectRef<{ kind: 'CLOUD_CONFIG' | 'SCRIPT'; bytes: number; sha256: string }>('UserDataSummary').implement({
  description: 'The node’s own user data, never shown itself (it may hold secrets): its kind, size and SHA-256, to compare with your copy.',
  fields: (t) => ({
    kind: t.field({ type: UserDataKindEnum, resolve: (summary) => summary.kind }),
    bytes: t.exposeInt('bytes', { description: 'Size in bytes (UTF-8), without Hangar’s bootstrap.' }),
    sha256: t.exposeString('sha256', { description: 'SHA-256 of the text, hex (`sha256sum user-data`).' }),
  }),
});

builder.prismaObjectFields(NodeRef, (t) => ({
  sshKeyIds: t.exposeStringList('sshKeyIds', { description: 'The provider’s ids of the SSH keys installed (names in sshKeyNames).' }),
  userData: t.field({
    type: UserDataSummaryRef,
    nullable: true,
    description: 'The node’s own user data (kind, size, SHA-256); null without one.',
    select: { userDataKind: true, userDataBytes: true, userDataSha256: true },
    resolve: (node) =>
      node.userDataBytes === null || node.userDataSha256 === null
        ? null
        : { kind: node.userDataKind === 'SCRIPT' ? ('SCRIPT' as const) : ('CLOUD_CONFIG' as const), bytes: node.userDataBytes, sha256: node.userDataSha256 },
  }),
  networkIds: t.exposeStringList('networkIds', { description: 'Private networks the server is attached to (provider ids).' }),
  firewallIds: t.exposeStringList('firewallIds', { description: 'Firewalls applied to the server (provider ids).' }),
  placementGroupId: t.exposeString('placementGroupId', { nullable: true, description: 'The server’s placement group (provider id).' }),
  publicIpv4: t.exposeBoolean('publicIpv4', { description: 'Whether the server was created with a public IPv4 address.' }),
  publicIpv6: t.exposeBoolean('publicIpv6', { description: 'Whether the server was created with a public IPv6 network.' }),
}));

const AddSshKeyInput = builder.inputType('AddSshKeyInput', {
  fields: (t) => ({
    providerConnectionId: t.id({ required: true }),
    name: t.string({ required: true, description: '1–128 characters, unique in the provider project.' }),
    publicKey: t.string({
      required: true,
      description: 'One OpenSSH public key line (e.g. the contents of ~/.ssh/id_ed25519.pub): Ed25519, ECDSA (P-256/384/521) or RSA of at least 2048 bits.',
    }),
  }),
});

const RemoveSshKeyInput = builder.inputType('RemoveSshKeyInput', {
  fields: (t) => ({
    providerConnectionId: t.id({ required: true }),
    id: t.id({ required: true, description: 'The provider’s id of the key (ProviderConnection.sshKeys).' }),
  }),
});

const AddSshKeyPayload = builder.objectRef<{ sshKey: SshKeyView }>('AddSshKeyPayload').implement({
  description: 'addSshKey succeeded: the key as the provider stored it.',
  fields: (t) => ({ sshKey: t.field({ type: SshKeyRef, resolve: (payload) => payload.sshKey }) }),
});

const RemoveSshKeyPayload = builder.objectRef<{ removedId: string }>('RemoveSshKeyPayload').implement({
  description: 'removeSshKey succeeded: the id of the removed key. Servers created with it keep it.',
  fields: (t) => ({ removedId: t.exposeID('removedId') }),
});

builder.mutationFields((t) => ({
  addSshKey: t.withAuth({ authenticated: true }).field({
    type: AddSshKeyPayload,
    description:
      'Stores an SSH public key in the connection’s provider project, to create nodes with (createNode sshKeys). The key is parsed and checked first: ' +
      'ValidationError (path input.publicKey) for anything but one Ed25519, ECDSA or RSA ≥ 2048-bit public key; ConflictError (path input.publicKey) ' +
      'when the project has a key with the same fingerprint, (path input.name) when the name is taken.',
    args: { input: t.arg({ type: AddSshKeyInput, required: true }) },
    errors: mutationErrors('AddSshKey', ['input', 'notFound', 'conflict', 'provider', 'rateLimited']),
    resolve: typedErrors(async (_root, { input }, ctx) => ({
      sshKey: await addSshKey(ctx.deps, actorOf(ctx.principal), { providerConnectionId: String(input.providerConnectionId), name: input.name, publicKey: input.publicKey }),
    })),
  }),
  removeSshKey: t.withAuth({ authenticated: true }).field({
    type: RemoveSshKeyPayload,
    description: 'Deletes an SSH key from the connection’s provider project (servers created with it keep it). NotFoundError for a key the project does not have.',
    args: { input: t.arg({ type: RemoveSshKeyInput, required: true }) },
    errors: mutationErrors('RemoveSshKey', ['notFound', 'provider', 'rateLimited']),
    resolve: typedErrors(async (_root, { input }, ctx) => ({
      removedId: await removeSshKey(ctx.deps, actorOf(ctx.principal), { providerConnectionId: String(input.providerConnectionId), id: String(input.id) }),
    })),
  }),
}));


