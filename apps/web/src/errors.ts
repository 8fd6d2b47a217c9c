import type { CombinedError } from 'urql';
import { isProviderErrorCode, PROVIDER_ERRORS } from '@hangar/domain/provider-errors';
import { isNodeErrorCode, NODE_ERRORS } from '@hangar/domain/node-errors';
import type { NodeErrorFieldsFragment, ProviderErrorFieldsFragment, TypedErrorFieldsFragment } from './graphql/generated/graphql.ts';

/**
 * Every failure the web app shows, in one shape: a stable code, the message, the input field
 * it is about (for forms) and what a person can do about it. Built only by the functions in
 * this file, so every screen explains errors the same way.
 */
export interface AppError {
  code: string;
  message: string;
  /** The input field at fault (`extensions.field`, without an `input.` prefix), if any. */
  field: string | null;
  /** What to do about it, in a person's words. */
  hint: string;
}


/** The code for "the API could not be reached at all" (no GraphQL answer). */
export const NETWORK_ERROR = 'NETWORK_ERROR';

/** What a person can do about each of the API's own codes (docs/error-codes.md). */
const API_HINTS: Record<string, string> = {
  UNAUTHENTICATED: 'Sign in again with a valid API token: `npm start` prints a sign-in link, `npm run hangar -- token create` mints a new token.',
  NOT_FOUND: 'It was deleted or belongs to another organization. Go back to the list and reload it.',
  VALIDATION_FAILED: 'Correct the marked field and submit again.',
  CONFLICT: 'The current state does not allow this. Read the message, resolve what blocks it (for example release the nodes that still use a connection), then try again.',
  QUERY_TOO_COMPLEX: 'The page asked for too much at once. Reload; if it persists, report it.',
  BAD_REQUEST: 'The web app and the API disagree about the contract (the API may be older or newer). Reload the page; if it persists, rebuild the web app with `npm run generate`.',
  INTERNAL_SERVER_ERROR: 'Hangar failed unexpectedly. Try again; if it persists, the API log has the details for this time.',
  [NETWORK_ERROR]: 'The Hangar API did not answer. Check that it is running (`npm start`) and that this page comes from it, then reload.',
};

/** A NODE_* code this build of the web app does not know yet. */
const NODE_HINT = 'Read the message and the timeline. Retry the node if the failure was temporary, or release it and create a new one.';
const FALLBACK_HINT = 'Read the message; if it does not say what to do, try again or report the code.';

/** What a person can do about an error with this code. */
export function hintFor(code: string): string {
  if (isProviderErrorCode(code)) return PROVIDER_ERRORS[code].hint;
  if (isNodeErrorCode(code)) return NODE_ERRORS[code].hint;
  if (code.startsWith('NODE_')) return NODE_HINT;
  return API_HINTS[code] ?? FALLBACK_HINT;
}

/** Field names from the API are paths into the input (`input.token`); forms use the last part. */
function fieldName(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  return value.replace(/^input\./, '');
}

/** Every error of a failed operation, normalised (a network failure is one NETWORK_ERROR). */
export function fromCombinedError(error: CombinedError): AppError[] {
  if (error.graphQLErrors.length === 0) {
    const message = error.networkError?.message ?? error.message.replace(/^\[Network\] /, '');
    return [{ code: NETWORK_ERROR, message, field: null, hint: hintFor(NETWORK_ERROR) }];
  }
  return error.graphQLErrors.map((graphQLError) => {
    const extensions = graphQLError.extensions ?? {};
    const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
    const serverHint = typeof extensions.hint === 'string' ? extensions.hint : null;
    return { code, message: graphQLError.message, field: fieldName(extensions.field), hint: serverHint ?? hintFor(code) };
  });
}

/** The first error of a failed operation, normalised. */
export function fromOperationError(error: CombinedError): AppError {
  return fromCombinedError(error)[0]!;
}

/** A field path from the API (`["input", "labels", "2", "key"]`) as a form's field name (`labels.2.key`). */
function fieldFromPath(path: readonly string[] | null | undefined): string | null {
  if (!path || path.length === 0) return null;
  return fieldName(path.join('.'));
}

/** A mutation's typed error (the union member that implements Error), normalised. */
export function fromTypedError(error: TypedErrorFieldsFragment): AppError {
  const path = 'path' in error ? error.path : 'conflictPath' in error ? error.conflictPath : null;
  const serverHint = 'hint' in error ? error.hint : 'provider' in error ? error.provider.hint : null;
  const wait = 'retryAfterSeconds' in error ? ` (the provider accepts requests again in ${error.retryAfterSeconds} s)` : '';
  return { code: error.code, message: `${error.message}${wait}`, field: fieldFromPath(path), hint: serverHint ?? hintFor(error.code) };
}

/**
 * A mutation's outcome: the payload, or the errors to show (a failed request's top-level errors,
 * or the typed error the mutation answered with).
 */
export function mutationOutcome<P extends { __typename: string }>(
  result: { error?: CombinedError; data?: unknown },
  field: P | TypedErrorFieldsFragment | undefined,
): { payload: P; errors: null } | { payload: null; errors: AppError[] } {
  if (result.error) return { payload: null, errors: fromCombinedError(result.error) };
  if (!field) return { payload: null, errors: [{ code: 'INTERNAL_SERVER_ERROR', message: 'The API answered without a result.', field: null, hint: hintFor('INTERNAL_SERVER_ERROR') }] };
  if ('code' in field) return { payload: null, errors: [fromTypedError(field)] };
  return { payload: field, errors: null };
}

/** A node's or a provider's stored failure, normalised. */
export function fromStoredError(error: NodeErrorFieldsFragment | ProviderErrorFieldsFragment): AppError {
  return { code: error.code, message: error.message, field: null, hint: error.hint ?? hintFor(error.code) };
}

/**
 * The errors of a form submission, split into those shown beside one of the form's fields and
 * the rest (shown above the form, so an error about a field the form lacks is never hidden).
 */
export function splitFieldErrors(errors: AppError[], fields: readonly string[]): { byField: Record<string, AppError>; general: AppError[] } {
  const byField: Record<string, AppError> = {};
  const general: AppError[] = [];
  for (const error of errors) {
    if (error.field && fields.includes(error.field) && !byField[error.field]) byField[error.field] = error;
    else general.push(error);
  }
  return { byField, general };
}
