import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { HangarError } from '@hangar/domain/api-errors';
import type { Logger } from '@hangar/core/logger';

/** Messages graphql-armor uses when it rejects a query for its size or shape. */
const ARMOR_REJECTION = /depth limit|aliases|Query Cost limit|Token limit|Directives limit/i;

/** Codes Yoga gives malformed requests; we replace them with ours. */
const YOGA_REQUEST_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT']);

/**
 * graphql-js quotes the offending value in coercion errors ("got invalid value \"…\"", "found
 * \"…\""). A value can be a secret sent in the wrong place, so it is never echoed back.
 */
export function withoutValues(message: string): string {
  return message
    .replace(/got invalid value .*?(; |$)/s, 'got an invalid value$1')
    .replace(/found .*?([.;] |[.;]?$)/s, 'found an invalid value$1')
    .replace(/(cannot represent [^:]*value): .*$/s, '$1.');
}

/** Gives every validation error a stable code: QUERY_TOO_COMPLEX for armor's limits, else BAD_REQUEST. */
export function withValidationCode(error: Error): Error {
  if (!(error instanceof GraphQLError)) return error;
  const existing = error.extensions.code;
  if (existing && !YOGA_REQUEST_CODES.has(String(existing))) return error;
  const code = ARMOR_REJECTION.test(error.message) ? 'QUERY_TOO_COMPLEX' : 'BAD_REQUEST';
  return new GraphQLError(withoutValues(error.message.replace(/^Syntax Error: /, '')), { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions: { ...error.extensions, code } });
}

/**
 * Yoga's maskError: a HangarError (a caller's mistake) is shown with its code and field;
 * anything else is logged with the request id and shown as INTERNAL_SERVER_ERROR.
 */
export function createMaskError(log: Logger) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? error.originalError ?? error : error;
    if (original instanceof HangarError) {
      return new GraphQLError(original.message, {
        nodes: error instanceof GraphQLError ? error.nodes : undefined,
        path: error instanceof GraphQLError ? error.path : undefined,
        extensions: { code: original.code, ...(original.field ? { field: original.field } : {}), ...(original.details ?? {}) },
      });
    }
    if (original instanceof PothosValidationError) {
      // Pothos' own argument checks (a negative page size, ...): never echo what was sent.
      const field = /^Arguments? "(\w+)"/.exec(original.message)?.[1];
      return new GraphQLError(/cursor|:/i.test(original.message) ? 'the pagination arguments are invalid' : original.message, {
        nodes: error instanceof GraphQLError ? error.nodes : undefined,
        path: error instanceof GraphQLError ? error.path : undefined,
        extensions: { code: 'VALIDATION_FAILED', ...(field ? { field } : {}) },
      });
    }
    if (error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError)) return withValidationCode(error);
    log.error({ err: original }, 'unexpected error in a GraphQL operation');
    return new GraphQLError(message, {
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  };
}
