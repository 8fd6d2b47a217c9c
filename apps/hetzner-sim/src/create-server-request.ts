import { type CatalogImage, type CatalogLocation, type CatalogServerType, DATACENTERS, IMAGES, LOCATIONS, SERVER_TYPES } from './catalog-data.ts';
import { ApiError, invalidInput } from './errors.ts';
import { readLabels } from './labels.ts';
import type { Firewall, Network, PlacementGroup, SshKey } from './state.ts';
import { FieldErrors, isIdOrName, isRecord } from './validate.ts';

/**
 * The body of POST /servers, checked field by field (one 422 lists every broken field) and with
 * its catalog references resolved: names or ids, JSON strings or numbers, the image picked for
 * the server type's architecture, the location defaulted to the first that offers the type.
 * Offer rules (type not in that location, type retired) are 412 resource_unavailable.
 */

const HOSTNAME_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const MAX_HOSTNAME_LENGTH = 253;
const MAX_USER_DATA_BYTES = 32 * 1024;

function isHostname(name: string): boolean {
  return name.length <= MAX_HOSTNAME_LENGTH && name.split('.').every((label) => HOSTNAME_LABEL.test(label));
}

function findCatalog<T extends { id: number; name: string }>(items: readonly T[], ref: string | number): T[] {
  const asId = typeof ref === 'number' ? ref : /^[0-9]+$/.test(ref) ? Number(ref) : null;
  return items.filter((item) => item.name === ref || (asId !== null && item.id === asId));
}

function isRetired(type: CatalogServerType, now: number): boolean {
  return type.deprecation !== null && Date.parse(type.deprecation.unavailableAfter) < now;
}

export interface CreateServerRequest {
  name: string;
  serverType: CatalogServerType;
  image: CatalogImage;
  location: CatalogLocation;
  startAfterCreate: boolean;
  sshKeyIds: number[];
  userData: string | null;
  labels: Record<string, string>;
  enableIpv4: boolean;
  enableIpv6: boolean;
  networks: Network[];
  firewalls: Firewall[];
  placementGroup: PlacementGroup | null;
}

/** The project's resources a create request may refer to. */
export interface ProjectResources {
  sshKeys: readonly SshKey[];
  networks: readonly Network[];
  firewalls: readonly Firewall[];
  placementGroups: readonly PlacementGroup[];
}

/** Ids in a list of ids (JSON numbers or digit strings): the resources found, a field error per other. */
function readIdList<T extends { id: number }>(value: unknown, field: string, items: readonly T[], what: string, errors: FieldErrors, idOf: (entry: unknown) => unknown = (entry) => entry): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.add(field, `must be an array of ${what} IDs`);
    return [];
  }
  const found: T[] = [];
  for (const entry of value as unknown[]) {
    const raw = idOf(entry);
    const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[0-9]+$/.test(raw) ? Number(raw) : null;
    const item = id === null ? undefined : items.find((candidate) => candidate.id === id);
    if (!item) errors.add(field, `${what} ${JSON.stringify(raw) ?? 'null'} not found`);
    else if (!found.includes(item)) found.push(item);
  }
  return found;
}

/** Checks the body field by field (one 422 lists them all), then resolves catalog references. */
export function readCreateServerRequest(body: unknown, project: ProjectResources, now: number): CreateServerRequest {
  const errors = new FieldErrors();
  if (!isRecord(body)) throw invalidInput([{ name: 'body', messages: ['must be a JSON object'] }]);

  const name = body.name;
  if (typeof name !== 'string' || name === '') errors.add('name', 'is required');
  else if (!isHostname(name)) errors.add('name', 'must be a valid hostname (RFC 1123)');

  let serverType: CatalogServerType | undefined;
  if (!isIdOrName(body.server_type)) errors.add('server_type', 'is required (ID or name)');
  else {
    serverType = findCatalog(SERVER_TYPES, body.server_type)[0];
    if (!serverType) errors.add('server_type', 'server type not found');
  }

  let image: CatalogImage | undefined;
  if (!isIdOrName(body.image)) errors.add('image', 'is required (ID or name)');
  else {
    const candidates = findCatalog(IMAGES, body.image);
    // A name exists once per architecture; the server type decides which one is meant.
    image = candidates.find((i) => i.architecture === serverType?.architecture) ?? candidates[0];
    if (!image) errors.add('image', 'image not found');
    else if (serverType && image.architecture !== serverType.architecture) {
      errors.add('image', `image architecture ${image.architecture} does not match server type architecture ${serverType.architecture}`);
    }
  }

  let location: CatalogLocation | undefined;
  if (body.location !== undefined && body.location !== null && body.datacenter !== undefined && body.datacenter !== null) {
    errors.add('location', 'location and datacenter are mutually exclusive');
  } else if (body.location !== undefined && body.location !== null) {
    location = isIdOrName(body.location) ? findCatalog(LOCATIONS, body.location)[0] : undefined;
    if (!location) errors.add('location', 'location not found');
  } else if (body.datacenter !== undefined && body.datacenter !== null) {
    const datacenter = isIdOrName(body.datacenter) ? findCatalog(DATACENTERS, body.datacenter)[0] : undefined;
    location = LOCATIONS.find((l) => l.name === datacenter?.location);
    if (!location) errors.add('datacenter', 'datacenter not found');
  }

  const startAfterCreate = body.start_after_create ?? true;
  if (typeof startAfterCreate !== 'boolean') errors.add('start_after_create', 'must be a boolean');
  if (body.automount !== undefined && typeof body.automount !== 'boolean') errors.add('automount', 'must be a boolean');

  const sshKeyIds: number[] = [];
  if (body.ssh_keys !== undefined && body.ssh_keys !== null) {
    if (!Array.isArray(body.ssh_keys)) errors.add('ssh_keys', 'must be an array of IDs or names');
    else {
      for (const ref of body.ssh_keys as unknown[]) {
        const key = isIdOrName(ref) ? project.sshKeys.find((k) => k.name === ref || String(k.id) === String(ref)) : undefined;
        if (key) sshKeyIds.push(key.id);
        else errors.add('ssh_keys', `SSH key ${JSON.stringify(ref)} not found`);
      }
    }
  }

  let userData: string | null = null;
  if (body.user_data !== undefined && body.user_data !== null) {
    if (typeof body.user_data !== 'string') errors.add('user_data', 'must be a string');
    else if (Buffer.byteLength(body.user_data) > MAX_USER_DATA_BYTES) errors.add('user_data', `is larger than ${MAX_USER_DATA_BYTES} bytes`);
    else userData = body.user_data;
  }

  const labels = readLabels(body.labels, errors);

  let enableIpv4 = true;
  let enableIpv6 = true;
  if (body.public_net !== undefined && body.public_net !== null) {
    if (!isRecord(body.public_net)) errors.add('public_net', 'must be an object');
    else {
      const net = body.public_net;
      for (const key of ['enable_ipv4', 'enable_ipv6'] as const) {
        if (net[key] !== undefined && typeof net[key] !== 'boolean') errors.add(`public_net.${key}`, 'must be a boolean');
      }
      enableIpv4 = net.enable_ipv4 !== false;
      enableIpv6 = net.enable_ipv6 !== false;
      // The simulator has no Primary IP resources to assign.
      for (const key of ['ipv4', 'ipv6'] as const) {
        if (net[key] !== undefined && net[key] !== null) errors.add(`public_net.${key}`, 'primary IP not found');
      }
    }
  }
  // Volumes are not simulated, so none can be found.
  if (body.volumes !== undefined && body.volumes !== null && !(Array.isArray(body.volumes) && body.volumes.length === 0)) errors.add('volumes', 'volumes are not simulated: not found');
  const networks = readIdList(body.networks, 'networks', project.networks, 'network', errors);
  const firewalls = readIdList(body.firewalls, 'firewalls', project.firewalls, 'firewall', errors, (entry) => (isRecord(entry) ? entry.firewall : entry));
  let placementGroup: PlacementGroup | null = null;
  if (body.placement_group !== undefined && body.placement_group !== null) {
    [placementGroup = null] = readIdList([body.placement_group], 'placement_group', project.placementGroups, 'placement group', errors);
  }
  if (!enableIpv4 && !enableIpv6 && networks.length === 0 && !errors.has('networks')) {
    errors.add('networks', 'a server without public IPv4 and IPv6 must be attached to at least one network');
  }

  errors.throwIfAny();
  if (typeof name !== 'string' || !serverType || !image) throw new Error('unreachable: validated above');

  const chosenLocation = location ?? LOCATIONS.find((l) => serverType.locations.includes(l.name));
  if (!chosenLocation || !serverType.locations.includes(chosenLocation.name)) {
    throw new ApiError('resource_unavailable', `server type ${serverType.name} is not available in location ${location?.name ?? '(any)'}`);
  }
  if (isRetired(serverType, now)) {
    throw new ApiError('resource_unavailable', `server type ${serverType.name} is deprecated and no longer available for order`);
  }
  return {
    name,
    serverType,
    image,
    location: chosenLocation,
    startAfterCreate: startAfterCreate === true,
    sshKeyIds,
    userData,
    labels,
    enableIpv4,
    enableIpv6,
    networks,
    firewalls,
    placementGroup,
  };
}

