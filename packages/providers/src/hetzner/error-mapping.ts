/**
 * Hetzner Cloud answers → PROVIDER_* codes. Deterministic: the same answer (status, error
 * code, body shape) or the same transport failure always gives the same code, and so the same
 * retryable flag and hint (those come from the domain table).
 *
 * Sources of the codes: the spec's general "Error Codes" table, every operation's "Operation
 * specific errors" table (spec/operation-error-codes.txt) and the extra codes hcloud-go knows.
 * A test reads the spec files and fails if a code is missing here.
 */
import type { ProviderErrorCode } from '@hangar/domain/provider-errors';
import { ProviderError, providerError } from '../provider-error.ts';
import { classifyTransportFailure, describeTransportFailure } from '../transport-errors.ts';

/** Every Hetzner error code Hangar knows, and its PROVIDER_* code. */
export const HETZNER_ERROR_CODES: Readonly<Record<string, ProviderErrorCode>> = {
  // General error codes (spec "Error Codes" table).
  json_error: 'PROVIDER_INVALID_REQUEST',
  unauthorized: 'PROVIDER_AUTH_FAILED',
  token_readonly: 'PROVIDER_READ_ONLY_TOKEN',
  forbidden: 'PROVIDER_FORBIDDEN',
  maintenance: 'PROVIDER_MAINTENANCE',
  resource_limit_exceeded: 'PROVIDER_QUOTA_EXCEEDED',
  not_found: 'PROVIDER_NOT_FOUND',
  method_not_allowed: 'PROVIDER_UNSUPPORTED',
  uniqueness_error: 'PROVIDER_NAME_TAKEN',
  conflict: 'PROVIDER_CONFLICT',
  deprecated_api_endpoint: 'PROVIDER_UNSUPPORTED',
  resource_unavailable: 'PROVIDER_CAPACITY_UNAVAILABLE',
  invalid_input: 'PROVIDER_INVALID_REQUEST',
  service_error: 'PROVIDER_SERVER_ERROR',
  unsupported_error: 'PROVIDER_UNSUPPORTED',
  locked: 'PROVIDER_LOCKED',
  protected: 'PROVIDER_PROTECTED',
  rate_limit_exceeded: 'PROVIDER_RATE_LIMITED',
  server_error: 'PROVIDER_SERVER_ERROR',
  unavailable: 'PROVIDER_UNAVAILABLE',
  timeout: 'PROVIDER_TIMEOUT',

  // Codes hcloud-go knows beyond the spec table.
  unknown_error: 'PROVIDER_UNKNOWN_ERROR',
  robot_unavailable: 'PROVIDER_UNAVAILABLE',
  resource_locked: 'PROVIDER_FORBIDDEN',
  bad_gateway: 'PROVIDER_UNAVAILABLE',
  limit_reached: 'PROVIDER_RATE_LIMITED',

  // Operation specific errors: servers and placement.
  placement_error: 'PROVIDER_PLACEMENT_FAILED',
  already_in_placement_group: 'PROVIDER_INVALID_STATE',
  invalid_server_type: 'PROVIDER_INVALID_REQUEST',
  server_not_stopped: 'PROVIDER_INVALID_STATE',
  server_already_attached: 'PROVIDER_INVALID_STATE',
  server_already_added: 'PROVIDER_INVALID_REQUEST',
  server_is_load_balancer_target: 'PROVIDER_INVALID_STATE',
  server_not_attached_to_network: 'PROVIDER_INVALID_STATE',
  server_has_ipv4: 'PROVIDER_INVALID_STATE',
  server_has_ipv6: 'PROVIDER_INVALID_STATE',
  missing_ipv4: 'PROVIDER_INVALID_REQUEST',

  // Primary and floating IPs.
  primary_ip_assigned: 'PROVIDER_INVALID_STATE',
  primary_ip_already_assigned: 'PROVIDER_INVALID_STATE',
  primary_ip_datacenter_mismatch: 'PROVIDER_INVALID_REQUEST',
  primary_ip_version_mismatch: 'PROVIDER_INVALID_REQUEST',
  floating_ip_assigned: 'PROVIDER_INVALID_STATE',
  must_be_unassigned: 'PROVIDER_INVALID_STATE',

  // Networks.
  ip_not_available: 'PROVIDER_CAPACITY_UNAVAILABLE',
  no_subnet_available: 'PROVIDER_CAPACITY_UNAVAILABLE',
  networks_overlap: 'PROVIDER_INVALID_REQUEST',
  incompatible_network_type: 'PROVIDER_INVALID_REQUEST',
  private_net_only_server: 'PROVIDER_INVALID_REQUEST',
  network_has_no_vswitch_subnet: 'PROVIDER_INVALID_REQUEST',
  ip_not_in_vswitch_subnet: 'PROVIDER_INVALID_REQUEST',
  vswitch_id_already_used: 'PROVIDER_NAME_TAKEN',

  // Volumes.
  no_space_left_in_location: 'PROVIDER_CAPACITY_UNAVAILABLE',
  volume_already_attached: 'PROVIDER_INVALID_STATE',

  // Firewalls.
  firewall_already_applied: 'PROVIDER_INVALID_STATE',
  firewall_already_removed: 'PROVIDER_INVALID_STATE',
  firewall_managed_by_label_selector: 'PROVIDER_INVALID_STATE',
  firewall_resource_not_found: 'PROVIDER_NOT_FOUND',
  resource_in_use: 'PROVIDER_INVALID_STATE',

  // Load balancers.
  invalid_load_balancer_type: 'PROVIDER_INVALID_REQUEST',
  ip_not_owned: 'PROVIDER_INVALID_REQUEST',
  cloud_resource_ip_not_allowed: 'PROVIDER_INVALID_REQUEST',
  load_balancer_already_attached: 'PROVIDER_INVALID_STATE',
  load_balancer_not_attached_to_network: 'PROVIDER_INVALID_STATE',
  load_balancer_public_interface_disabled: 'PROVIDER_INVALID_STATE',
  resolve_cloud_private_targets_error: 'PROVIDER_INVALID_REQUEST',
  resolve_cloud_public_targets_error: 'PROVIDER_INVALID_REQUEST',
  source_port_already_used: 'PROVIDER_INVALID_REQUEST',
  target_already_defined: 'PROVIDER_INVALID_REQUEST',
  targets_without_use_private_ip: 'PROVIDER_INVALID_STATE',

  // Certificates and DNS zones.
  caa_record_does_not_allow_ca: 'PROVIDER_INVALID_REQUEST',
  ca_dns_validation_failed: 'PROVIDER_INVALID_REQUEST',
  ca_too_many_authorizations_failed_recently: 'PROVIDER_QUOTA_EXCEEDED',
  ca_too_many_certificates_issued_for_registered_domain: 'PROVIDER_QUOTA_EXCEEDED',
  ca_too_many_duplicate_certificates: 'PROVIDER_QUOTA_EXCEEDED',
  could_not_verify_domain_delegated_to_zone: 'PROVIDER_INVALID_REQUEST',
  dns_zone_not_found: 'PROVIDER_NOT_FOUND',
  dns_zone_is_secondary_zone: 'PROVIDER_UNSUPPORTED',
  incorrect_zone_mode: 'PROVIDER_UNSUPPORTED',
};

/** Exact HTTP statuses for answers whose code is unknown (or missing). */
export const HETZNER_STATUS_CODES: Readonly<Record<number, ProviderErrorCode>> = {
  400: 'PROVIDER_INVALID_REQUEST',
  401: 'PROVIDER_AUTH_FAILED',
  403: 'PROVIDER_FORBIDDEN',
  404: 'PROVIDER_NOT_FOUND',
  405: 'PROVIDER_UNSUPPORTED',
  408: 'PROVIDER_TIMEOUT',
  409: 'PROVIDER_CONFLICT',
  410: 'PROVIDER_UNSUPPORTED',
  412: 'PROVIDER_CAPACITY_UNAVAILABLE',
  422: 'PROVIDER_INVALID_REQUEST',
  423: 'PROVIDER_LOCKED',
  429: 'PROVIDER_RATE_LIMITED',
  500: 'PROVIDER_SERVER_ERROR',
  501: 'PROVIDER_UNSUPPORTED',
  502: 'PROVIDER_UNAVAILABLE',
  503: 'PROVIDER_UNAVAILABLE',
  504: 'PROVIDER_TIMEOUT',
};

/** Fallback by status class when neither the code nor the exact status is known. */
export const HETZNER_STATUS_CLASS_CODES: Readonly<Record<'4xx' | '5xx' | 'other', ProviderErrorCode>> = {
  '4xx': 'PROVIDER_INVALID_REQUEST',
  '5xx': 'PROVIDER_SERVER_ERROR',
  other: 'PROVIDER_BAD_RESPONSE',
};

/**
 * The code for an answer whose body was not a Hetzner error (HTML from a proxy, plain text,
 * broken JSON). Gateways put such pages in front of real APIs, so 5xx and 429 keep their
 * meaning; any other non-JSON 4xx means the endpoint is not the Hetzner API, which must never
 * read as "not found" (a deleted server) or "unauthorized".
 */
export function codeForNonJsonStatus(status: number): ProviderErrorCode {
  if (status === 429) return 'PROVIDER_RATE_LIMITED';
  if (status >= 500 && status <= 599) return codeForStatus(status);
  return 'PROVIDER_BAD_RESPONSE';
}

/** The code for an HTTP status alone: exact status first, then its class. */
export function codeForStatus(status: number): ProviderErrorCode {
  const exact = HETZNER_STATUS_CODES[status];
  if (exact !== undefined) return exact;
  if (status >= 400 && status <= 499) return HETZNER_STATUS_CLASS_CODES['4xx'];
  if (status >= 500 && status <= 599) return HETZNER_STATUS_CLASS_CODES['5xx'];
  return HETZNER_STATUS_CLASS_CODES.other;
}

/** The code for a Hetzner error code, falling back on the HTTP status when the code is unknown. */
export function codeForHetznerError(providerCode: string, status: number): ProviderErrorCode {
  return HETZNER_ERROR_CODES[providerCode] ?? codeForStatus(status);
}

/** A Hetzner error body: `{"error":{"code","message","details"}}`. */
export type HetznerErrorBody = { code: string; message: string };

/** Reads a Hetzner error envelope from a parsed or raw body; null when it is not one. */
export function parseHetznerErrorBody(body: unknown): HetznerErrorBody | null {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (typeof value !== 'object' || value === null) return null;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || code === '') return null;
  return { code, message: typeof message === 'string' ? message : '' };
}

/** The request id Hetzner (or a proxy in front of it) put on an answer. */
export function requestIdOf(headers: Headers): string | null {
  return headers.get('x-correlation-id') ?? headers.get('x-request-id');
}

/** Everything about an HTTP error answer the mapping looks at. */
export type HetznerHttpFailure = {
  status: number;
  /** The body: parsed JSON, or the raw text when it was not JSON. */
  body: unknown;
  requestId: string | null;
  /** For 429: when the provider should accept a request again. */
  retryAfterMs?: number | null;
};

/** Maps an HTTP error answer to a ProviderError. */
export function mapHetznerHttpError(failure: HetznerHttpFailure): ProviderError {
  const { status, requestId } = failure;
  const parsed = parseHetznerErrorBody(failure.body);
  const code = parsed === null ? codeForNonJsonStatus(status) : codeForHetznerError(parsed.code, status);
  const message =
    parsed === null
      ? `HTTP ${status} without a Hetzner error body`
      : `${parsed.message || 'no message'} (${parsed.code}, HTTP ${status})`;
  return providerError(code, {
    message,
    providerCode: parsed?.code ?? null,
    httpStatus: status,
    requestId,
    retryAfterMs: code === 'PROVIDER_RATE_LIMITED' ? (failure.retryAfterMs ?? null) : null,
  });
}

/** Maps the error of a failed Hetzner action (`action.error`) to a ProviderErrorInfo code. */
export function codeForActionError(providerCode: string): ProviderErrorCode {
  return HETZNER_ERROR_CODES[providerCode] ?? 'PROVIDER_ACTION_FAILED';
}

/** Maps anything thrown while talking to Hetzner (no usable HTTP answer) to a ProviderError. */
export function mapHetznerTransportError(error: unknown, context: { requestId?: string | null; httpStatus?: number | null } = {}): ProviderError {
  if (error instanceof ProviderError) return error;
  const failure = classifyTransportFailure(error);
  return providerError(failure.code, {
    // A parser's message quotes the body's first bytes: an answer that is not the provider's
    // is described, never quoted.
    message: failure.kind === 'malformed-body' ? 'unreadable answer: the body is not the JSON the Hetzner API sends' : `request failed: ${describeTransportFailure(error)}`,
    httpStatus: context.httpStatus ?? null,
    requestId: context.requestId ?? null,
  });
}
