/**
 * The fixed catalog: locations, datacenters, server types and system images, shaped after what
 * api.hetzner.cloud returned in 2025/2026. Prices are EUR; gross includes 19 % VAT. The catalog
 * is global (the same for every project) and survives POST /_sim/reset.
 */

export interface CatalogLocation {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly country: string;
  readonly city: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly network_zone: string;
}

export interface CatalogDatacenter {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly location: string;
}

/** Per-region monthly net price and traffic for one server type. */
export interface RegionalPrice {
  readonly monthlyNet: number;
  readonly includedTrafficBytes: number;
  readonly perTbTrafficNet: number;
}

export interface CatalogServerType {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly diskGb: number;
  readonly cpuType: 'shared' | 'dedicated';
  readonly architecture: 'x86' | 'arm';
  readonly category: string;
  /** Locations where this type exists at all (absent elsewhere). */
  readonly locations: readonly string[];
  /** Set when the type is deprecated; ordering it after `unavailableAfter` fails. */
  readonly deprecation: { readonly announced: string; readonly unavailableAfter: string } | null;
  readonly prices: Readonly<Record<Region, RegionalPrice>>;
}

export interface CatalogImage {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly osFlavor: 'ubuntu' | 'debian';
  readonly osVersion: string;
  readonly architecture: 'x86' | 'arm';
  readonly diskSizeGb: number;
  readonly created: string;
  readonly deprecated: string | null;
}

export type Region = 'eu' | 'us' | 'ap';

export const VAT_RATE = 0.19;
/** Hourly list prices are about monthly / 640 (the monthly price caps hourly billing). */
const HOURLY_DIVISOR = 640;
const HOURLY_DECIMALS = 4;
const TB = 1024 ** 4;
const EU_TRAFFIC = 20 * TB;
const US_TRAFFIC = 1 * TB;
const AP_TRAFFIC = 0.5 * TB;
const EU_PER_TB = 1;
const US_PER_TB = 1;
const AP_PER_TB = 7.4;

export const LOCATIONS: readonly CatalogLocation[] = [
  { id: 1, name: 'fsn1', description: 'Falkenstein DC Park 1', country: 'DE', city: 'Falkenstein', latitude: 50.47612, longitude: 12.370071, network_zone: 'eu-central' },
  { id: 2, name: 'nbg1', description: 'Nuremberg DC Park 1', country: 'DE', city: 'Nuremberg', latitude: 49.452102, longitude: 11.076665, network_zone: 'eu-central' },
  { id: 3, name: 'hel1', description: 'Helsinki DC Park 1', country: 'FI', city: 'Helsinki', latitude: 60.169855, longitude: 24.938379, network_zone: 'eu-central' },
  { id: 4, name: 'ash', description: 'Ashburn, VA', country: 'US', city: 'Ashburn, VA', latitude: 39.045821, longitude: -77.487073, network_zone: 'us-east' },
  { id: 5, name: 'hil', description: 'Hillsboro, OR', country: 'US', city: 'Hillsboro, OR', latitude: 45.54222, longitude: -122.951924, network_zone: 'us-west' },
  { id: 6, name: 'sin', description: 'Singapore', country: 'SG', city: 'Singapore', latitude: 1.283333, longitude: 103.833333, network_zone: 'ap-southeast' },
];

export const DATACENTERS: readonly CatalogDatacenter[] = [
  { id: 2, name: 'nbg1-dc3', description: 'Nuremberg 1 virtual DC 3', location: 'nbg1' },
  { id: 3, name: 'hel1-dc2', description: 'Helsinki 1 virtual DC 2', location: 'hel1' },
  { id: 4, name: 'fsn1-dc14', description: 'Falkenstein 1 virtual DC 14', location: 'fsn1' },
  { id: 5, name: 'ash-dc1', description: 'Ashburn virtual DC 1', location: 'ash' },
  { id: 6, name: 'hil-dc1', description: 'Hillsboro virtual DC 1', location: 'hil' },
  { id: 7, name: 'sin-dc1', description: 'Singapore virtual DC 1', location: 'sin' },
];

export const REGION_OF_LOCATION: Readonly<Record<string, Region>> = {
  fsn1: 'eu', nbg1: 'eu', hel1: 'eu', ash: 'us', hil: 'us', sin: 'ap',
};

const EU = ['fsn1', 'nbg1', 'hel1'] as const;
const ALL = ['fsn1', 'nbg1', 'hel1', 'ash', 'hil', 'sin'] as const;

function prices(eu: number, us: number, ap: number): Readonly<Record<Region, RegionalPrice>> {
  return {
    eu: { monthlyNet: eu, includedTrafficBytes: EU_TRAFFIC, perTbTrafficNet: EU_PER_TB },
    us: { monthlyNet: us, includedTrafficBytes: US_TRAFFIC, perTbTrafficNet: US_PER_TB },
    ap: { monthlyNet: ap, includedTrafficBytes: AP_TRAFFIC, perTbTrafficNet: AP_PER_TB },
  };
}

export const SERVER_TYPES: readonly CatalogServerType[] = [
  {
    id: 1, name: 'cx11', description: 'CX11', cores: 1, memoryGb: 2, diskGb: 20, cpuType: 'shared', architecture: 'x86',
    category: 'Shared vCPU', locations: EU,
    deprecation: { announced: '2024-06-06T00:00:00+00:00', unavailableAfter: '2024-09-06T00:00:00+00:00' },
    prices: prices(3.29, 3.29, 3.29),
  },
  { id: 22, name: 'cpx11', description: 'CPX11', cores: 2, memoryGb: 2, diskGb: 40, cpuType: 'shared', architecture: 'x86', category: 'Shared vCPU', locations: ALL, deprecation: null, prices: prices(4.35, 4.99, 6.49) },
  { id: 23, name: 'cpx21', description: 'CPX21', cores: 3, memoryGb: 4, diskGb: 80, cpuType: 'shared', architecture: 'x86', category: 'Shared vCPU', locations: ALL, deprecation: null, prices: prices(7.55, 8.49, 10.99) },
  { id: 45, name: 'cax11', description: 'CAX11', cores: 2, memoryGb: 4, diskGb: 40, cpuType: 'shared', architecture: 'arm', category: 'Shared vCPU', locations: EU, deprecation: null, prices: prices(3.79, 3.79, 3.79) },
  { id: 93, name: 'cax21', description: 'CAX21', cores: 4, memoryGb: 8, diskGb: 80, cpuType: 'shared', architecture: 'arm', category: 'Shared vCPU', locations: EU, deprecation: null, prices: prices(6.49, 6.49, 6.49) },
  { id: 96, name: 'ccx13', description: 'CCX13', cores: 2, memoryGb: 8, diskGb: 80, cpuType: 'dedicated', architecture: 'x86', category: 'Dedicated vCPU', locations: ALL, deprecation: null, prices: prices(12.49, 14.49, 17.99) },
  { id: 104, name: 'cx22', description: 'CX22', cores: 2, memoryGb: 4, diskGb: 40, cpuType: 'shared', architecture: 'x86', category: 'Shared vCPU', locations: EU, deprecation: null, prices: prices(3.79, 3.79, 3.79) },
  { id: 105, name: 'cx32', description: 'CX32', cores: 4, memoryGb: 8, diskGb: 80, cpuType: 'shared', architecture: 'x86', category: 'Shared vCPU', locations: EU, deprecation: null, prices: prices(6.8, 6.8, 6.8) },
];

/** Each OS exists twice, x86 and arm, under one name and two ids, as on Hetzner. */
export const IMAGES: readonly CatalogImage[] = [
  { id: 15512617, name: 'ubuntu-20.04', description: 'Ubuntu 20.04', osFlavor: 'ubuntu', osVersion: '20.04', architecture: 'x86', diskSizeGb: 5, created: '2020-04-23T19:55:14+00:00', deprecated: '2025-05-31T00:00:00+00:00' },
  { id: 67794396, name: 'ubuntu-22.04', description: 'Ubuntu 22.04', osFlavor: 'ubuntu', osVersion: '22.04', architecture: 'x86', diskSizeGb: 5, created: '2022-04-21T13:32:38+00:00', deprecated: null },
  { id: 103908130, name: 'ubuntu-22.04', description: 'Ubuntu 22.04', osFlavor: 'ubuntu', osVersion: '22.04', architecture: 'arm', diskSizeGb: 5, created: '2023-03-20T09:12:40+00:00', deprecated: null },
  { id: 114690387, name: 'debian-12', description: 'Debian 12', osFlavor: 'debian', osVersion: '12', architecture: 'x86', diskSizeGb: 5, created: '2023-06-13T06:00:02+00:00', deprecated: null },
  { id: 114690389, name: 'debian-12', description: 'Debian 12', osFlavor: 'debian', osVersion: '12', architecture: 'arm', diskSizeGb: 5, created: '2023-06-13T06:00:03+00:00', deprecated: null },
  { id: 161547269, name: 'ubuntu-24.04', description: 'Ubuntu 24.04', osFlavor: 'ubuntu', osVersion: '24.04', architecture: 'x86', diskSizeGb: 5, created: '2024-04-25T13:26:27+00:00', deprecated: null },
  { id: 161547270, name: 'ubuntu-24.04', description: 'Ubuntu 24.04', osFlavor: 'ubuntu', osVersion: '24.04', architecture: 'arm', diskSizeGb: 5, created: '2024-04-25T13:26:28+00:00', deprecated: null },
];

export function hourlyFromMonthly(monthlyNet: number): number {
  return Math.round((monthlyNet / HOURLY_DIVISOR) * 10 ** HOURLY_DECIMALS) / 10 ** HOURLY_DECIMALS;
}
