/**
 * ProviderError: the one error type provider adapters throw. It carries a ProviderErrorInfo,
 * which is safe to store, log and show; no credentials ever reach it.
 */
import { inspect } from 'node:util';
import type { ProviderErrorCode, ProviderErrorInfo } from '@hangar/domain/provider-errors';
import { providerErrorInfo } from '@hangar/domain/provider-errors';

/** An error from (or on the way to) a provider, classified into one PROVIDER_* code. */
export class ProviderError extends Error {
  /** The classified failure: code, retryable, provider code, HTTP status, request id. */
  readonly info: ProviderErrorInfo;
  /**
   * For PROVIDER_RATE_LIMITED: milliseconds until the provider should accept a request again.
   * Retrying is the caller's decision.
   */
  readonly retryAfterMs: number | null;

  constructor(info: ProviderErrorInfo, options: { retryAfterMs?: number | null } = {}) {
    super(`${info.code}: ${info.message}`);
    this.name = 'ProviderError';
    this.info = info;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }

  /** Shortcut for `info.code`. */
  get code(): ProviderErrorCode {
    return this.info.code;
  }

  /** Shortcut for `info.retryable`. */
  get retryable(): boolean {
    return this.info.retryable;
  }

  /** What JSON.stringify shows: the info, never a stack or a cause. */
  toJSON(): { name: string; message: string; info: ProviderErrorInfo; retryAfterMs: number | null } {
    return { name: this.name, message: this.message, info: this.info, retryAfterMs: this.retryAfterMs };
  }

  /** util.inspect / console.log show the same safe fields. */
  [inspect.custom](): string {
    return `${this.stack ?? this.message}\n${inspect({ info: this.info, retryAfterMs: this.retryAfterMs })}`;
  }
}

/** Builds a ProviderError for a code (retryable comes from the domain table). */
export function providerError(
  code: ProviderErrorCode,
  details: { message?: string; providerCode?: string | null; httpStatus?: number | null; requestId?: string | null; retryAfterMs?: number | null } = {},
): ProviderError {
  return new ProviderError(providerErrorInfo(code, details), { retryAfterMs: details.retryAfterMs ?? null });
}

/** Whether `error` is a ProviderError (also across module copies). */
export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError || (error instanceof Error && error.name === 'ProviderError' && 'info' in error);
}
