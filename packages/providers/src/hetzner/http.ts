/**
 * The HTTP layer under the Hetzner adapter: openapi-fetch with the generated types, plus what
 * every call needs — the bearer token (kept in this closure only), a per-request timeout, the
 * shared request budget, and mapping of every failure to a ProviderError.
 */
import createClient from 'openapi-fetch';
import { ProviderError, isProviderError, providerError } from '../provider-error.ts';
import type { CallOptions } from '../provider.ts';
import type { RateLimitBudget } from '../rate-limit.ts';
import { RATE_LIMIT_DEFAULT_RETRY_AFTER_MS, parseRateLimitHeaders, parseRetryAfterMs } from '../rate-limit.ts';
import { sleep } from '../sleep.ts';
import { mapHetznerHttpError, mapHetznerTransportError, requestIdOf } from './error-mapping.ts';
import type { paths } from './generated/hetzner.ts';

/** Default per-request timeout, from sending until the whole body is read. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** Longest a request waits for the shared budget to refill before failing with PROVIDER_RATE_LIMITED. */
export const RATE_LIMIT_MAX_WAIT_MS = 30_000;
/** When told to wait on 429s: how many times one call may be re-sent after a 429. */
export const RATE_LIMIT_MAX_RESENDS = 2;
/** Sent with every request, so provider-side logs can tell Hangar apart. */
export const USER_AGENT = 'hangar-providers/0.0.0';

/** Tuning of the HTTP layer. */
export type HetznerHttpOptions = {
  /** Per-request timeout in ms (default REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
  /** Longest wait for a budget refill before sending, in ms (default RATE_LIMIT_MAX_WAIT_MS; 0 = never wait). */
  maxRateLimitWaitMs?: number;
  /**
   * When true, a 429 is answered by waiting for the refill (at most maxRateLimitWaitMs) and
   * sending again, up to RATE_LIMIT_MAX_RESENDS times. Default false: the 429 goes to the caller.
   */
  waitOnRateLimit?: boolean;
};

/** What one operation gets: its signal and the fetch that authenticates and meters it. */
export type RequestInitParts = { signal: AbortSignal; fetch: (request: Request) => Promise<Response> };

type OperationResult = { data?: unknown; error?: unknown; response: Response };

/** A typed Hetzner client and the `call` wrapper every adapter method goes through. */
export type HetznerHttp = {
  client: ReturnType<typeof createClient<paths>>;
  /**
   * Runs one API operation: waits for budget, applies the timeout, maps failures. Resolves with
   * the typed success body (undefined when the answer had none).
   */
  call<R extends OperationResult>(
    what: string,
    operation: (init: RequestInitParts) => Promise<R>,
    options?: CallOptions,
  ): Promise<{ data: R['data']; response: Response }>;
};

/** Creates the HTTP layer for one endpoint + token. The token never leaves this closure. */
export function createHetznerHttp(config: { apiEndpoint: string; token: string; budget: RateLimitBudget } & HetznerHttpOptions): HetznerHttp {
  const { token, budget } = config;
  const requestTimeoutMs = config.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const maxRateLimitWaitMs = config.maxRateLimitWaitMs ?? RATE_LIMIT_MAX_WAIT_MS;
  const waitOnRateLimit = config.waitOnRateLimit ?? false;
  const client = createClient<paths>({ baseUrl: config.apiEndpoint.replace(/\/+$/, '') });

  /** Replaces the token wherever a provider or a library might have echoed it. */
  const scrub = (error: ProviderError): ProviderError => {
    if (token === '' || !error.info.message.includes(token)) return error;
    return new ProviderError({ ...error.info, message: error.info.message.split(token).join('[REDACTED]') }, { retryAfterMs: error.retryAfterMs });
  };

  async function takeBudget(what: string, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const waitMs = budget.tryTake();
      if (waitMs === 0) return;
      if (waitMs > maxRateLimitWaitMs) {
        throw providerError('PROVIDER_RATE_LIMITED', {
          message: `${what}: request budget exhausted; the next request is possible in ${waitMs} ms (not sent)`,
          retryAfterMs: waitMs,
        });
      }
      await sleep(waitMs, signal);
    }
  }

  async function once<R extends OperationResult>(
    what: string,
    operation: (init: RequestInitParts) => Promise<R>,
    callerSignal: AbortSignal | undefined,
  ): Promise<{ data: R['data']; response: Response }> {
    const timeoutSignal = AbortSignal.timeout(requestTimeoutMs);
    const signal = callerSignal === undefined ? timeoutSignal : AbortSignal.any([callerSignal, timeoutSignal]);
    let answered: Response | null = null;
    const authenticatedFetch = async (request: Request): Promise<Response> => {
      request.headers.set('Authorization', `Bearer ${token}`);
      request.headers.set('User-Agent', USER_AGENT);
      budget.begin();
      let response: Response;
      try {
        // Redirects are not followed: a 3xx is an answer (PROVIDER_BAD_RESPONSE), so an
        // allowed endpoint cannot send the bearer token somewhere else.
        response = await fetch(new Request(request, { redirect: 'manual' }));
      } catch (error) {
        budget.settle(null);
        throw error;
      }
      answered = response;
      budget.settle(response.headers);
      return response;
    };
    let result: R;
    try {
      result = await operation({ signal, fetch: authenticatedFetch });
    } catch (error) {
      const response = answered as Response | null;
      const context = { httpStatus: response?.status ?? null, requestId: response ? requestIdOf(response.headers) : null };
      if (isProviderError(error)) throw error;
      if (callerSignal?.aborted) throw providerError('PROVIDER_CANCELLED', { message: `${what}: cancelled`, ...context });
      if (timeoutSignal.aborted) {
        throw providerError('PROVIDER_TIMEOUT', { message: `${what}: no complete answer within ${requestTimeoutMs} ms`, ...context });
      }
      const mapped = mapHetznerTransportError(error, context);
      throw new ProviderError({ ...mapped.info, message: `${what}: ${mapped.info.message}` });
    }
    const { response } = result;
    if (response.ok) return { data: result.data, response };
    let retryAfterMs: number | null = null;
    if (response.status === 429) {
      const retryAfterHeaderMs = parseRetryAfterMs(response.headers, Date.now());
      // A 429 is proof the budget is empty, whatever headers came with it (or did not).
      if (parseRateLimitHeaders(response.headers) === null || budget.delayMs() === 0) {
        budget.exhausted(retryAfterHeaderMs ?? RATE_LIMIT_DEFAULT_RETRY_AFTER_MS);
      }
      retryAfterMs = retryAfterHeaderMs ?? budget.delayMs();
    }
    const mapped = mapHetznerHttpError({ status: response.status, body: result.error, requestId: requestIdOf(response.headers), retryAfterMs });
    throw new ProviderError({ ...mapped.info, message: `${what}: ${mapped.info.message}` }, { retryAfterMs: mapped.retryAfterMs });
  }

  async function call<R extends OperationResult>(
    what: string,
    operation: (init: RequestInitParts) => Promise<R>,
    options: CallOptions = {},
  ): Promise<{ data: R['data']; response: Response }> {
    try {
      for (let resends = 0; ; resends += 1) {
        await takeBudget(what, options.signal);
        try {
          return await once(what, operation, options.signal);
        } catch (error) {
          const resend =
            waitOnRateLimit &&
            resends < RATE_LIMIT_MAX_RESENDS &&
            isProviderError(error) &&
            error.code === 'PROVIDER_RATE_LIMITED' &&
            (error.retryAfterMs ?? 0) <= maxRateLimitWaitMs;
          if (!resend) throw error;
          await sleep(error.retryAfterMs ?? RATE_LIMIT_DEFAULT_RETRY_AFTER_MS, options.signal);
        }
      }
    } catch (error) {
      throw scrub(isProviderError(error) ? error : mapHetznerTransportError(error));
    }
  }

  return { client, call };
}
