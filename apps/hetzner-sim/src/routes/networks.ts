import { type ApiRoute, type SimDeps } from '../context.ts';
import { LOCATIONS } from '../catalog-data.ts';
import { toRfc3339 } from '../clock.ts';
import { invalidInput } from '../errors.ts';
import { isGone, startAction } from '../lifecycle.ts';
import { type ResourceKind, createRoute, resourceRoutes, resourceTools } from '../project-resource.ts';
import { renderAction } from '../render.ts';
import { type Network, type SimState, type Subnet } from '../state.ts';
import { FieldErrors, isRecord } from '../validate.ts';

/**
 * Private networks: list/create/get/update/delete and the add_subnet action. A server attaches
 * to a network through a subnet in its location's network zone and gets the subnet's next free
 * address (the first one is the gateway). Deleting a network detaches its servers (render.ts
 * shows only attachments to networks that exist): "Attached resources will be detached
 * automatically" (the spec), so a network is never in use.
 */

const NETWORK_ZONES = new Set(LOCATIONS.map((location) => location.network_zone));
const SUBNET_TYPES = new Set(['cloud', 'server', 'vswitch']);
const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const MIN_PREFIX = 8;
const MAX_PREFIX = 30;

interface Cidr {
  base: number;
  prefix: number;
}

function parseCidr(text: unknown): Cidr | null {
  const m = typeof text === 'string' ? IPV4_CIDR.exec(text) : null;
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < MIN_PREFIX || prefix > MAX_PREFIX) return null;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return null;
  return { base, prefix };
}

function isPrivate({ base, prefix }: Cidr): boolean {
  const within = (net: number, bits: number) => prefix >= bits && Math.floor(base / 2 ** (32 - bits)) === Math.floor(net / 2 ** (32 - bits));
  return within(0x0a000000, 8) || within(0xac100000, 12) || within(0xc0a80000, 16);
}

function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && Math.floor(inner.base / 2 ** (32 - outer.prefix)) === Math.floor(outer.base / 2 ** (32 - outer.prefix));
}

function ipText(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

function readSubnet(value: unknown, network: Cidr | null, field: string, errors: FieldErrors): Subnet | null {
  if (!isRecord(value)) {
    errors.add(field, 'must be an object');
    return null;
  }
  const type = value.type;
  if (typeof type !== 'string' || !SUBNET_TYPES.has(type)) errors.add(`${field}.type`, 'must be one of cloud, server, vswitch');
  const zone = value.network_zone;
  if (typeof zone !== 'string' || !NETWORK_ZONES.has(zone)) errors.add(`${field}.network_zone`, 'network zone not found');
  const range = parseCidr(value.ip_range);
  if (!range) errors.add(`${field}.ip_range`, 'must be an IPv4 range in CIDR notation (/8 to /30)');
  else if (network && !contains(network, range)) errors.add(`${field}.ip_range`, 'must be within the network ip_range');
  if (!range || typeof type !== 'string' || typeof zone !== 'string' || !SUBNET_TYPES.has(type) || !NETWORK_ZONES.has(zone)) return null;
  return { type: type as Subnet['type'], ipRange: `${ipText(range.base)}/${range.prefix}`, networkZone: zone, gateway: ipText(range.base + 1) };
}

/** Live servers attached to the network. */
function attachedServerIds(state: SimState, network: Network, now: number): number[] {
  return [...state.servers.values()].filter((s) => !isGone(s, now) && s.privateNets.some((n) => n.networkId === network.id)).map((s) => s.id);
}

/**
 * The address a new server gets in `network` for a location's zone, or null when the network has
 * no subnet there (the caller answers invalid_input) or the subnet is full.
 */
export function allocatePrivateIp(state: SimState, network: Network, networkZone: string, now: number): string | null | 'no_subnet' {
  const subnet = network.subnets.find((s) => s.networkZone === networkZone && s.type !== 'vswitch');
  if (!subnet) return 'no_subnet';
  const range = parseCidr(subnet.ipRange);
  if (!range) return null;
  const used = new Set<string>();
  for (const server of state.servers.values()) {
    if (isGone(server, now)) continue;
    for (const net of server.privateNets) if (net.networkId === network.id) used.add(net.ip);
  }
  const size = 2 ** (32 - range.prefix);
  // .0 is the network, .1 the gateway, the last the broadcast address.
  for (let offset = 2; offset < size - 1; offset += 1) {
    const ip = ipText(range.base + offset);
    if (!used.has(ip)) return ip;
  }
  return null;
}

export function renderNetwork(state: SimState, network: Network, now: number): unknown {
  return {
    id: network.id,
    name: network.name,
    ip_range: network.ipRange,
    subnets: network.subnets.map((s) => ({ type: s.type, ip_range: s.ipRange, network_zone: s.networkZone, gateway: s.gateway, vswitch_id: null })),
    routes: [],
    servers: attachedServerIds(state, network, now),
    load_balancers: [],
    protection: { delete: false },
    labels: { ...network.labels },
    created: toRfc3339(network.createdMs),
    expose_routes_to_vswitch: false,
  };
}

/** A network's own create fields: ip_range (private) and the optional subnets inside it. */
function readNetworkFields(body: Record<string, unknown>, errors: FieldErrors): Pick<Network, 'ipRange' | 'subnets'> | null {
  const range = parseCidr(body.ip_range);
  if (!range) errors.add('ip_range', 'must be an IPv4 range in CIDR notation (/8 to /30)');
  else if (!isPrivate(range)) errors.add('ip_range', 'must be a private range (RFC 1918)');
  const subnets: Subnet[] = [];
  if (body.subnets !== undefined && body.subnets !== null) {
    if (!Array.isArray(body.subnets)) errors.add('subnets', 'must be an array');
    else body.subnets.forEach((raw, i) => {
      const subnet = readSubnet(raw, range, `subnets.${i}`, errors);
      if (subnet) subnets.push(subnet);
    });
  }
  return range === null ? null : { ipRange: `${ipText(range.base)}/${range.prefix}`, subnets };
}

export function networkRoutes(deps: SimDeps): ApiRoute[] {
  const { state } = deps;
  const kind: ResourceKind<Network> = {
    plural: 'networks',
    singular: 'network',
    title: 'Network',
    store: state.networks,
    render: (network, req) => renderNetwork(state, network, req.now),
  };
  const { find } = resourceTools(kind);
  return [
    ...resourceRoutes(kind),
    createRoute(state, kind, { idCounter: 'network', read: readNetworkFields }),
    {
      method: 'POST',
      pattern: '/networks/:id/actions/add_subnet',
      handler: async (req) => {
        const network = find(req);
        const body = await req.json();
        const errors = new FieldErrors();
        const subnet = readSubnet(body, parseCidr(network.ipRange), 'subnet', errors);
        errors.throwIfAny();
        if (subnet === null) throw new Error('unreachable: validated above');
        const overlapping = network.subnets.some((s) => {
          const a = parseCidr(s.ipRange);
          const b = parseCidr(subnet.ipRange);
          return a !== null && b !== null && (contains(a, b) || contains(b, a));
        });
        if (overlapping) throw invalidInput([{ name: 'ip_range', messages: ['overlaps an existing subnet'] }]);
        network.subnets.push(subnet);
        const action = startAction(state, { projectId: req.project.id, command: 'add_subnet', resources: [{ id: network.id, type: 'network' }], now: req.now, durationMs: 0 });
        return { status: 201, body: { action: renderAction(action, req.now) } };
      },
    },
  ];
}
