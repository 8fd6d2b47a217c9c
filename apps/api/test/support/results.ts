/**
 * Selections and checks for the typed mutation results (docs/api-contract.md "Results and
 * errors"): every mutation answers `<Name>Payload` or one of the error types implementing Error.
 */
import { expect } from 'vitest';

/**
 * What a result selection asks of a failure: `__typename`, `code` and `message` of any error, and
 * the fields of the error types the mutation's union has (a spread of a type outside the union
 * is a validation error). ValidationError and ConflictError share `path: [String!]!`.
 */
export function errorSelection(types: { validation?: boolean; conflict?: boolean; provider?: boolean }): string {
  return [
    '__typename ... on Error { code message }',
    types.validation ? '... on ValidationError { path }' : '',
    types.conflict ? '... on ConflictError { path }' : '',
    types.provider ? '... on ProviderError { hint retryable providerCode httpStatus requestId } ... on RateLimitedError { retryAfterSeconds provider { code requestId } }' : '',
  ].join(' ');
}

/** A typed failure as ERROR_SELECTION (and PROVIDER_ERROR_SELECTION) selects it. */
export interface TypedError {
  __typename: string;
  code: string;
  message: string;
  path?: string[];
  hint?: string;
  retryable?: boolean;
  providerCode?: string | null;
  httpStatus?: number | null;
  requestId?: string | null;
  retryAfterSeconds?: number;
  provider?: { code: string; requestId: string | null };
}

interface Response { data?: unknown; errors?: unknown[] }

/** The payload of a successful mutation `field` (asserting it succeeded, with no top-level error). */
export function payloadOf<T>(response: Response, field: string): T {
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  const result = (response.data as Record<string, unknown> | null | undefined)?.[field] as { __typename?: string } | undefined;
  expect(result?.__typename, JSON.stringify(result)).toMatch(/Payload$/);
  return result as T;
}

/** The typed error of a failed mutation `field`: data is there, errors[] is not. */
export function typedErrorOf(response: Response, field: string): TypedError {
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  const result = (response.data as Record<string, unknown> | null | undefined)?.[field] as TypedError | undefined;
  expect(result?.__typename, JSON.stringify(result)).toMatch(/Error$/);
  return result as TypedError;
}
