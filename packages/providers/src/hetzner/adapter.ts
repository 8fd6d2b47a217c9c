/**
 * The Hetzner Cloud adapter: the provider interface on top of the generated client. Talks to
 * the real API or to the simulator; only the endpoint differs.
 */
import type { ProviderErrorCode, ProviderErrorInfo } from '@hangar/domain/provider-errors';
import { providerErrorInfo } from '@hangar/domain/provider-errors';
import { DEFAULT_ACTION_POLL_PACING, pollAction } from '../action-polling.ts';
import type { ActionPollPacing } from '../action-polling.ts';
import { isProviderError, providerError } from '../provider-error.ts';
import type {
  CallOptions,
  CatalogImage,
  CatalogLocation,
  CatalogPrice,
  CatalogServerType,
  CredentialCheck,
  CredentialStatus,
  ProviderAction,
  ProviderAdapter,
  ProviderFirewall,
  ProviderNetwork,
  ProviderPlacementGroup,
  ProviderServer,
  ProviderSshKey,
  ProviderServerStatus,
} from '../provider.ts';
import { rateLimitBudgetFor, rateLimitKey } from '../rate-limit.ts';
import { codeForActionError } from './error-mapping.ts';
import type { paths } from './generated/hetzner.ts';
import { createHetznerHttp } from './http.ts';
import type { HetznerHttpOptions } from './http.ts';
import { assertValidLabels, buildLabelSelector } from './labels.ts';
import { PAGE_SIZE, collectPages, type Page } from './pagination.ts';

/** Hetzner Cloud's public API endpoint. */
export const HETZNER_API_ENDPOINT = 'https://api.hetzner.cloud/v1';
/** Largest user data Hetzner accepts on POST /servers (32 KiB). */
export const USER_DATA_MAX_BYTES = 32 * 1024;
/**
 * The currency of server type prices. GET /server_types states none: prices are in the
 * project's currency, which is the euro for every Hetzner Cloud project (GET /pricing says so).
 */
export const HETZNER_CURRENCY = 'EUR';

type JsonBody<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type HetznerServer = JsonBody<paths['/servers/{id}']['get']['responses'][200]>['server'];
type HetznerAction = JsonBody<paths['/actions/{id}']['get']['responses'][200]>['action'];
type HetznerSshKey = JsonBody<paths['/ssh_keys/{id}']['get']['responses'][200]>['ssh_key'];

/** Configuration of one Hetzner adapter. */
export type HetznerAdapterConfig = HetznerHttpOptions & {
  apiEndpoint?: string;
  token: string;
  connectionId?: string;
  /** Action polling pace (defaults: ACTION_POLL_* constants). */
  actionPoll?: Partial<ActionPollPacing>;
};

const SERVER_STATUSES: ReadonlySet<string> = new Set<ProviderServerStatus>([
  'initializing',
  'starting',
  'running',
  'stopping',
  'off',
  'deleting',
  'migrating',
  'rebuilding',
  'unknown',
]);

function badResponse(message: string): never {
  throw providerError('PROVIDER_BAD_RESPONSE', { message });
}

/** Hetzner ids are positive integers; anything else cannot name a resource. */
function toHetznerId(id: string, what: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(id) || !Number.isSafeInteger(Number(id))) {
    throw providerError('PROVIDER_INVALID_REQUEST', { message: `${what}: "${id}" is not a Hetzner id (a positive integer)` });
  }
  return Number(id);
}

function toProviderServer(server: HetznerServer | undefined, what: string): ProviderServer {
  if (typeof server !== 'object' || server === null || typeof server.id !== 'number' || typeof server.name !== 'string') {
    return badResponse(`${what}: the answer has no server`);
  }
  const status = typeof server.status === 'string' && SERVER_STATUSES.has(server.status) ? (server.status as ProviderServerStatus) : 'unknown';
  return {
    id: String(server.id),
    name: server.name,
    status,
    ipv4: server.public_net?.ipv4?.ip ?? null,
    ipv6: server.public_net?.ipv6?.ip ?? null,
    labels: { ...(server.labels ?? {}) },
  };
}

function toProviderSshKey(key: HetznerSshKey | undefined, what: string): ProviderSshKey {
  if (typeof key !== 'object' || key === null || typeof key.id !== 'number' || typeof key.name !== 'string') return badResponse(`${what}: the answer has no SSH key`);
  return { id: String(key.id), name: key.name, fingerprint: key.fingerprint, publicKey: key.public_key, labels: { ...(key.labels ?? {}) }, createdAt: key.created };
}

/** The ids of ids-or-names that are ids; Hetzner takes both in ssh_keys. */
function idOrName(ref: string): string | number {
  return /^[1-9][0-9]{0,15}$/.test(ref) ? Number(ref) : ref;
}

function toProviderAction(action: HetznerAction | undefined, what: string): ProviderAction {
  if (typeof action !== 'object' || action === null || typeof action.id !== 'number') return badResponse(`${what}: the answer has no action`);
  if (action.status !== 'running' && action.status !== 'success' && action.status !== 'error') {
    return badResponse(`${what}: unknown action status "${String(action.status)}"`);
  }
  let error: ProviderErrorInfo | null = null;
  if (action.status === 'error') {
    const providerCode = typeof action.error?.code === 'string' && action.error.code !== '' ? action.error.code : null;
    const code: ProviderErrorCode = providerCode === null ? 'PROVIDER_ACTION_FAILED' : codeForActionError(providerCode);
    error = providerErrorInfo(code, {
      message: `action ${action.id} (${action.command}) failed: ${action.error?.message || 'no message'}${providerCode ? ` (${providerCode})` : ''}`,
      providerCode,
    });
  }
  const progress = typeof action.progress === 'number' ? Math.max(0, Math.min(100, action.progress)) : 0;
  return { id: String(action.id), status: action.status, progress, error };
}

/**
 * How a failed credential check reads. `write` tells the read-only probe apart: there a
 * validation or not-found answer proves the token may write.
 */
function credentialStatusFor(code: ProviderErrorCode, step: 'read' | 'write'): CredentialStatus {
  switch (code) {
    case 'PROVIDER_AUTH_FAILED':
      return 'INVALID';
    case 'PROVIDER_READ_ONLY_TOKEN':
      return 'READ_ONLY';
    case 'PROVIDER_FORBIDDEN':
      return step === 'read' ? 'INVALID' : 'READ_ONLY';
    case 'PROVIDER_RATE_LIMITED':
      return 'RATE_LIMITED';
    case 'PROVIDER_INVALID_REQUEST':
    case 'PROVIDER_NOT_FOUND':
    case 'PROVIDER_NAME_TAKEN':
    case 'PROVIDER_INVALID_STATE':
      return step === 'write' ? 'VALID' : 'UNREACHABLE';
    default:
      return 'UNREACHABLE';
  }
}

/** Throws PROVIDER_INVALID_REQUEST unless `endpoint` is an absolute http(s) URL. */
function assertHttpUrl(endpoint: string): void {
  let protocol: string | null;
  try {
    protocol = new URL(endpoint).protocol;
  } catch {
    protocol = null;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw providerError('PROVIDER_INVALID_REQUEST', { message: `API endpoint "${endpoint}" is not an http(s) URL (for Hetzner: ${HETZNER_API_ENDPOINT})` });
  }
}

/** Creates the Hetzner adapter for one API token. Throws PROVIDER_INVALID_REQUEST for an unusable endpoint. */
export function createHetznerAdapter(config: HetznerAdapterConfig): ProviderAdapter {
  const apiEndpoint = (config.apiEndpoint ?? HETZNER_API_ENDPOINT).replace(/\/+$/, '');
  assertHttpUrl(apiEndpoint);
  const budget = rateLimitBudgetFor(rateLimitKey({ connectionId: config.connectionId, apiEndpoint, token: config.token }));
  const { client, call } = createHetznerHttp({
    apiEndpoint,
    token: config.token,
    budget,
    requestTimeoutMs: config.requestTimeoutMs,
    maxRateLimitWaitMs: config.maxRateLimitWaitMs,
    waitOnRateLimit: config.waitOnRateLimit,
  });
  const pacing: ActionPollPacing = { ...DEFAULT_ACTION_POLL_PACING, ...config.actionPoll };

  async function readAction(id: string, options?: CallOptions): Promise<ProviderAction> {
    const what = `read action ${id}`;
    const actionId = toHetznerId(id, what);
    const { data } = await call(what, (init) => client.GET('/actions/{id}', { params: { path: { id: actionId } }, ...init }), options);
    return toProviderAction(data?.action, what);
  }

  /** Every page of a list endpoint. */
  function listAll<T>(what: string, path: '/ssh_keys' | '/networks' | '/firewalls' | '/placement_groups', key: string, options?: CallOptions): Promise<T[]> {
    return collectPages(what, async (page) => {
      const { data } = await call(what, (init) => client.GET(path, { params: { query: { page, per_page: PAGE_SIZE } }, ...init }), options);
      const body = data as Record<string, unknown> | undefined;
      return { items: body?.[key] as T[] | undefined, meta: body?.meta as Page<T>['meta'] };
    });
  }

  return {
    kind: 'HETZNER',
    limits: { userDataMaxBytes: USER_DATA_MAX_BYTES },

    async validateCredentials(options?: CallOptions): Promise<CredentialCheck> {
      // Step 1, a read every valid token may do: tells INVALID / UNREACHABLE / RATE_LIMITED apart.
      try {
        await call('check token (read)', (init) => client.GET('/servers', { params: { query: { per_page: 1 } }, ...init }), options);
      } catch (error) {
        if (!isProviderError(error) || error.code === 'PROVIDER_CANCELLED') throw error;
        return { status: credentialStatusFor(error.code, 'read'), error: error.info };
      }
      // Step 2, the read-only probe: POST /ssh_keys with an empty name and an empty public key.
      // Hetzner checks the token's permission before it looks at the body, so a read-only token
      // gets 401 token_readonly, while a read & write token gets 422 invalid_input: a key with
      // an empty public key cannot be created, so the probe can never change anything.
      try {
        await call('check token (write probe)', (init) => client.POST('/ssh_keys', { body: { name: '', public_key: '' }, ...init }), options);
      } catch (error) {
        if (!isProviderError(error) || error.code === 'PROVIDER_CANCELLED') throw error;
        const status = credentialStatusFor(error.code, 'write');
        return { status, error: status === 'VALID' ? null : error.info };
      }
      return { status: 'VALID', error: null };
    },

    async readCatalog(options?: CallOptions) {
      const [locations, serverTypes, images] = await Promise.all([
        collectPages('list locations', async (page) => {
          const { data } = await call('list locations', (init) => client.GET('/locations', { params: { query: { page, per_page: PAGE_SIZE } }, ...init }), options);
          return { items: data?.locations, meta: data?.meta };
        }),
        collectPages('list server types', async (page) => {
          const { data } = await call('list server types', (init) => client.GET('/server_types', { params: { query: { page, per_page: PAGE_SIZE } }, ...init }), options);
          return { items: data?.server_types, meta: data?.meta };
        }),
        collectPages('list images', async (page) => {
          const { data } = await call(
            'list images',
            (init) =>
              client.GET('/images', {
                params: { query: { type: ['system'], status: ['available'], include_deprecated: false, page, per_page: PAGE_SIZE } },
                ...init,
              }),
            options,
          );
          return { items: data?.images, meta: data?.meta };
        }),
      ]);
      return {
        locations: locations.map(
          (location): CatalogLocation => ({ name: location.name, description: location.description, country: location.country, city: location.city }),
        ),
        serverTypes: serverTypes.map((type): CatalogServerType => {
          const offered = Array.isArray(type.locations)
            ? type.locations.filter((where) => where.available !== false).map((where) => where.name)
            : (type.prices ?? []).map((price) => price.location);
          return {
            name: type.name,
            cores: type.cores,
            memoryGb: type.memory,
            diskGb: type.disk,
            architecture: type.architecture,
            locations: [...new Set(offered)],
            deprecated: type.deprecated === true || (type.deprecation ?? null) !== null,
            prices: (type.prices ?? []).map(
              (price): CatalogPrice => ({
                location: price.location,
                hourly: { net: price.price_hourly.net, gross: price.price_hourly.gross, currency: HETZNER_CURRENCY },
                monthly: { net: price.price_monthly.net, gross: price.price_monthly.gross, currency: HETZNER_CURRENCY },
              }),
            ),
          };
        }),
        images: images
          .filter((image) => image.type === 'system' && (image.deprecated ?? null) === null && typeof image.name === 'string')
          .map((image): CatalogImage => ({ name: image.name ?? '', description: image.description, architecture: image.architecture })),
      };
    },

    async createServer(input, options?: CallOptions) {
      const what = `create server ${input.name}`;
      assertValidLabels(input.labels);
      if (Buffer.byteLength(input.userData, 'utf8') > USER_DATA_MAX_BYTES) {
        throw providerError('PROVIDER_INVALID_REQUEST', { message: `${what}: user data is larger than ${USER_DATA_MAX_BYTES} bytes` });
      }
      const { data } = await call(
        what,
        (init) =>
          client.POST('/servers', {
            body: {
              name: input.name,
              server_type: input.serverType,
              location: input.location,
              image: input.image,
              labels: input.labels,
              user_data: input.userData,
              start_after_create: true,
              ...(input.sshKeys && input.sshKeys.length > 0 ? { ssh_keys: input.sshKeys.map(idOrName) as string[] } : {}),
              ...(input.networkIds && input.networkIds.length > 0 ? { networks: input.networkIds.map((id) => toHetznerId(id, `${what}: network`)) } : {}),
              ...(input.firewallIds && input.firewallIds.length > 0
                ? { firewalls: input.firewallIds.map((id) => ({ firewall: toHetznerId(id, `${what}: firewall`) })) }
                : {}),
              ...(input.placementGroupId ? { placement_group: toHetznerId(input.placementGroupId, `${what}: placement group`) } : {}),
              ...(input.publicIpv4 === false || input.publicIpv6 === false
                ? { public_net: { enable_ipv4: input.publicIpv4 !== false, enable_ipv6: input.publicIpv6 !== false } }
                : {}),
            },
            ...init,
          }),
        options,
      );
      const server = toProviderServer(data?.server, what);
      const action = toProviderAction(data?.action, what);
      const nextActionIds = (data?.next_actions ?? []).map((next) => toProviderAction(next, what).id);
      return { server, actionId: action.id, nextActionIds };
    },

    readAction,

    async listSshKeys(options?: CallOptions) {
      const keys = await listAll<HetznerSshKey>('list SSH keys', '/ssh_keys', 'ssh_keys', options);
      return keys.map((key) => toProviderSshKey(key, 'list SSH keys'));
    },

    async createSshKey(input, options?: CallOptions) {
      const what = `add SSH key ${input.name}`;
      const { data } = await call(what, (init) => client.POST('/ssh_keys', { body: { name: input.name, public_key: input.publicKey }, ...init }), options);
      return toProviderSshKey(data?.ssh_key, what);
    },

    async deleteSshKey(id: string, options?: CallOptions) {
      const what = `delete SSH key ${id}`;
      const keyId = toHetznerId(id, what);
      try {
        await call(what, (init) => client.DELETE('/ssh_keys/{id}', { params: { path: { id: keyId } }, ...init }), options);
        return true;
      } catch (error) {
        if (isProviderError(error) && error.code === 'PROVIDER_NOT_FOUND') return false;
        throw error;
      }
    },

    async listNetworks(options?: CallOptions) {
      type HetznerNetwork = { id: number; name: string; ip_range: string; subnets?: Array<{ type: string; network_zone: string }>; servers?: number[] };
      const networks = await listAll<HetznerNetwork>('list networks', '/networks', 'networks', options);
      return networks.map(
        (network): ProviderNetwork => ({
          id: String(network.id),
          name: network.name,
          ipRange: network.ip_range,
          zones: [...new Set((network.subnets ?? []).filter((subnet) => subnet.type !== 'vswitch').map((subnet) => subnet.network_zone))],
          serverCount: network.servers?.length ?? 0,
        }),
      );
    },

    async listFirewalls(options?: CallOptions) {
      type HetznerFirewall = { id: number; name: string; rules?: unknown[]; applied_to?: unknown[] };
      const firewalls = await listAll<HetznerFirewall>('list firewalls', '/firewalls', 'firewalls', options);
      return firewalls.map((firewall): ProviderFirewall => ({ id: String(firewall.id), name: firewall.name, ruleCount: firewall.rules?.length ?? 0, serverCount: firewall.applied_to?.length ?? 0 }));
    },

    async listPlacementGroups(options?: CallOptions) {
      type HetznerPlacementGroup = { id: number; name: string; type: string; servers?: number[] };
      const groups = await listAll<HetznerPlacementGroup>('list placement groups', '/placement_groups', 'placement_groups', options);
      return groups.map((group): ProviderPlacementGroup => ({ id: String(group.id), name: group.name, type: group.type, serverCount: group.servers?.length ?? 0 }));
    },

    async readServer(id: string, options?: CallOptions) {
      const what = `read server ${id}`;
      const serverId = toHetznerId(id, what);
      try {
        const { data } = await call(what, (init) => client.GET('/servers/{id}', { params: { path: { id: serverId } }, ...init }), options);
        return toProviderServer(data?.server, what);
      } catch (error) {
        if (isProviderError(error) && error.code === 'PROVIDER_NOT_FOUND') return null;
        throw error;
      }
    },

    async findServersByLabel(labels: Record<string, string>, options?: CallOptions) {
      const selector = buildLabelSelector(labels);
      const what = `find servers (${selector})`;
      const servers = await collectPages(what, async (page) => {
        const { data } = await call(
          what,
          (init) => client.GET('/servers', { params: { query: { label_selector: selector, page, per_page: PAGE_SIZE } }, ...init }),
          options,
        );
        return { items: data?.servers, meta: data?.meta };
      });
      return servers.map((server) => toProviderServer(server, what));
    },

    async deleteServer(id: string, options?: CallOptions) {
      const what = `delete server ${id}`;
      const serverId = toHetznerId(id, what);
      try {
        const { data } = await call(what, (init) => client.DELETE('/servers/{id}', { params: { path: { id: serverId } }, ...init }), options);
        return { actionId: data?.action ? toProviderAction(data.action, what).id : null };
      } catch (error) {
        if (isProviderError(error) && error.code === 'PROVIDER_NOT_FOUND') return { actionId: null };
        throw error;
      }
    },

    waitForAction(id, options = {}) {
      return pollAction({ readAction, budgetIntervalMs: () => budget.suggestedIntervalMs() }, id, options, pacing);
    },

    rateLimitStatus() {
      return budget.status();
    },
  };
}
