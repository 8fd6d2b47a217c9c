import type { Plugin } from 'graphql-yoga';
import { callerKey, rateLimitedBody, type RateLimiter } from '../rate-limits.ts';

/** What the HTTP server passes: the socket's address, and a slot for an SSE stream's release. */
export interface RateLimitServerContext { req?: { socket?: { remoteAddress?: string } }; releaseStream?: () => void }

/**
 * Limits GraphQL requests per API token (RateLimiter.request) and open SSE streams per token
 * (RateLimiter.openSocket): over the limit, HTTP 429 with Retry-After and a RATE_LIMITED error,
 * before the request is parsed or authenticated. WebSockets are limited in app.ts's onConnect.
 */
export function useRateLimit(limiter: RateLimiter): Plugin<Record<string, unknown>, RateLimitServerContext> {
  return {
    onRequest({ request, serverContext, endResponse, fetchAPI }) {
      const key = callerKey(request.headers.get('authorization'), serverContext?.req?.socket?.remoteAddress);
      const refuse = (what: string, seconds: number) => endResponse(new fetchAPI.Response(JSON.stringify(rateLimitedBody(what, seconds)), {
        status: 429,
        headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(seconds) },
      }));
      const wait = limiter.request.take(key);
      if (wait > 0) {
        refuse(`more than ${limiter.limits.requestsPerMinute} requests per minute for this API token`, wait);
        return;
      }
      if ((request.headers.get('accept') ?? '').includes('text/event-stream')) {
        const release = limiter.openSocket(key);
        if (!release) {
          refuse(`more than ${limiter.limits.socketsPerToken} open subscriptions for this API token`, 1);
          return;
        }
        // app.ts calls it when the response closes.
        if (serverContext) serverContext.releaseStream = release;
      }
    },
  };
}
