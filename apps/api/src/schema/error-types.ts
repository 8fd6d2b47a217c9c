import {
  ConflictError,
  ERROR_CODES,
  type ErrorCode,
  InputError,
  NotFoundError,
  ProviderFailure,
  RateLimitedFailure,
  typedError,
} from '@hangar/domain/api-errors';
import { NODE_ERRORS, isNodeErrorCode } from '@hangar/domain/node-errors';
import { PROVIDER_ERRORS, isProviderErrorCode, type ProviderErrorInfo } from '@hangar/domain/provider-errors';
import { builder } from './builder.ts';

/** A NodeError as stored in Node.error / AcquisitionEvent.error (JSON). */
export interface NodeErrorShape {
  code: string;
  message: string;
  retryable: boolean;
  hint?: string;
  provider?: ProviderErrorInfo | null;
}

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Every code the API answers with; docs/error-codes.md has the table (meaning, what to do).',
  values: ERROR_CODES,
});

/** What every expected failure has: a client can always select `... on Error { code message }`. */
export const ErrorInterface = builder.interfaceRef<{ code: string; message: string }>('Error').implement({
  description: 'An expected failure: a stable code (docs/error-codes.md) and a message for a person. Never holds a secret.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, resolve: (error) => error.code as ErrorCode }),
    message: t.exposeString('message'),
  }),
});

const pathField = 'The input field at fault, from the argument: e.g. ["input", "labels", "2", "key"].';

builder.objectType(InputError, {
  name: 'ValidationError',
  description: 'VALIDATION_FAILED: an input field is invalid; `path` names it. Correct it and send the request again.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    path: t.stringList({ description: pathField, resolve: (error) => error.path ?? ['input'] }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'NOT_FOUND: nothing with that id in your organization (another organization’s id and a malformed one are answered the same way).',
  interfaces: [ErrorInterface],
  fields: () => ({}),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description:
    'CONFLICT: the current state forbids the change (a name in use, a resource still in use, a node in the wrong phase); ' +
    'PROVIDER_TOKEN_CANNOT_MANAGE_SERVERS: a new provider token cannot manage the servers the connection’s nodes hold.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    path: t.stringList({ description: `${pathField} Empty when no single field is at fault (e.g. a node in the wrong phase).`, resolve: (error) => error.path ?? [] }),
  }),
});

/** The provider's answer: a failed mutation's result, a connection's credentialError, a node error's `provider`. */
export const ProviderErrorRef = builder.objectType(ProviderFailure, {
  name: 'ProviderError',
  description: "A provider's answer, mapped to one PROVIDER_* code (docs/error-codes.md). Never holds a token.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    hint: t.string({ description: 'What a person can do about it (from docs/error-codes.md).', resolve: (error) => error.hint }),
    retryable: t.boolean({ description: 'Whether the same request may succeed later.', resolve: (error) => error.info.retryable }),
    providerCode: t.string({ nullable: true, description: "The provider's own code, e.g. rate_limit_exceeded.", resolve: (error) => error.info.providerCode }),
    httpStatus: t.int({ nullable: true, description: 'HTTP status of the provider’s answer; null when none arrived.', resolve: (error) => error.info.httpStatus }),
    requestId: t.string({ nullable: true, description: "The provider's request id (Hetzner: X-Correlation-Id).", resolve: (error) => error.info.requestId }),
  }),
});

builder.objectType(RateLimitedFailure, {
  name: 'RateLimitedError',
  description: 'PROVIDER_RATE_LIMITED: the provider’s request budget is used up; it accepts requests again after retryAfterSeconds.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', { description: 'Seconds until the provider accepts requests again.' }),
    provider: t.field({ type: ProviderErrorRef, description: 'The provider’s answer.', resolve: (error) => providerError(error.info) as ProviderFailure }),
  }),
});

/**
 * A stored ProviderErrorInfo as the ProviderError type. A plain object, not a ProviderFailure:
 * graphql-js takes an Error instance returned by a resolver for a thrown one.
 */
export function providerError(info: ProviderErrorInfo | null | undefined): ProviderFailure | null {
  if (!info) return null;
  const shape = { code: info.code, message: info.message, info, hint: PROVIDER_ERRORS[info.code].hint };
  return shape as ProviderFailure;
}

export const NodeErrorRef = builder.objectRef<NodeErrorShape>('NodeError').implement({
  description: 'Why a node failed: a PROVIDER_* code (provider answers) or a NODE_* code (Hangar’s own).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryable: t.exposeBoolean('retryable', { description: 'Whether retrying the node (retryNode) may succeed. It does not say whether Hangar retried anything itself.' }),
    hint: t.string({
      nullable: true,
      description: 'What a person can do about it (from docs/error-codes.md).',
      resolve: (error) => {
        if (error.hint) return error.hint;
        if (isNodeErrorCode(error.code)) return NODE_ERRORS[error.code].hint;
        return isProviderErrorCode(error.code) ? PROVIDER_ERRORS[error.code].hint : null;
      },
    }),
    provider: t.field({ type: ProviderErrorRef, nullable: true, resolve: (error) => providerError(error.provider) }),
  }),
});

/** The error classes each kind of mutation answers as typed results. */
export const ERROR_TYPES = {
  input: InputError,
  notFound: NotFoundError,
  conflict: ConflictError,
  provider: ProviderFailure,
  rateLimited: RateLimitedFailure,
} as const;

type ErrorKind = keyof typeof ERROR_TYPES;

/**
 * The errors-plugin options of a mutation: its result is the union `<Name>Result` of its
 * payload `<Name>Payload` (returned as is) and the typed errors of `kinds`.
 */
export function mutationErrors<const K extends ErrorKind>(name: string, kinds: readonly K[]) {
  return {
    types: kinds.map((kind) => ERROR_TYPES[kind]) as (typeof ERROR_TYPES)[K][],
    directResult: true as const,
    union: { name: `${name}Result`, description: `${name}Payload on success, else one of the typed errors (each implements Error).` },
  };
}

/**
 * Wraps a mutation resolver so a HangarError thrown by core code (a base HangarError with a
 * code) reaches the errors plugin as its typed class; anything else stays a top-level error.
 */
export function typedErrors<A extends unknown[], R>(resolve: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await resolve(...args);
    } catch (error) {
      throw typedError(error);
    }
  };
}
