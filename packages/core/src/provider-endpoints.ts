/**
 * Which provider API endpoints a connection may use: an allow-list, so an API token cannot
 * turn Hangar into a proxy for requests (with a bearer token) into its own network.
 *
 * Invariants:
 * - Allowed: each kind's public API (DEFAULT_API_ENDPOINTS) and the operator's list
 *   (config.providerEndpoints: HANGAR_PROVIDER_ENDPOINTS plus the simulator `npm start` runs).
 *   An endpoint matches an entry when it is the entry or a path below it, with the same scheme,
 *   host and port.
 * - A public API's host name must resolve to public addresses only: a name that resolves into
 *   loopback, private, link-local or otherwise special ranges is refused (a poisoned resolver,
 *   an /etc/hosts entry). Entries the operator listed are trusted as written.
 * - The refusal names the rule and the variable, never the submitted value.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { HangarError } from '@hangar/domain/api-errors';
import type { ProviderKind } from '@hangar/providers/provider';
import { DEFAULT_API_ENDPOINTS } from '@hangar/providers/registry';
import type { HangarConfig } from './config.ts';

/** Address ranges a public provider API never lives in. */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (an IP literal) is loopback, private, link-local or otherwise not public. */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isNonPublicAddress(mapped[1]!);
  const family = isIP(address);
  if (family === 0) return false;
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function matches(endpoint: URL, entry: string): boolean {
  const allowed = new URL(entry);
  if (endpoint.origin !== allowed.origin) return false;
  const base = allowed.pathname.replace(/\/+$/, '');
  const pathname = endpoint.pathname.replace(/\/+$/, '');
  return pathname === base || pathname.startsWith(`${base}/`);
}

/** The allow-list entry `endpoint` falls under, or null. */
export function allowedEntry(config: Pick<HangarConfig, 'providerEndpoints'>, kind: ProviderKind, endpoint: string): { entry: string; operator: boolean } | null {
  const url = new URL(endpoint);
  if (matches(url, DEFAULT_API_ENDPOINTS[kind])) return { entry: DEFAULT_API_ENDPOINTS[kind], operator: false };
  const entry = config.providerEndpoints.find((candidate) => matches(url, candidate));
  return entry === undefined ? null : { entry, operator: true };
}

/**
 * Refuses an endpoint outside the allow-list (VALIDATION_FAILED on `apiEndpoint`), and a public
 * API whose name resolves to a non-public address. A name that does not resolve passes: the
 * live check then reports PROVIDER_DNS_ERROR, as for any unreachable provider.
 */
export async function assertEndpointAllowed(config: Pick<HangarConfig, 'providerEndpoints'>, kind: ProviderKind, endpoint: string): Promise<void> {
  const field = { field: 'apiEndpoint' };
  const allowed = allowedEntry(config, kind, endpoint);
  if (allowed === null) {
    throw new HangarError(
      'VALIDATION_FAILED',
      `apiEndpoint is not an allowed provider endpoint: use ${DEFAULT_API_ENDPOINTS[kind]}, or ask the operator to add the endpoint to HANGAR_PROVIDER_ENDPOINTS`,
      field,
    );
  }
  if (allowed.operator) return;
  const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await lookup(host, { all: true }).then((found) => found.map((entry) => entry.address), () => []);
  if (addresses.some(isNonPublicAddress)) {
    throw new HangarError('VALIDATION_FAILED', 'apiEndpoint resolves to a loopback or private address, which a public provider API never has', field);
  }
}
