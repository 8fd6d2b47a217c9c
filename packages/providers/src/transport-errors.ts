/**
 * Classification of failures on the way to a provider (no HTTP answer, or an unreadable one):
 * DNS, refused or reset connections, TLS, timeouts, cancellation, malformed bodies. Shared by
 * every adapter; provider-specific answers are mapped in each provider's folder.
 *
 * Node's fetch (undici) throws `TypeError('fetch failed')` and puts the real reason in
 * `cause` (sometimes nested, sometimes an AggregateError of per-address attempts), so the
 * classification walks the cause chain and looks at error codes first, names second.
 */
import type { ProviderErrorCode } from '@hangar/domain/provider-errors';

/** A transport failure, as the table below knows it. */
export type TransportFailureKind =
  | 'dns'
  | 'refused'
  | 'unreachable'
  | 'reset'
  | 'tls'
  | 'timeout'
  | 'cancelled'
  | 'malformed-body'
  | 'unknown';

/** Which PROVIDER_* code each transport failure kind becomes. */
export const TRANSPORT_FAILURE_CODES: Readonly<Record<TransportFailureKind, ProviderErrorCode>> = {
  dns: 'PROVIDER_DNS_ERROR',
  refused: 'PROVIDER_UNREACHABLE',
  unreachable: 'PROVIDER_UNREACHABLE',
  reset: 'PROVIDER_CONNECTION_RESET',
  tls: 'PROVIDER_TLS_ERROR',
  timeout: 'PROVIDER_TIMEOUT',
  cancelled: 'PROVIDER_CANCELLED',
  'malformed-body': 'PROVIDER_BAD_RESPONSE',
  unknown: 'PROVIDER_UNKNOWN_ERROR',
};

/** System and undici error codes by kind. */
export const TRANSPORT_ERROR_CODE_KINDS: Readonly<Record<string, TransportFailureKind>> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  EAI_NODATA: 'dns',
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
  ECONNRESET: 'reset',
  ECONNABORTED: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ERR_STREAM_PREMATURE_CLOSE: 'reset',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  EPROTO: 'tls',
  CERT_HAS_EXPIRED: 'tls',
  CERT_NOT_YET_VALID: 'tls',
  CERT_REVOKED: 'tls',
  CERT_UNTRUSTED: 'tls',
  CERT_REJECTED: 'tls',
  CERT_SIGNATURE_FAILURE: 'tls',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  UNABLE_TO_GET_ISSUER_CERT: 'tls',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls',
  HOSTNAME_MISMATCH: 'tls',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls',
  ERR_TLS_HANDSHAKE_TIMEOUT: 'tls',
  ERR_SSL_WRONG_VERSION_NUMBER: 'tls',
};

/** Error codes with these prefixes are TLS failures too (OpenSSL reports many variants). */
const TLS_CODE_PREFIXES = ['ERR_TLS_', 'ERR_SSL_', 'ERR_OSSL_'] as const;

/** How deep to follow `cause` / `errors` links. */
const MAX_CAUSE_DEPTH = 8;

/** A transport failure, classified. `detail` names the low-level code, for the message. */
export type TransportFailure = { kind: TransportFailureKind; code: ProviderErrorCode; detail: string };

function* causeChain(error: unknown): Generator<unknown> {
  const queue: Array<{ value: unknown; depth: number }> = [{ value: error, depth: 0 }];
  const seen = new Set<unknown>();
  while (queue.length > 0) {
    const next = queue.shift();
    if (next === undefined || seen.has(next.value)) continue;
    seen.add(next.value);
    yield next.value;
    if (next.depth >= MAX_CAUSE_DEPTH || typeof next.value !== 'object' || next.value === null) continue;
    const record = next.value as { cause?: unknown; errors?: unknown };
    if (record.cause !== undefined) queue.push({ value: record.cause, depth: next.depth + 1 });
    if (Array.isArray(record.errors)) for (const inner of record.errors) queue.push({ value: inner, depth: next.depth + 1 });
  }
}

function kindOfCode(code: string): TransportFailureKind | null {
  const known = TRANSPORT_ERROR_CODE_KINDS[code];
  if (known !== undefined) return known;
  if (TLS_CODE_PREFIXES.some((prefix) => code.startsWith(prefix))) return 'tls';
  return null;
}

/**
 * Classifies a thrown failure. Codes anywhere in the cause chain win over names; names
 * (TimeoutError, AbortError, SyntaxError) and a few undici messages come next. Callers that
 * know *why* a signal fired (their own timeout vs the caller's abort) decide that before
 * calling this.
 */
export function classifyTransportFailure(error: unknown): TransportFailure {
  const chain = [...causeChain(error)];
  for (const link of chain) {
    const code = (link as { code?: unknown } | null)?.code;
    if (typeof code !== 'string') continue;
    const kind = kindOfCode(code);
    if (kind !== null) return { kind, code: TRANSPORT_FAILURE_CODES[kind], detail: code };
  }
  for (const link of chain) {
    if (!(link instanceof Error) && !(typeof DOMException !== 'undefined' && link instanceof DOMException)) continue;
    const { name, message } = link as Error;
    let kind: TransportFailureKind | null = null;
    if (name === 'TimeoutError') kind = 'timeout';
    else if (name === 'AbortError') kind = 'cancelled';
    else if (name === 'SyntaxError') kind = 'malformed-body';
    else if (/socket hang up|other side closed|terminated/i.test(message)) kind = 'reset';
    if (kind !== null) return { kind, code: TRANSPORT_FAILURE_CODES[kind], detail: name === 'Error' ? message : name };
  }
  const first = chain[0];
  const detail = first instanceof Error ? first.name : typeof first;
  return { kind: 'unknown', code: TRANSPORT_FAILURE_CODES.unknown, detail };
}

/** A short, credential-free description of a thrown failure, for messages. */
export function describeTransportFailure(error: unknown): string {
  const parts: string[] = [];
  for (const link of causeChain(error)) {
    if (link instanceof Error) {
      const code = (link as { code?: unknown }).code;
      parts.push(typeof code === 'string' ? `${link.message} (${code})` : link.message);
    }
    if (parts.length >= 3) break;
  }
  return parts.join(': ') || String(error);
}
