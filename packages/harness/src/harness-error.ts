/** Codes the harness itself uses, beside the API's own (UNAUTHENTICATED, NOT_FOUND, PROVIDER_*, NODE_*…). */
export const HARNESS_CODES = {
  /** The API could not be reached (refused, reset, DNS) even after retries. */
  UNREACHABLE: 'UNREACHABLE',
  /** A watch, phase wait or assertion ran out of time. */
  TIMEOUT: 'TIMEOUT',
  /** The stream broke its contract: a seq gap, a duplicate or an out-of-order event. */
  STREAM_OUT_OF_ORDER: 'STREAM_OUT_OF_ORDER',
  /** The streamed phases differ from the expected ones. */
  PHASES_MISMATCH: 'PHASES_MISMATCH',
  /** The node came to rest in another phase than the one awaited. */
  PHASE_NOT_REACHED: 'PHASE_NOT_REACHED',
} as const;

import type { TypedError } from './operations.ts';

/**
 * Every failure the harness reports: the API's `extensions.code` (or one of HARNESS_CODES) and
 * a message a person can act on. Never carries the API token.
 */
export class HarnessError extends Error {
  override name = 'HarnessError';
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  /** What a person can do about it (the API's hint for provider and node errors), when known. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, details?: Record<string, unknown>, hint?: string) {
    super(message);
    this.code = code;
    this.details = details;
    this.hint = hint;
  }

  /** From a mutation's typed error (the union member that implements Error). */
  static fromTypedError(error: TypedError): HarnessError {
    const { __typename: type, code, message, ...rest } = error;
    const hint = 'hint' in error ? error.hint ?? undefined : 'provider' in error ? error.provider.hint : undefined;
    return new HarnessError(code, message, { type, ...rest }, hint);
  }

  /** From a GraphQL error of a response or of a subscription. */
  static fromGraphQL(error: { message: string; extensions?: Record<string, unknown> }): HarnessError {
    const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR';
    const { code: _code, hint, ...details } = error.extensions ?? {};
    return new HarnessError(code, error.message, Object.keys(details).length > 0 ? details : undefined, typeof hint === 'string' ? hint : undefined);
  }
}
