/**
 * The Hetzner mapping covers every code the spec files and hcloud-go know, is deterministic,
 * and reaches every PROVIDER_* code.
 */
import { describe, expect, it } from 'vitest';
import { PROVIDER_ERRORS, PROVIDER_ERROR_CODES, providerErrorInfo } from '@hangar/domain/provider-errors';
import type { ProviderErrorCode } from '@hangar/domain/provider-errors';
import {
  HETZNER_ERROR_CODES,
  HETZNER_STATUS_CLASS_CODES,
  HETZNER_STATUS_CODES,
  codeForActionError,
  codeForNonJsonStatus,
  codeForStatus,
  mapHetznerHttpError,
  mapHetznerTransportError,
  parseHetznerErrorBody,
} from '../src/hetzner/error-mapping.ts';
import { classifyTransportFailure, TRANSPORT_FAILURE_CODES } from '../src/transport-errors.ts';
import { HCLOUD_GO_EXTRA_CODES, operationErrorCodes, requiredHetznerCodes, specGeneralErrorCodes } from './support/hetzner-codes.ts';

const body = (code: string, message = `about ${code}`) => ({ error: { code, message, details: null } });
const systemError = (code: string, message = code) => Object.assign(new Error(message), { code });
/** What Node's fetch throws: TypeError('fetch failed') with the reason as cause. */
const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });

describe('coverage of Hetzner codes', () => {
  it('reads the sources (spec table, operation errors) as expected', () => {
    const general = specGeneralErrorCodes();
    expect(general.size).toBe(21);
    expect(general.get('token_readonly')).toEqual([401]);
    expect(general.get('timeout')).toEqual([504]);
    const operations = operationErrorCodes();
    expect(operations.get('placement_error')).toEqual([422]);
    expect(operations.get('firewall_resource_not_found')).toEqual([404, 422]);
    expect(operations.size).toBe(38); // 40 lines, two codes appear with two statuses
  });

  it('maps every code of the spec error table, every operation-specific code and the hcloud-go extras', () => {
    const required = requiredHetznerCodes();
    for (const code of HCLOUD_GO_EXTRA_CODES) expect(required.has(code)).toBe(true);
    const missing = [...required.keys()].filter((code) => HETZNER_ERROR_CODES[code] === undefined);
    expect(missing).toEqual([]);
    for (const [code, statuses] of required) {
      for (const status of statuses.length > 0 ? statuses : [400, 500]) {
        const error = mapHetznerHttpError({ status, body: body(code), requestId: 'req-1' });
        expect(error.info.code, `${code} ${status}`).toBe(HETZNER_ERROR_CODES[code]);
        expect(error.info).toMatchObject({ providerCode: code, httpStatus: status, requestId: 'req-1' });
        expect(error.info.retryable).toBe(PROVIDER_ERRORS[error.info.code].retryable);
      }
    }
  });

  it('maps every code to a PROVIDER_* code that exists', () => {
    for (const code of Object.values(HETZNER_ERROR_CODES)) expect(PROVIDER_ERROR_CODES).toContain(code);
    for (const code of Object.values(HETZNER_STATUS_CODES)) expect(PROVIDER_ERROR_CODES).toContain(code);
    for (const code of Object.values(TRANSPORT_FAILURE_CODES)) expect(PROVIDER_ERROR_CODES).toContain(code);
  });

  it('gives the codes the meanings a user needs', () => {
    const mapped = (code: string, status: number) => mapHetznerHttpError({ status, body: body(code), requestId: null }).info.code;
    expect(mapped('unauthorized', 401)).toBe('PROVIDER_AUTH_FAILED');
    expect(mapped('token_readonly', 401)).toBe('PROVIDER_READ_ONLY_TOKEN');
    expect(mapped('rate_limit_exceeded', 429)).toBe('PROVIDER_RATE_LIMITED');
    expect(mapped('limit_reached', 429)).toBe('PROVIDER_RATE_LIMITED');
    expect(mapped('resource_unavailable', 412)).toBe('PROVIDER_CAPACITY_UNAVAILABLE');
    expect(mapped('placement_error', 422)).toBe('PROVIDER_PLACEMENT_FAILED');
    expect(mapped('uniqueness_error', 409)).toBe('PROVIDER_NAME_TAKEN');
    expect(mapped('resource_limit_exceeded', 403)).toBe('PROVIDER_QUOTA_EXCEEDED');
    expect(mapped('protected', 423)).toBe('PROVIDER_PROTECTED');
  });
});

describe('determinism and fallbacks', () => {
  it('the same answer gives the same info every time', () => {
    for (const code of Object.keys(HETZNER_ERROR_CODES)) {
      const a = mapHetznerHttpError({ status: 422, body: body(code), requestId: 'x' });
      const b = mapHetznerHttpError({ status: 422, body: JSON.stringify(body(code)), requestId: 'x' });
      expect(b.info).toEqual(a.info);
    }
  });

  it('an unknown code falls back on the exact status, then the class', () => {
    const unknown = (status: number) => mapHetznerHttpError({ status, body: body('never_seen_before'), requestId: null }).info;
    expect(unknown(409).code).toBe('PROVIDER_CONFLICT');
    expect(unknown(423).code).toBe('PROVIDER_LOCKED');
    expect(unknown(429).code).toBe('PROVIDER_RATE_LIMITED');
    expect(unknown(503).code).toBe('PROVIDER_UNAVAILABLE');
    expect(unknown(451).code).toBe(HETZNER_STATUS_CLASS_CODES['4xx']);
    expect(unknown(507).code).toBe(HETZNER_STATUS_CLASS_CODES['5xx']);
    expect(unknown(302).code).toBe(HETZNER_STATUS_CLASS_CODES.other);
    expect(unknown(451).providerCode).toBe('never_seen_before');
    for (const [status, code] of Object.entries(HETZNER_STATUS_CODES)) expect(codeForStatus(Number(status))).toBe(code);
  });

  it('a body that is not a Hetzner error is judged by status, and only 429/5xx keep their meaning', () => {
    for (const notHetzner of ['<html>oops</html>', '', '{"error":"flat string"}', '{"error":{"message":"no code"}}', '{broken', null, 42]) {
      expect(parseHetznerErrorBody(notHetzner)).toBeNull();
      expect(mapHetznerHttpError({ status: 502, body: notHetzner, requestId: null }).info).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', providerCode: null });
      expect(mapHetznerHttpError({ status: 404, body: notHetzner, requestId: null }).info.code).toBe('PROVIDER_BAD_RESPONSE');
    }
    expect(codeForNonJsonStatus(429)).toBe('PROVIDER_RATE_LIMITED');
    expect(codeForNonJsonStatus(500)).toBe('PROVIDER_SERVER_ERROR');
    expect(codeForNonJsonStatus(504)).toBe('PROVIDER_TIMEOUT');
    expect(codeForNonJsonStatus(401)).toBe('PROVIDER_BAD_RESPONSE');
  });

  it('keeps retryAfterMs only on rate limits', () => {
    expect(mapHetznerHttpError({ status: 429, body: body('rate_limit_exceeded'), requestId: null, retryAfterMs: 1234 }).retryAfterMs).toBe(1234);
    expect(mapHetznerHttpError({ status: 409, body: body('conflict'), requestId: null, retryAfterMs: 1234 }).retryAfterMs).toBeNull();
  });

  it('action errors use the same table, unknown ones are PROVIDER_ACTION_FAILED', () => {
    expect(codeForActionError('placement_error')).toBe('PROVIDER_PLACEMENT_FAILED');
    expect(codeForActionError('resource_unavailable')).toBe('PROVIDER_CAPACITY_UNAVAILABLE');
    expect(codeForActionError('action_failed')).toBe('PROVIDER_ACTION_FAILED');
  });
});

describe('transport failure classification', () => {
  it('unwraps fetch causes, nested causes and per-address AggregateErrors', () => {
    expect(classifyTransportFailure(fetchFailed(systemError('ECONNREFUSED'))).code).toBe('PROVIDER_UNREACHABLE');
    expect(classifyTransportFailure(fetchFailed(new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')]))).code).toBe(
      'PROVIDER_UNREACHABLE',
    );
    expect(classifyTransportFailure(fetchFailed(new Error('outer', { cause: systemError('EAI_AGAIN') }))).code).toBe('PROVIDER_DNS_ERROR');
    expect(classifyTransportFailure(new TypeError('terminated', { cause: systemError('UND_ERR_SOCKET', 'other side closed') })).code).toBe(
      'PROVIDER_CONNECTION_RESET',
    );
  });

  it.each([
    ['ENOTFOUND', 'PROVIDER_DNS_ERROR'],
    ['EAI_AGAIN', 'PROVIDER_DNS_ERROR'],
    ['ECONNREFUSED', 'PROVIDER_UNREACHABLE'],
    ['EHOSTUNREACH', 'PROVIDER_UNREACHABLE'],
    ['ENETUNREACH', 'PROVIDER_UNREACHABLE'],
    ['ECONNRESET', 'PROVIDER_CONNECTION_RESET'],
    ['EPIPE', 'PROVIDER_CONNECTION_RESET'],
    ['ETIMEDOUT', 'PROVIDER_TIMEOUT'],
    ['UND_ERR_CONNECT_TIMEOUT', 'PROVIDER_TIMEOUT'],
    ['UND_ERR_HEADERS_TIMEOUT', 'PROVIDER_TIMEOUT'],
    ['CERT_HAS_EXPIRED', 'PROVIDER_TLS_ERROR'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'PROVIDER_TLS_ERROR'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'PROVIDER_TLS_ERROR'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'PROVIDER_TLS_ERROR'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'PROVIDER_TLS_ERROR'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'PROVIDER_TLS_ERROR'],
    ['ERR_SSL_SOMETHING_NEW', 'PROVIDER_TLS_ERROR'],
  ] as const)('%s → %s', (code, expected) => {
    expect(classifyTransportFailure(fetchFailed(systemError(code))).code).toBe(expected);
    expect(mapHetznerTransportError(fetchFailed(systemError(code))).info.code).toBe(expected);
  });

  it('classifies by name when there is no code', () => {
    expect(classifyTransportFailure(new DOMException('timed out', 'TimeoutError')).code).toBe('PROVIDER_TIMEOUT');
    expect(classifyTransportFailure(new DOMException('aborted', 'AbortError')).code).toBe('PROVIDER_CANCELLED');
    expect(classifyTransportFailure(new SyntaxError('Unexpected end of JSON input')).code).toBe('PROVIDER_BAD_RESPONSE');
    expect(classifyTransportFailure(new Error('socket hang up')).code).toBe('PROVIDER_CONNECTION_RESET');
    expect(classifyTransportFailure(new RangeError('something else')).code).toBe('PROVIDER_UNKNOWN_ERROR');
    expect(classifyTransportFailure('a string was thrown').code).toBe('PROVIDER_UNKNOWN_ERROR');
  });
});

describe('reachability', () => {
  it('every PROVIDER_* code is produced by some input', () => {
    const produced = new Set<ProviderErrorCode>();
    for (const code of Object.keys(HETZNER_ERROR_CODES)) produced.add(mapHetznerHttpError({ status: 400, body: body(code), requestId: null }).info.code);
    for (let status = 100; status <= 599; status += 1) {
      produced.add(mapHetznerHttpError({ status, body: body('unknown_to_hangar'), requestId: null }).info.code);
      produced.add(mapHetznerHttpError({ status, body: 'not json', requestId: null }).info.code);
    }
    for (const kind of Object.keys(TRANSPORT_FAILURE_CODES)) produced.add(TRANSPORT_FAILURE_CODES[kind as keyof typeof TRANSPORT_FAILURE_CODES]);
    for (const thrown of [fetchFailed(systemError('ENOTFOUND')), new DOMException('x', 'AbortError'), new SyntaxError('x'), new RangeError('x')]) {
      produced.add(mapHetznerTransportError(thrown).info.code);
    }
    produced.add(codeForActionError('not_a_known_code'));
    // Produced before any request, by core's allow-list re-check of a stored connection
    // (packages/core/src/provider-connections.ts; packages/core/test/acquisition-faults.test.ts).
    produced.add('PROVIDER_ENDPOINT_NOT_ALLOWED');
    expect([...produced].sort()).toEqual([...PROVIDER_ERROR_CODES].sort());
  });

  it('providerErrorInfo takes retryable from the table', () => {
    for (const code of PROVIDER_ERROR_CODES) {
      const info = providerErrorInfo(code, { message: 'm' });
      expect(info).toEqual({ code, message: 'm', retryable: PROVIDER_ERRORS[code].retryable, providerCode: null, httpStatus: null, requestId: null });
    }
  });
});
