import {
  type CatalogDatacenter,
  type CatalogImage,
  type CatalogLocation,
  type CatalogServerType,
  DATACENTERS,
  LOCATIONS,
  REGION_OF_LOCATION,
  SERVER_TYPES,
  VAT_RATE,
  hourlyFromMonthly,
} from './catalog-data.ts';
import { toRfc3339 } from './clock.ts';
import { actionAt, isGone, statusAt } from './lifecycle.ts';
import type { Action, Server, SimState, SshKey } from './state.ts';

/**
 * State and catalog to API JSON, field for field as the official spec's response schemas want
 * them (the conformance test validates every answer against cloud.spec.json).
 */

const PRICE_DECIMALS = 10;
const GROSS_PADDING = '000000';

/** Hetzner writes prices as decimal strings: net with 10 places, gross with 16. */
function price(net: number): { net: string; gross: string } {
  const gross = Math.round(net * (1 + VAT_RATE) * 10 ** PRICE_DECIMALS) / 10 ** PRICE_DECIMALS;
  return { net: net.toFixed(PRICE_DECIMALS), gross: gross.toFixed(PRICE_DECIMALS) + GROSS_PADDING };
}

/**
 * Catalog entries never change, so each is rendered once and the frozen result reused (it is
 * embedded in every server answer; this keeps GET /servers/{id} cheap).
 */
function renderedOnce<T extends object>(render: (item: T) => unknown): (item: T) => unknown {
  const cache = new WeakMap<T, unknown>();
  return (item) => {
    if (!cache.has(item)) cache.set(item, deepFreeze(render(item)));
    return cache.get(item);
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export const renderLocation = renderedOnce((location: CatalogLocation): unknown => ({ ...location }));

export const renderServerType = renderedOnce((type: CatalogServerType): unknown => {
  const retired = type.deprecation !== null && Date.parse(type.deprecation.unavailableAfter) < Date.now();
  return {
    id: type.id,
    name: type.name,
    description: type.description,
    cores: type.cores,
    memory: type.memoryGb,
    disk: type.diskGb,
    deprecated: type.deprecation !== null,
    prices: type.locations.map((name) => {
      const regional = type.prices[REGION_OF_LOCATION[name] ?? 'eu'];
      return {
        location: name,
        price_hourly: price(hourlyFromMonthly(regional.monthlyNet)),
        price_monthly: price(regional.monthlyNet),
        included_traffic: regional.includedTrafficBytes,
        price_per_tb_traffic: price(regional.perTbTrafficNet),
      };
    }),
    storage_type: 'local',
    cpu_type: type.cpuType,
    category: type.category,
    architecture: type.architecture,
    deprecation: type.deprecation && { announced: type.deprecation.announced, unavailable_after: type.deprecation.unavailableAfter },
    locations: type.locations.map((name) => {
      const location = LOCATIONS.find((l) => l.name === name);
      return {
        id: location?.id ?? 0,
        name,
        deprecation: type.deprecation && { announced: type.deprecation.announced, unavailable_after: type.deprecation.unavailableAfter },
        available: !retired,
        recommended: !retired && name === 'fsn1',
      };
    }),
  };
});

export const renderImage = renderedOnce((image: CatalogImage): unknown => ({
  id: image.id,
  type: 'system',
  status: 'available',
  name: image.name,
  description: image.description,
  image_size: null,
  disk_size: image.diskSizeGb,
  created: image.created,
  created_from: null,
  bound_to: null,
  os_flavor: image.osFlavor,
  os_version: image.osVersion,
  rapid_deploy: true,
  protection: { delete: false },
  deprecated: image.deprecated,
  deleted: null,
  labels: {},
  architecture: image.architecture,
}));

export const renderDatacenter = renderedOnce((datacenter: CatalogDatacenter): unknown => {
  const location = LOCATIONS.find((l) => l.name === datacenter.location);
  const offered = SERVER_TYPES.filter((t) => t.locations.includes(datacenter.location));
  const orderable = offered.filter((t) => t.deprecation === null).map((t) => t.id);
  return {
    id: datacenter.id,
    name: datacenter.name,
    description: datacenter.description,
    location: location && renderLocation(location),
    server_types: { supported: offered.map((t) => t.id), available: orderable, available_for_migration: orderable },
  };
});

export function renderAction(action: Action, now: number): unknown {
  const snapshot = actionAt(action, now);
  return {
    id: action.id,
    command: action.command,
    status: snapshot.status,
    progress: snapshot.progress,
    started: toRfc3339(action.startedMs),
    finished: snapshot.finishedMs === null ? null : toRfc3339(snapshot.finishedMs),
    resources: action.resources.map((r) => ({ ...r })),
    error: snapshot.error,
  };
}

/** Reverse-DNS name Hetzner gives a fresh IPv4. */
function defaultDnsPtr(ip: string): string {
  return `static.${ip.split('.').reverse().join('.')}.clients.your-server.de`;
}

export function renderServer(state: SimState, server: Server, now: number): unknown {
  const group = server.placementGroupId === null ? undefined : state.placementGroups.get(server.placementGroupId);
  const regional = server.serverType.prices[REGION_OF_LOCATION[server.location.name] ?? 'eu'];
  return {
    id: server.id,
    name: server.name,
    status: statusAt(server, now),
    created: toRfc3339(server.createdMs),
    public_net: {
      ipv4: server.ipv4 && { id: server.ipv4.id, ip: server.ipv4.ip, blocked: false, dns_ptr: defaultDnsPtr(server.ipv4.ip) },
      ipv6: server.ipv6 && { id: server.ipv6.id, ip: server.ipv6.network, blocked: false, dns_ptr: [] },
      floating_ips: [],
      firewalls: server.firewallIds.map((id) => ({ id, status: 'applied' })),
    },
    private_net: server.privateNets.filter((net) => state.networks.has(net.networkId)).map((net) => ({ network: net.networkId, ip: net.ip, alias_ips: [], mac_address: macAddressFor(server.id, net.networkId) })),
    server_type: renderServerType(server.serverType),
    datacenter: renderDatacenter(server.datacenter),
    location: renderLocation(server.location),
    image: renderImage(server.image),
    iso: null,
    rescue_enabled: false,
    locked: false,
    backup_window: null,
    outgoing_traffic: 0,
    ingoing_traffic: 0,
    included_traffic: regional.includedTrafficBytes,
    protection: { delete: false, rebuild: false },
    labels: { ...server.labels },
    volumes: [],
    load_balancers: [],
    primary_disk_size: server.serverType.diskGb,
    placement_group: group
      ? { id: group.id, name: group.name, labels: { ...group.labels }, type: group.type, created: toRfc3339(group.createdMs), servers: placementGroupServerIdsOf(state, group.id, now) }
      : null,
  };
}

/** Live servers in a placement group (render.ts cannot import the route module that owns groups). */
function placementGroupServerIdsOf(state: SimState, groupId: number, now: number): number[] {
  return [...state.servers.values()].filter((s) => s.placementGroupId === groupId && !isGone(s, now)).map((s) => s.id);
}

/** A stable locally administered MAC address for a server's interface in a network. */
function macAddressFor(serverId: number, networkId: number): string {
  const bytes = [0x86, 0x00, (networkId >> 8) & 0xff, networkId & 0xff, (serverId >> 8) & 0xff, serverId & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export function renderSshKey(key: SshKey): unknown {
  return {
    id: key.id,
    name: key.name,
    fingerprint: key.fingerprint,
    public_key: key.publicKey,
    labels: { ...key.labels },
    created: toRfc3339(key.createdMs),
  };
}

export function datacenterFor(location: CatalogLocation): CatalogDatacenter {
  const datacenter = DATACENTERS.find((d) => d.location === location.name);
  if (!datacenter) throw new Error(`catalog has no datacenter in ${location.name}`);
  return datacenter;
}
