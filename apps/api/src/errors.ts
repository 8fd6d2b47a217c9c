import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '@hangar/db/unavailable';
import { HangarError, isApiErrorCode } from '@hangar/domain/api-errors';
import type { Logger } from '@hangar/core/logger';

/** Messages graphql-armor uses when it rejects a query for its size or shape. */
const ARMOR_REJECTION = /depth limit|aliases|Query Cost limit|Token limit|Directives limit/i;

/** Longest message of a refused request shown back: graphql-js can quote a whole input. */
const REQUEST_ERROR_MAX_CHARS = 300;

/** A quoted run this long is not a type or field name: it is a value. */
const QUOTED_VALUE_MIN_CHARS = 40;

/** The reason part of a coercion error, without the value or a field name the caller made up. */
function coercionReason(reason: string): string {
  return reason
    .replace(/^Field "[^"]*" is not defined by type ("[^"]*")\..*$/s, 'a field not defined by type $1 was given.')
    .replace(/^(\w+) cannot represent .*$/s, '$1 cannot represent that value.')
    .replace(/^Value .* does not exist in ("[^"]*") enum\..*$/s, 'the value is not one of the $1 enum\'s values.')
    .replace(/^Expected value of type ("[^"]*"), found .*$/s, 'expected a value of type $1.');
}

/**
 * graphql-js quotes the offending value in coercion and validation errors ("got invalid value
 * …", "found …", "cannot represent …: …", "Value … does not exist"). A value can be a secret sent
 * in the wrong place, so it is never echoed back nor logged.
 */
export function withoutValues(message: string): string {
  const variable = /^Variable ("\$[^"]*") got invalid value .*?(?: at ("[^"]*"))?; (.*)$/s.exec(message);
  const scrubbed = (variable
    ? `Variable ${variable[1]} got an invalid value${variable[2] ? ` at ${variable[2]}` : ''}; ${coercionReason(variable[3] ?? '')}`
    : message
      .replace(/found .*?([.;] |[.;]?$)/s, 'found an invalid value$1')
      .replace(/(cannot represent [^:]*value): .*$/s, '$1.')
      .replace(/Value .* does not exist in ("[^"]*") enum/s, 'the value does not exist in the $1 enum'))
    .replace(/ ?Did you mean .*$/s, '')
    .replace(new RegExp(`"[^"]{${QUOTED_VALUE_MIN_CHARS},}"`, 'g'), '(a value, not shown)');
  return scrubbed.length > REQUEST_ERROR_MAX_CHARS ? `${scrubbed.slice(0, REQUEST_ERROR_MAX_CHARS)}…` : scrubbed;
}

/** Yoga's answer for a body over its limit, and for a body that is not JSON. */
function requestProblem(error: GraphQLError): string | null {
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  if (status === 413) return 'the request body is too large';
  if (/invalid JSON|not valid JSON|Unexpected token|JSON/i.test(error.message) && !(error.originalError instanceof GraphQLError) && error.originalError) return 'the request body or a parameter is not valid JSON';
  return null;
}

/**
 * A request or validation error with a documented code: QUERY_TOO_COMPLEX for armor's limits,
 * else BAD_REQUEST; no quoted value, no originalError (a parser's message quotes the body).
 * Codes of our own (RATE_LIMITED, UNAUTHENTICATED) pass through.
 */
export function withValidationCode(error: Error): Error {
  if (!(error instanceof GraphQLError)) return error;
  const existing = error.extensions.code;
  if (isApiErrorCode(existing) && existing !== 'INTERNAL_SERVER_ERROR') {
    // Yoga puts the parser's error (which quotes the body) in extensions.originalError.
    if (!('originalError' in error.extensions)) return error;
    const { originalError: _quoted, ...extensions } = error.extensions;
    return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions });
  }
  const code = ARMOR_REJECTION.test(error.message) ? 'QUERY_TOO_COMPLEX' : 'BAD_REQUEST';
  const message = requestProblem(error) ?? withoutValues(error.message.replace(/^Syntax Error: /, ''));
  const http = error.extensions.http as { status?: number; headers?: Record<string, string> } | undefined;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { code, ...(http ? { http } : {}) },
  });
}

/** Whether Yoga or graphql-js refused the request itself (parse, validation, coercion, HTTP). */
function isRequestError(error: unknown): error is GraphQLError {
  if (!(error instanceof GraphQLError)) return false;
  if (!error.originalError || error.originalError instanceof GraphQLError) return true;
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  return status !== undefined && status >= 400 && status < 500;
}

/** An unexpected error as it may be logged: its stack without the message line, its message without quoted values. */
function loggable(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(withoutValues(String(error)));
  const safe = new Error(withoutValues(error.message));
  safe.name = error.name;
  safe.stack = `${error.name}: ${safe.message}\n${(error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).join('\n')}`;
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) (safe as Error & { code?: unknown }).code = code;
  return safe;
}

/**
 * Yoga's maskError, and the one place GraphQL errors are logged (Yoga's own error logging is
 * switched off in app.ts): a caller's mistake (a HangarError, a refused request) is shown with
 * its code and logged at info, without a stack or a value; anything else is logged at error
 * with its stack and shown as INTERNAL_SERVER_ERROR.
 */
export function createMaskError(log: Logger) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? error.originalError ?? error : error;
    if (original instanceof HangarError) {
      log.info({ code: original.code, field: original.field, path: error instanceof GraphQLError ? error.path?.join('.') : undefined }, 'caller error');
      return new GraphQLError(original.message, {
        nodes: error instanceof GraphQLError ? error.nodes : undefined,
        path: error instanceof GraphQLError ? error.path : undefined,
        extensions: { code: original.code, ...(original.field ? { field: original.field } : {}), ...(original.details ?? {}) },
      });
    }
    if (original instanceof PothosValidationError) {
      // Pothos' own argument checks (a negative page size, ...): never echo what was sent.
      const field = /^Arguments? "(\w+)"/.exec(original.message)?.[1];
      log.info({ code: 'VALIDATION_FAILED', field }, 'caller error');
      return new GraphQLError(/cursor|:/i.test(original.message) ? 'the pagination arguments are invalid' : original.message, {
        nodes: error instanceof GraphQLError ? error.nodes : undefined,
        path: error instanceof GraphQLError ? error.path : undefined,
        extensions: { code: 'VALIDATION_FAILED', ...(field ? { field } : {}) },
      });
    }
    // A bare SyntaxError reaching Yoga's error handler is its own JSON.parse of a GET
    // parameter (variables, extensions); a resolver's would be wrapped in a GraphQLError.
    if (error instanceof SyntaxError) {
      log.info({ code: 'BAD_REQUEST' }, 'request refused');
      return new GraphQLError('a request parameter (variables or extensions) is not valid JSON', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
    }
    if (isRequestError(error)) {
      const coded = withValidationCode(error) as GraphQLError;
      log.info({ code: coded.extensions.code, message: coded.message }, 'request refused');
      return coded;
    }
    if (isDatabaseUnavailable(original)) {
      log.warn({ code: 'UNAVAILABLE', err: loggable(original) }, 'database unavailable');
      return unavailableError(error instanceof GraphQLError ? error.path : undefined);
    }
    log.error({ err: loggable(original) }, 'unexpected error in a GraphQL operation');
    return new GraphQLError(message, {
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  };
}

/** The message of an UNAVAILABLE answer. */
export const UNAVAILABLE_MESSAGE = `Hangar's database is unavailable right now; retry in ${DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS} s`;

/** UNAVAILABLE: the database is down or saturated; HTTP 503 with Retry-After, retryable. */
export function unavailableError(path?: ReadonlyArray<string | number>): GraphQLError {
  return new GraphQLError(UNAVAILABLE_MESSAGE, {
    path,
    extensions: {
      code: 'UNAVAILABLE',
      retryAfterSeconds: DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS,
      http: { status: 503, headers: { 'retry-after': String(DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS) } },
    },
  });
}

/** Yoga's logger: its raw error lines are dropped (createMaskError logs every error, safely). */
export function yogaLogger(log: Logger) {
  return {
    debug: (...args: unknown[]) => log.debug({ detail: args.filter((arg) => typeof arg === 'string').join(' ') }, 'yoga'),
    info: (...args: unknown[]) => log.info({ detail: args.filter((arg) => typeof arg === 'string').join(' ') }, 'yoga'),
    warn: (...args: unknown[]) => log.warn({ detail: args.filter((arg) => typeof arg === 'string').join(' ') }, 'yoga'),
    error: () => undefined,
  };
}
