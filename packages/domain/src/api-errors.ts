/**
 * Errors the API returns for a caller's mistake, with a stable `code` in `extensions.code`.
 * Unexpected failures are masked as INTERNAL_SERVER_ERROR. docs/error-codes.md is the table.
 */
export const API_ERROR_CODES = {
  UNAUTHENTICATED: 'No valid API token: send `Authorization: Bearer <token>`; mint one with `npm run hangar -- token create`.',
  NOT_FOUND: 'Nothing with that id exists in your organization.',
  VALIDATION_FAILED: 'An input field is invalid; `extensions.field` names it.',
  CONFLICT: 'The request conflicts with the current state (a name in use, or a resource still in use).',
  QUERY_TOO_COMPLEX: 'The query exceeds a depth, alias, cost or token limit; ask for less in one request.',
  BAD_REQUEST: 'The request is not a valid GraphQL request (syntax, unknown field, wrong variable type, malformed body or too large a body).',
  RATE_LIMITED: 'Too many requests or open subscriptions for this API token (or /agent calls from this address); retry after `extensions.retryAfterSeconds` (HTTP: the Retry-After header).',
  INTERNAL_SERVER_ERROR: 'Hangar failed unexpectedly; the request id in the logs has the details.',
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/** Whether `code` is one of the API's documented codes (API_ERROR_CODES). */
export function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && Object.hasOwn(API_ERROR_CODES, code);
}

/**
 * An expected failure a caller can act on. The API exposes `message`, `code` and the
 * optional `field`; it must never carry a secret.
 */
export class HangarError extends Error {
  override name = 'HangarError';
  readonly code: string;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ApiErrorCode | `PROVIDER_${string}` | `NODE_${string}`, message: string, options: { field?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }
}
