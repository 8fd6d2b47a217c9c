/**
 * Per-caller limits: GraphQL requests per API token, open subscriptions (WebSockets and SSE
 * streams) per API token, /agent requests per source address. Token buckets in lru-caches: a
 * bucket refills continuously at limit/minute up to `limit`, so a burst of `limit` is fine and a
 * flood gets RATE_LIMITED with the seconds until the next request would pass.
 *
 * Callers are told apart by a hash of their bearer token (never the token itself), so a flood of
 * wrong tokens is limited like a flood of good ones. Counts are per process.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { RateLimits } from '@hangar/core/config';

/** Most distinct callers tracked at once; the least recently seen are forgotten first. */
const MAX_TRACKED_CALLERS = 50_000;
const MINUTE_MS = 60_000;

interface Bucket { tokens: number; at: number }

/** One limit: `take(key)` is 0 when the call may proceed, else the seconds to wait. */
export interface RequestLimiter { take(key: string, now?: number): number }

function createRequestLimiter(perMinute: number): RequestLimiter {
  const buckets = new LRUCache<string, Bucket>({ max: MAX_TRACKED_CALLERS });
  const perMs = perMinute / MINUTE_MS;
  return {
    take(key, now = Date.now()) {
      const bucket = buckets.get(key) ?? { tokens: perMinute, at: now };
      bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * perMs);
      bucket.at = now;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    },
  };
}

/** The process's limits. */
export interface RateLimiter {
  /** A GraphQL request by the caller with this Authorization header (or none: by address). */
  request: RequestLimiter;
  /** An /agent request from this source address. */
  agent: RequestLimiter;
  /** Opens a subscription for `key`: a release function, or null when the caller has too many open. */
  openSocket(key: string): (() => void) | null;
  readonly limits: RateLimits;
}

export function createRateLimiter(limits: RateLimits): RateLimiter {
  const open = new Map<string, number>();
  return {
    limits,
    request: createRequestLimiter(limits.requestsPerMinute),
    agent: createRequestLimiter(limits.agentRequestsPerMinute),
    openSocket(key) {
      const count = open.get(key) ?? 0;
      if (count >= limits.socketsPerToken) return null;
      open.set(key, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (open.get(key) ?? 1) - 1;
        if (left <= 0) open.delete(key);
        else open.set(key, left);
      };
    },
  };
}

/** The key a caller is counted under: a hash of its bearer token, else its address. */
export function callerKey(authorization: string | null | undefined, address: string | undefined): string {
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  if (bearer) return `token:${createHash('sha256').update(bearer).digest('base64url')}`;
  return `address:${address ?? 'unknown'}`;
}

/** The GraphQL error body of a RATE_LIMITED answer. */
export function rateLimitedBody(what: string, retryAfterSeconds: number): { errors: Array<{ message: string; extensions: Record<string, unknown> }> } {
  return { errors: [{ message: `${what}; retry in ${retryAfterSeconds} s`, extensions: { code: 'RATE_LIMITED', retryAfterSeconds } }] };
}
