import { isGone } from './lifecycle.ts';
import type { Server } from './state.ts';

/**
 * A machine's metadata service (Hetzner's http://169.254.169.254/hetzner/v1/metadata/{key}),
 * answered for one server: text values, null (404) for an unknown key or a server that is gone.
 */
export function metadataValue(server: Server | undefined, key: string, now: number): string | null {
  if (!server || isGone(server, now)) return null;
  switch (key) {
    case 'instance-id':
      return String(server.id);
    case 'hostname':
      return server.name;
    case 'public-ipv4':
      return server.ipv4?.ip ?? null;
    case 'availability-zone':
      return server.datacenter.name;
    case 'region':
      return server.location.network_zone;
    default:
      return null;
  }
}
