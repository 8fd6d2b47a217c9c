/**
 * Why a node failed. A node ends FAILED with one NodeError: a PROVIDER_* code when the provider
 * (or the way to it) failed, or one of Hangar's own NODE_* codes below. docs/error-codes.md
 * ("Node errors") mirrors the NODE_* table.
 *
 * Pure TypeScript: the API, the worker and the web app share it.
 */
import { PROVIDER_ERRORS, isProviderErrorCode, type ProviderErrorCode, type ProviderErrorInfo } from './provider-errors.ts';

/** What the rest of Hangar needs to know about one NODE_* code. */
export type NodeErrorDefinition = {
  /** Whether retryNode (a new attempt with the same specification) may succeed. */
  readonly retryable: boolean;
  /** One line: what happened, in a person's words. */
  readonly meaning: string;
  /** What a person can do about it. */
  readonly hint: string;
};

/** Hangar's own failure codes. Every one is reachable from the acquisition engine. */
export const NODE_ERRORS = {
  NODE_BOOTSTRAP_TIMEOUT: {
    retryable: true,
    meaning: 'The server is running but its bootstrap never registered with Hangar before the provisioning deadline.',
    hint: 'Check that the server can reach the Hangar API at its public URL (HANGAR_PUBLIC_URL, firewall, DNS) and that the image runs cloud-init; then retry the node.',
  },
  NODE_READINESS_TIMEOUT: {
    retryable: true,
    meaning: 'The machine registered but sent no healthy heartbeat before the readiness deadline.',
    hint: 'Look at the machine (console or SSH): the Hangar agent reports unhealthy or cannot reach the API. Retry the node once fixed.',
  },
  NODE_SERVER_LOST: {
    retryable: true,
    meaning: 'The server disappeared at the provider (deleted outside Hangar) while the node still needed it.',
    hint: 'Find out who deleted it (provider console, audit log); retry the node to get a new server.',
  },
  NODE_CONNECTION_UNUSABLE: {
    retryable: false,
    meaning: 'The provider connection is not usable: its last credential check was not VALID.',
    hint: 'Give the provider connection a working Read & Write token (Rotate token on the Providers page) or check it again, then retry the node.',
  },
} as const satisfies Record<`NODE_${string}`, NodeErrorDefinition>;

/** One of the NODE_* codes. */
export type NodeErrorCode = keyof typeof NODE_ERRORS;

/** Every NODE_* code, in table order. */
export const NODE_ERROR_CODES = Object.keys(NODE_ERRORS) as NodeErrorCode[];

/** A node's failure as stored (Node.error, AcquisitionEvent.error) and shown. Never holds a secret. */
export type NodeError = {
  /** A PROVIDER_* or NODE_* code. */
  code: ProviderErrorCode | NodeErrorCode;
  message: string;
  /** Whether retryNode may succeed. */
  retryable: boolean;
  /** What a person can do about it. */
  hint: string;
  /** The provider's answer behind a PROVIDER_* failure; null for NODE_* codes without one. */
  provider: ProviderErrorInfo | null;
};

/** Whether `value` is one of the NODE_* codes. */
export function isNodeErrorCode(value: unknown): value is NodeErrorCode {
  return typeof value === 'string' && Object.hasOwn(NODE_ERRORS, value);
}

/** A NODE_* failure; `retryable` and `hint` come from the table. */
export function nodeError(code: NodeErrorCode, message: string = NODE_ERRORS[code].meaning, provider: ProviderErrorInfo | null = null): NodeError {
  return { code, message, retryable: NODE_ERRORS[code].retryable, hint: NODE_ERRORS[code].hint, provider };
}

/**
 * A failure caused by the provider. `code` defaults to the provider's own classification;
 * a different code (e.g. PROVIDER_ACTION_FAILED for a create action that ended in a
 * server_error) keeps the provider's answer on `provider`.
 */
export function nodeErrorFromProvider(info: ProviderErrorInfo, options: { code?: ProviderErrorCode; message?: string } = {}): NodeError {
  const code = options.code ?? info.code;
  return { code, message: options.message ?? info.message, retryable: PROVIDER_ERRORS[code].retryable, hint: FAILED_NODE_HINTS[code] ?? PROVIDER_ERRORS[code].hint, provider: info };
}

/** Hangar retried this step in place (with backoff) before the node failed. */
const GAVE_UP = 'Hangar retried this step several times, without success, before the node failed.';
/** retryNode can now change these, so the advice may name them. */
const ELSEWHERE = 'retry the node (Retry), the same way later or with another location or server type';

/**
 * What a person can do about a node that ended FAILED, for the provider codes whose request-level
 * advice ("Nothing to fix: retried automatically") is untrue once the node has failed: the node
 * is not retried any more, a person has to act. The other provider codes keep their advice.
 */
const FAILED_NODE_HINTS: Partial<Record<ProviderErrorCode, string>> = {
  PROVIDER_RATE_LIMITED: `${GAVE_UP} The provider project's request budget stayed used up: reduce other API users of the project, then retry the node.`,
  PROVIDER_CONFLICT: `${GAVE_UP} Retry the node; if it happens again, look for someone changing the same server in the provider console.`,
  PROVIDER_LOCKED: `${GAVE_UP} Another action kept the server locked: retry the node once it has ended.`,
  PROVIDER_MAINTENANCE: `${GAVE_UP} Retry the node after the provider's maintenance window (see its status page).`,
  PROVIDER_SERVER_ERROR: `${GAVE_UP} Check the provider status page, then retry the node; report the request id if it persists.`,
  PROVIDER_UNAVAILABLE: `${GAVE_UP} Check the provider status page, then retry the node.`,
  PROVIDER_TIMEOUT: `${GAVE_UP} Check the network path to the provider and its status page, then retry the node.`,
  PROVIDER_UNREACHABLE: `${GAVE_UP} Check the connection's API endpoint and the network between Hangar and the provider, then retry the node.`,
  PROVIDER_DNS_ERROR: `${GAVE_UP} Check the spelling of the API endpoint and the DNS of the Hangar host, then retry the node.`,
  PROVIDER_CONNECTION_RESET: `${GAVE_UP} Check proxies between Hangar and the provider, then retry the node.`,
  PROVIDER_BAD_RESPONSE: `${GAVE_UP} Check that the connection's API endpoint points at the provider API, then retry the node.`,
  PROVIDER_UNKNOWN_ERROR: `${GAVE_UP} Read the message, then retry the node; report the message and request id if it persists.`,
  PROVIDER_CAPACITY_UNAVAILABLE: `The provider has no capacity for this server type in this location right now: ${ELSEWHERE}.`,
  PROVIDER_PLACEMENT_FAILED: `The provider could not place the server on a host: ${ELSEWHERE}.`,
  PROVIDER_ACTION_FAILED: `The provider could not create or start the server: read its message, then ${ELSEWHERE}.`,
  PROVIDER_CANCELLED: 'Hangar stopped waiting for the provider (it was shutting down or the work was cancelled): retry the node if it is still wanted.',
  PROVIDER_INVALID_REQUEST: 'Correct the node specification: retry the node with another server type, location or image, or create a new node with other labels or SSH keys.',
};

/**
 * The hint of a FAILED node, chosen from its final state (not from its first error): what the
 * error's code calls for, and first of all a server it may still hold (and pay for) when its
 * cleanup could not delete it.
 */
export function failedNodeHint(code: string, final: { serverLeft: boolean }): string | null {
  const base = isNodeErrorCode(code)
    ? NODE_ERRORS[code].hint
    : isProviderErrorCode(code)
      ? (FAILED_NODE_HINTS[code] ?? PROVIDER_ERRORS[code].hint)
      : null;
  if (!final.serverLeft) return base;
  const release = 'Its server could not be deleted and may still cost money: release the node (Release) to delete it.';
  return base === null ? release : `${release} ${base}`;
}
