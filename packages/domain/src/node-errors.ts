/**
 * Why a node failed. A node ends FAILED with one NodeError: a PROVIDER_* code when the provider
 * (or the way to it) failed, or one of Hangar's own NODE_* codes below. docs/error-codes.md
 * ("Node errors") mirrors the NODE_* table.
 *
 * Pure TypeScript: the API, the worker and the web app share it.
 */
import { PROVIDER_ERRORS, type ProviderErrorCode, type ProviderErrorInfo } from './provider-errors.ts';

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
    hint: 'Rotate the provider token (rotateProviderToken) or validate the connection again, then retry the node.',
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
  return { code, message: options.message ?? info.message, retryable: PROVIDER_ERRORS[code].retryable, hint: PROVIDER_ERRORS[code].hint, provider: info };
}
