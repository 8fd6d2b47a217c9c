/**
 * PROVIDER_* error codes: every failure of a cloud provider (its answer or the way to it) ends
 * as exactly one of these. Provider adapters decide which one; this table decides what it
 * means for the rest of Hangar: whether the acquisition engine may retry, and what a person
 * should do about it. docs/error-codes.md ("Provider errors") mirrors this table; a test keeps
 * the two equal.
 *
 * Pure TypeScript: no imports, so the web app, the API and the worker can all use it.
 */

/** What the rest of Hangar needs to know about one PROVIDER_* code. */
export type ProviderErrorDefinition = {
  /** Whether the same request may succeed if sent again later (with backoff). */
  readonly retryable: boolean;
  /** One line: what happened, in a person's words. */
  readonly meaning: string;
  /** What a person can do about it. */
  readonly hint: string;
};

/**
 * The table of PROVIDER_* codes. Its keys are the complete list; add a code here first, then
 * map provider answers to it, then document it in docs/error-codes.md.
 */
export const PROVIDER_ERRORS = {
  PROVIDER_AUTH_FAILED: {
    retryable: false,
    meaning: 'The provider rejected the API token (unknown, revoked or mistyped).',
    hint: 'Create a new API token in the provider console and update the provider connection.',
  },
  PROVIDER_READ_ONLY_TOKEN: {
    retryable: false,
    meaning: 'The API token may only read; creating or deleting servers needs a read & write token.',
    hint: 'Create a token with "Read & Write" permission in the provider console and update the provider connection.',
  },
  PROVIDER_FORBIDDEN: {
    retryable: false,
    meaning: 'The token is valid but not allowed to do this, or the provider has blocked the resource or account.',
    hint: 'Check the token permissions and the project status in the provider console; contact provider support if a resource is blocked.',
  },
  PROVIDER_RATE_LIMITED: {
    retryable: true,
    meaning: 'Too many requests: the project used up its provider API request budget.',
    hint: 'Nothing to fix: Hangar waits for the budget to refill. If it happens often, reduce parallel acquisitions or other API users of the project.',
  },
  PROVIDER_NOT_FOUND: {
    retryable: false,
    meaning: 'The resource does not exist at the provider (or no longer does).',
    hint: 'Check the name or id; if the resource was deleted outside Hangar, release or recreate the node.',
  },
  PROVIDER_INVALID_REQUEST: {
    retryable: false,
    meaning: 'The provider refused the request as invalid (bad field value, unknown server type, location or image, malformed input).',
    hint: 'Correct the node specification (server type, location, image, labels, user data) and create the node again.',
  },
  PROVIDER_INVALID_STATE: {
    retryable: false,
    meaning: 'The resource is not in a state that allows this operation (already attached, still in use, not stopped).',
    hint: 'Bring the resource into the needed state in the provider console (detach, stop, unassign) and try again.',
  },
  PROVIDER_CONFLICT: {
    retryable: true,
    meaning: 'The resource changed while the provider handled the request.',
    hint: 'Nothing to fix: the request is retried automatically.',
  },
  PROVIDER_NAME_TAKEN: {
    retryable: false,
    meaning: 'A resource with the same name (or another field that must be unique) already exists in the project.',
    hint: 'Choose another name, or delete the existing resource in the provider console.',
  },
  PROVIDER_QUOTA_EXCEEDED: {
    retryable: false,
    meaning: 'The project reached a provider limit on how many resources of this kind it may have.',
    hint: 'Delete unused resources or ask the provider to raise the project limit.',
  },
  PROVIDER_CAPACITY_UNAVAILABLE: {
    retryable: true,
    meaning: 'The provider has no capacity for this right now (server type or resource not orderable in this location).',
    hint: 'Retry later, or choose another location or server type.',
  },
  PROVIDER_PLACEMENT_FAILED: {
    retryable: true,
    meaning: 'The provider could not place the server on a host.',
    hint: 'Retry later, or choose another location or server type.',
  },
  PROVIDER_LOCKED: {
    retryable: true,
    meaning: 'Another action is still running on the resource.',
    hint: 'Nothing to fix: the request is retried once the running action ends.',
  },
  PROVIDER_PROTECTED: {
    retryable: false,
    meaning: 'The resource is protected against this action (for example delete protection).',
    hint: 'Turn off the protection in the provider console, then release the node again.',
  },
  PROVIDER_MAINTENANCE: {
    retryable: true,
    meaning: 'The provider blocks the operation because of maintenance.',
    hint: 'Retry after the maintenance window; check the provider status page.',
  },
  PROVIDER_UNSUPPORTED: {
    retryable: false,
    meaning: 'The provider does not support this operation (endpoint removed, method or action not supported).',
    hint: 'Update Hangar; if it persists, report it with the request id.',
  },
  PROVIDER_ACTION_FAILED: {
    retryable: true,
    meaning: 'An asynchronous provider action (for example creating the server) ended in an error.',
    hint: 'Hangar cleans up and retries; if it keeps failing, read the provider message and try another location or server type.',
  },
  PROVIDER_SERVER_ERROR: {
    retryable: true,
    meaning: 'The provider had an internal error.',
    hint: 'Nothing to fix: retried automatically. If it persists, check the provider status page and report the request id.',
  },
  PROVIDER_UNAVAILABLE: {
    retryable: true,
    meaning: 'The provider API or one of its services is temporarily unavailable (503, bad gateway).',
    hint: 'Nothing to fix: retried automatically. Check the provider status page if it persists.',
  },
  PROVIDER_TIMEOUT: {
    retryable: true,
    meaning: 'The provider did not answer in time.',
    hint: 'Nothing to fix: retried automatically. If it persists, check the network path to the provider.',
  },
  PROVIDER_UNREACHABLE: {
    retryable: true,
    meaning: 'No connection to the provider API could be made (connection refused, host or network unreachable).',
    hint: 'Check the API endpoint of the connection and the network/firewall between Hangar and the provider.',
  },
  PROVIDER_ENDPOINT_NOT_ALLOWED: {
    retryable: false,
    meaning: "The connection's API endpoint is not on Hangar's allow-list (it was stored before the operator narrowed HANGAR_PROVIDER_ENDPOINTS); nothing was sent to it.",
    hint: "Create the connection again with the provider's public API endpoint, or ask the operator to add the endpoint to HANGAR_PROVIDER_ENDPOINTS.",
  },
  PROVIDER_TLS_ERROR: {
    retryable: false,
    meaning: 'The TLS connection to the provider failed (bad or untrusted certificate, protocol mismatch).',
    hint: 'Check the API endpoint (https host and port) and any proxy that intercepts TLS; install the right CA certificate.',
  },
  PROVIDER_DNS_ERROR: {
    retryable: true,
    meaning: 'The API endpoint host name could not be resolved.',
    hint: 'Check the spelling of the API endpoint and the DNS configuration of the Hangar host.',
  },
  PROVIDER_CONNECTION_RESET: {
    retryable: true,
    meaning: 'The connection to the provider was closed before a full answer arrived.',
    hint: 'Nothing to fix: retried automatically. If it persists, check proxies between Hangar and the provider.',
  },
  PROVIDER_BAD_RESPONSE: {
    retryable: true,
    meaning: 'The answer did not look like the provider API (not JSON, malformed JSON or missing fields).',
    hint: 'Check that the API endpoint points at the provider API (for Hetzner it ends in /v1) and not at a proxy or web page.',
  },
  PROVIDER_CANCELLED: {
    retryable: false,
    meaning: 'Hangar stopped waiting for the provider (the operation was cancelled or the worker is shutting down).',
    hint: 'Nothing to fix; start the operation again if it is still wanted.',
  },
  PROVIDER_UNKNOWN_ERROR: {
    retryable: true,
    meaning: 'The provider reported an error Hangar does not know, or an unexpected error happened.',
    hint: 'Retried automatically; if it persists, report the message and request id.',
  },
} as const satisfies Record<`PROVIDER_${string}`, ProviderErrorDefinition>;

/** One of the PROVIDER_* codes. */
export type ProviderErrorCode = keyof typeof PROVIDER_ERRORS;

/** Every PROVIDER_* code, in table order. */
export const PROVIDER_ERROR_CODES = Object.keys(PROVIDER_ERRORS) as ProviderErrorCode[];

/**
 * A provider failure as Hangar stores and shows it: the stable code, the provider's own words
 * and identifiers for diagnosis. Never contains credentials.
 */
export type ProviderErrorInfo = {
  code: ProviderErrorCode;
  /** Human-readable description, usually the provider's message. */
  message: string;
  retryable: boolean;
  /** The provider's own error code (e.g. Hetzner's "resource_unavailable"), null for transport failures. */
  providerCode: string | null;
  /** HTTP status of the provider's answer, null when none arrived. */
  httpStatus: number | null;
  /** The provider's request/correlation id, when it sent one. */
  requestId: string | null;
};

/** Whether `value` is one of the PROVIDER_* codes. */
export function isProviderErrorCode(value: unknown): value is ProviderErrorCode {
  return typeof value === 'string' && Object.hasOwn(PROVIDER_ERRORS, value);
}

/** The guidance for a code: what a person can do about it. */
export function providerErrorHint(code: ProviderErrorCode): string {
  return PROVIDER_ERRORS[code].hint;
}

/**
 * Builds a ProviderErrorInfo; `retryable` always comes from the table, so the same code
 * always carries the same flag.
 */
export function providerErrorInfo(
  code: ProviderErrorCode,
  details: { message?: string; providerCode?: string | null; httpStatus?: number | null; requestId?: string | null } = {},
): ProviderErrorInfo {
  return {
    code,
    message: details.message ?? PROVIDER_ERRORS[code].meaning,
    retryable: PROVIDER_ERRORS[code].retryable,
    providerCode: details.providerCode ?? null,
    httpStatus: details.httpStatus ?? null,
    requestId: details.requestId ?? null,
  };
}
