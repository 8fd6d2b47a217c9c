/**
 * Provider kind → adapter factory and profile. A new provider adds its folder and one line in each map here.
 */
import { providerError } from './provider-error.ts';
import type { ProviderAdapter, ProviderConnectionConfig, ProviderKind } from './provider.ts';
import { createHetznerAdapter } from './hetzner/adapter.ts';
import { HETZNER_PROFILE } from './hetzner/profile.ts';
import type { ProviderProfile } from './profile.ts';
import type { HetznerHttpOptions } from './hetzner/http.ts';
import type { ActionPollPacing } from './action-polling.ts';

/** Tuning every factory accepts (timeouts, rate-limit waiting, action polling pace). */
export type AdapterTuning = HetznerHttpOptions & { actionPoll?: Partial<ActionPollPacing> };

type AdapterFactory = (config: ProviderConnectionConfig & AdapterTuning) => ProviderAdapter;

const FACTORIES: Readonly<Record<ProviderKind, AdapterFactory>> = {
  HETZNER: (config) => createHetznerAdapter(config),
};

const PROFILES: Readonly<Record<ProviderKind, ProviderProfile>> = {
  HETZNER: HETZNER_PROFILE,
};

/** What Hangar knows of a kind without an account (profile.ts): token shape, label rules, metadata, billing. */
export function providerProfile(kind: ProviderKind): ProviderProfile {
  return PROFILES[kind];
}

/** The public API endpoint of each kind, for connections that do not name one. */
export const DEFAULT_API_ENDPOINTS: Readonly<Record<ProviderKind, string>> = {
  HETZNER: HETZNER_PROFILE.defaultApiEndpoint,
};

/** Every kind Hangar can talk to. */
export const PROVIDER_KINDS = Object.keys(FACTORIES) as ProviderKind[];

/** Whether `value` names a supported provider kind. */
export function isProviderKind(value: unknown): value is ProviderKind {
  return typeof value === 'string' && Object.hasOwn(FACTORIES, value);
}

/**
 * The adapter for a connection. Throws PROVIDER_UNSUPPORTED for an unknown kind. The token
 * is held only inside the adapter's closures.
 */
export function createProviderAdapter(config: ProviderConnectionConfig & AdapterTuning): ProviderAdapter {
  if (!isProviderKind(config.kind)) {
    throw providerError('PROVIDER_UNSUPPORTED', { message: `unknown provider kind "${String(config.kind)}"` });
  }
  return FACTORIES[config.kind](config);
}
