/**
 * The provider interface: what Hangar needs from a cloud provider to acquire and release
 * servers. One implementation per provider kind lives in its own folder (hetzner/); the
 * registry maps a kind to its factory. Every method fails only with a ProviderError
 * (provider-error.ts), whose `info.code` is one of the PROVIDER_* codes.
 */
import type { ProviderErrorInfo } from '@hangar/domain/provider-errors';
import type { ProviderError } from './provider-error.ts';

/** The provider kinds Hangar can talk to. */
export type ProviderKind = 'HETZNER';

/** Result of a live credentials check. */
export type CredentialStatus = 'VALID' | 'READ_ONLY' | 'INVALID' | 'UNREACHABLE' | 'RATE_LIMITED';

/** What validateCredentials() found; `error` explains every status but VALID. */
export type CredentialCheck = { status: CredentialStatus; error: ProviderErrorInfo | null };

/** A place servers can be created in. */
export type CatalogLocation = { name: string; description: string; country: string; city: string };

/** CPU architectures: a server type and an image fit together when they share one. */
export type CatalogArchitecture = 'x86' | 'arm';

/** An amount as the provider states it: decimal strings (never floats), without and with VAT. */
export type CatalogMoney = { net: string; gross: string; currency: string };

/** What a server type costs in one location. */
export type CatalogPrice = { location: string; hourly: CatalogMoney; monthly: CatalogMoney };

/** A server size. `locations` lists the location names where it can be ordered now. */
export type CatalogServerType = {
  name: string;
  cores: number;
  memoryGb: number;
  diskGb: number;
  architecture: CatalogArchitecture;
  locations: string[];
  deprecated: boolean;
  /** Per location, as the provider lists them (a deprecated type may list more than `locations`). */
  prices: CatalogPrice[];
};

/** An operating system image offered by the provider (not deprecated). */
export type CatalogImage = { name: string; description: string; architecture: CatalogArchitecture };

/** What can be ordered: read live, never cached across connections. */
export type ProviderCatalog = {
  locations: CatalogLocation[];
  serverTypes: CatalogServerType[];
  images: CatalogImage[];
};

/** Server lifecycle states, as the provider reports them; anything else becomes 'unknown'. */
export type ProviderServerStatus =
  | 'initializing'
  | 'starting'
  | 'running'
  | 'stopping'
  | 'off'
  | 'deleting'
  | 'migrating'
  | 'rebuilding'
  | 'unknown';

/** A server at the provider. Ids are strings whatever the provider uses. */
export type ProviderServer = {
  id: string;
  name: string;
  status: ProviderServerStatus;
  ipv4: string | null;
  /** The server's IPv6 network as the provider reports it (Hetzner: a /64 in CIDR form). */
  ipv6: string | null;
  labels: Record<string, string>;
};

/** An SSH public key stored in the provider project. */
export type ProviderSshKey = {
  id: string;
  name: string;
  /** As the provider shows it (Hetzner: MD5, colon-separated hex). */
  fingerprint: string;
  publicKey: string;
  labels: Record<string, string>;
  createdAt: string;
};

/** A private network of the provider project. */
export type ProviderNetwork = {
  id: string;
  name: string;
  /** CIDR, e.g. 10.0.0.0/16. */
  ipRange: string;
  /** Network zones that have a subnet servers can attach through (e.g. eu-central). */
  zones: string[];
  serverCount: number;
};

/** A firewall of the provider project. */
export type ProviderFirewall = { id: string; name: string; ruleCount: number; serverCount: number };

/** A placement group (spread: each server on another host). */
export type ProviderPlacementGroup = { id: string; name: string; type: string; serverCount: number };

/** What the provider allows on create, for checks before any call. */
export type ProviderLimits = {
  /** Largest user data accepted, in bytes (UTF-8). */
  userDataMaxBytes: number;
};

/** What to create. `labels` must follow the provider's label rules (checked before sending). */
export type CreateServerInput = {
  name: string;
  serverType: string;
  location: string;
  image: string;
  /** SSH keys to install: the provider's ids or names. */
  sshKeys?: string[];
  labels: Record<string, string>;
  userData: string;
  /** Private networks to attach (provider ids). */
  networkIds?: string[];
  /** Firewalls to apply (provider ids). */
  firewallIds?: string[];
  /** The placement group to put the server in (provider id). */
  placementGroupId?: string | null;
  /** Public addresses; both default to true. Without either, at least one network is needed. */
  publicIpv4?: boolean;
  publicIpv6?: boolean;
};

/**
 * A created server, the provider action that creates it and the actions the provider queued
 * after it (Hetzner: start_server). The server is up once all of them succeeded.
 */
export type CreateServerResult = { server: ProviderServer; actionId: string; nextActionIds: string[] };

/** An asynchronous provider operation. `progress` is 0–100. */
export type ProviderAction = {
  id: string;
  status: 'running' | 'success' | 'error';
  progress: number;
  /** Set when status is 'error'. */
  error: ProviderErrorInfo | null;
};

/** Options every call accepts. Aborting the signal ends the call with PROVIDER_CANCELLED. */
export type CallOptions = { signal?: AbortSignal };

/** Options for waitForAction. */
export type WaitForActionOptions = CallOptions & {
  /** Called with every new progress value (and once with the first one seen). */
  onProgress?: (progress: number, action: ProviderAction) => void;
  /**
   * Called before each poll retried after a retryable failure (timeout, reset, 5xx, 429), with
   * that failure, the retry's number in the current run of failures and the pause before it.
   */
  onRetry?: (retry: { error: ProviderError; retry: number; waitMs: number }) => void;
  /**
   * How long to wait at most, in milliseconds from the call (a duration, not a timestamp).
   * When it passes with the action still running, the wait fails with PROVIDER_TIMEOUT.
   */
  deadlineMs?: number;
};

/** The provider's request budget as last seen on this connection, or null before any answer. */
export type RateLimitStatus = {
  limit: number;
  /** Requests estimated available now (refills between answers). */
  remaining: number;
  /** Epoch milliseconds when the full budget is back. */
  resetAt: number;
};

/** One provider account, reached through one API token. */
export type ProviderAdapter = {
  readonly kind: ProviderKind;
  readonly limits: ProviderLimits;
  /**
   * Checks the token with live calls (never from its shape): a read, then a write that
   * cannot change anything, to tell read-only tokens apart.
   */
  validateCredentials(options?: CallOptions): Promise<CredentialCheck>;
  /** Locations, server types and system images, every page. */
  readCatalog(options?: CallOptions): Promise<ProviderCatalog>;
  /** Creates a server and returns the action that starts it. */
  createServer(input: CreateServerInput, options?: CallOptions): Promise<CreateServerResult>;
  /** One action's current state. */
  readAction(id: string, options?: CallOptions): Promise<ProviderAction>;
  /** The SSH keys stored in the provider project (all pages). */
  listSshKeys(options?: CallOptions): Promise<ProviderSshKey[]>;
  /** Stores a public key; PROVIDER_NAME_TAKEN when its name or fingerprint is in use. */
  createSshKey(input: { name: string; publicKey: string }, options?: CallOptions): Promise<ProviderSshKey>;
  /** Deletes a stored key; false when it did not exist. */
  deleteSshKey(id: string, options?: CallOptions): Promise<boolean>;
  /** Private networks (all pages). */
  listNetworks(options?: CallOptions): Promise<ProviderNetwork[]>;
  /** Firewalls (all pages). */
  listFirewalls(options?: CallOptions): Promise<ProviderFirewall[]>;
  /** Placement groups (all pages). */
  listPlacementGroups(options?: CallOptions): Promise<ProviderPlacementGroup[]>;
  /** A server, or null when the provider says it does not exist. */
  readServer(id: string, options?: CallOptions): Promise<ProviderServer | null>;
  /** Every server carrying all of these labels (all pages). At least one label is required. */
  findServersByLabel(labels: Record<string, string>, options?: CallOptions): Promise<ProviderServer[]>;
  /** Deletes a server; `actionId` is null when it was already gone (or the provider gave no action). */
  deleteServer(id: string, options?: CallOptions): Promise<{ actionId: string | null }>;
  /**
   * Polls an action until it ends, backing off between polls and staying within the request
   * budget. Resolves with the final action (status 'success' or 'error'); rejects with
   * PROVIDER_TIMEOUT at the deadline or PROVIDER_CANCELLED when the signal aborts.
   */
  waitForAction(id: string, options?: WaitForActionOptions): Promise<ProviderAction>;
  /** The request budget shared by every adapter on this connection. */
  rateLimitStatus(): RateLimitStatus | null;
};

/** Everything needed to reach one provider account. */
export type ProviderConnectionConfig = {
  kind: ProviderKind;
  /** Base URL of the API, e.g. https://api.hetzner.cloud/v1. */
  apiEndpoint: string;
  /** The API token. Kept in a closure by adapters: never on an enumerable property. */
  token: string;
  /** Keys the shared request budget; without it, endpoint + token fingerprint do. */
  connectionId?: string;
};
