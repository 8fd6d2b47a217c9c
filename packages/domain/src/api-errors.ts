/**
 * Errors the API returns for a caller's mistake, each with a stable code. A mutation answers
 * them as typed results (`... on Error { code message }`); a query, a subscription, a failed
 * authentication and a rejected document answer them in `errors[].extensions.code`.
 * Unexpected failures are masked as INTERNAL_SERVER_ERROR. docs/error-codes.md is the table.
 */
import { NODE_ERROR_CODES, type NodeErrorCode } from './node-errors.ts';
import { PROVIDER_ERROR_CODES, PROVIDER_ERRORS, isProviderErrorCode, type ProviderErrorCode, type ProviderErrorInfo } from './provider-errors.ts';

export const API_ERROR_CODES = {
  UNAUTHENTICATED: 'No valid API token: send `Authorization: Bearer <token>`; mint one with `npm run hangar -- token create`.',
  NOT_FOUND: 'Nothing with that id exists in your organization.',
  VALIDATION_FAILED: 'An input field is invalid; the error names it (`path` in a result, `extensions.field` at the top level).',
  CONFLICT: 'The request conflicts with the current state (a name in use, or a resource still in use).',
  PROVIDER_TOKEN_CANNOT_MANAGE_SERVERS:
    'The new provider token cannot see or manage every server the connection’s nodes hold (another project, or too few permissions); the old token stays in force.',
  QUERY_TOO_COMPLEX: 'The query exceeds a depth, alias, cost or token limit; ask for less in one request.',
  BAD_REQUEST: 'The request is not a valid GraphQL request (syntax, unknown field, wrong variable type, malformed body or too large a body).',
  RATE_LIMITED: 'Too many requests or open subscriptions for this API token (or /agent calls from this address); retry after `extensions.retryAfterSeconds` (HTTP: the Retry-After header).',
  UNAVAILABLE: 'Hangar cannot serve this right now (its database is down, restarting or saturated); nothing was changed unless a later read shows it: retry after `extensions.retryAfterSeconds` (HTTP 503, Retry-After).',
  INTERNAL_SERVER_ERROR: 'Hangar failed unexpectedly; the request id in the logs has the details.',
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/** Whether `code` is one of the API's documented codes (API_ERROR_CODES). */
export function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && Object.hasOwn(API_ERROR_CODES, code);
}

/** Every code the API can answer with: the GraphQL `ErrorCode` enum, in docs/error-codes.md order. */
export const ERROR_CODES = [...PROVIDER_ERROR_CODES, ...(Object.keys(API_ERROR_CODES) as ApiErrorCode[]), ...NODE_ERROR_CODES] as const;

export type ErrorCode = ApiErrorCode | ProviderErrorCode | NodeErrorCode;

/**
 * An expected failure a caller can act on. The API exposes `message`, `code` and the
 * optional `field`; it must never carry a secret.
 */
export class HangarError extends Error {
  override name = 'HangarError';
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { field?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }

  /** The input path of the offending field, from the mutation's argument: `["input", "labels", "2", "key"]`. */
  get path(): string[] | null {
    return this.field === undefined ? null : ['input', ...this.field.split('.')];
  }
}

/** VALIDATION_FAILED: an input field is invalid (`path` names it). */
export class InputError extends HangarError {
  override name = 'InputError';
}

/** NOT_FOUND: nothing with that id in the caller's organization. */
export class NotFoundError extends HangarError {
  override name = 'NotFoundError';
}

/** CONFLICT: the current state forbids the change (a name in use, a resource still in use, a wrong phase). */
export class ConflictError extends HangarError {
  override name = 'ConflictError';
}

/** A PROVIDER_* failure with the provider's answer (code, HTTP status, request id). */
export class ProviderFailure extends HangarError {
  override name = 'ProviderFailure';
  readonly info: ProviderErrorInfo;

  constructor(info: ProviderErrorInfo) {
    super(info.code, info.message);
    this.info = info;
  }

  get hint(): string {
    return PROVIDER_ERRORS[this.info.code].hint;
  }
}

/** PROVIDER_RATE_LIMITED: the provider accepts requests again after `retryAfterSeconds`. */
export class RateLimitedFailure extends ProviderFailure {
  override name = 'RateLimitedFailure';
  readonly retryAfterSeconds: number;

  constructor(info: ProviderErrorInfo, retryAfterMs: number | null) {
    super(info);
    this.retryAfterSeconds = Math.max(1, Math.ceil((retryAfterMs ?? 60_000) / 1000));
  }
}

/**
 * The typed form of a HangarError thrown by core code (which throws the base class with a
 * code), so the API can answer it as the matching result type. Anything else is returned as is.
 */
export function typedError(error: unknown): unknown {
  if (!(error instanceof HangarError) || error.constructor !== HangarError) return error;
  const options = { ...(error.field === undefined ? {} : { field: error.field }), ...(error.details ? { details: error.details } : {}) };
  switch (error.code) {
    case 'VALIDATION_FAILED':
      return new InputError(error.code, error.message, options);
    case 'NOT_FOUND':
      return new NotFoundError(error.code, error.message, options);
    case 'CONFLICT':
    case 'PROVIDER_TOKEN_CANNOT_MANAGE_SERVERS':
      return new ConflictError(error.code, error.message, options);
    default:
      break;
  }
  if (!isProviderErrorCode(error.code)) return error;
  const provider = error.details?.provider as ProviderErrorInfo | undefined;
  const info: ProviderErrorInfo = provider ?? {
    code: error.code,
    message: error.message,
    retryable: PROVIDER_ERRORS[error.code].retryable,
    providerCode: null,
    httpStatus: null,
    requestId: null,
  };
  if (error.code === 'PROVIDER_RATE_LIMITED') {
    const retryAfterMs = error.details?.retryAfterMs;
    return new RateLimitedFailure(info, typeof retryAfterMs === 'number' ? retryAfterMs : null);
  }
  return new ProviderFailure(info);
}
