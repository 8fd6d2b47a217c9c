import type { Prng } from './prng.ts';

/**
 * Public addresses from the documentation ranges, so a simulated address can never be mistaken
 * for (or route to) a real machine: IPv4 from 203.0.113.0/24 and 198.51.100.0/24 (TEST-NET-3 and
 * TEST-NET-2), one IPv6 /64 per server out of 2001:db8::/32.
 */
const IPV4_NETWORKS = ['203.0.113', '198.51.100'] as const;
const FIRST_HOST = 1;
const LAST_HOST = 254;
const HEXTET = 0x10000;

export const IPV4_CAPACITY = IPV4_NETWORKS.length * (LAST_HOST - FIRST_HOST + 1);

/** A free IPv4 (not in `inUse`), starting the search at a seeded random spot; null when exhausted. */
export function allocateIpv4(inUse: ReadonlySet<string>, random: Prng): string | null {
  const start = random.int(0, IPV4_CAPACITY - 1);
  for (let i = 0; i < IPV4_CAPACITY; i++) {
    const slot = (start + i) % IPV4_CAPACITY;
    const network = IPV4_NETWORKS[Math.floor(slot / (LAST_HOST - FIRST_HOST + 1))];
    const ip = `${network}.${FIRST_HOST + (slot % (LAST_HOST - FIRST_HOST + 1))}`;
    if (!inUse.has(ip)) return ip;
  }
  return null;
}

/** The /64 of server number `n` (unique per server id) and the address the machine uses in it (::1). */
export function ipv6For(n: number): { network: string; address: string } {
  const prefix = `2001:db8:${(Math.floor(n / HEXTET) % HEXTET).toString(16)}:${(n % HEXTET).toString(16)}`;
  return { network: `${prefix}::/64`, address: `${prefix}::1` };
}
