/**
 * Hetzner's rate limit: a token bucket per project. It holds `burst` requests (by default the
 * hourly limit) and refills continuously at `limitPerHour` per hour, so at 3600/h one request
 * comes back every second. Every /v1 answer carries RateLimit-Limit, RateLimit-Remaining and
 * RateLimit-Reset (unix seconds at which the bucket is full again).
 */
export const DEFAULT_RATE_LIMIT_PER_HOUR = 3600;
const MS_PER_HOUR = 3_600_000;
const MS_PER_SECOND = 1000;

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export interface RateLimiter {
  /** Takes one request from `key`'s bucket if it has one. */
  take(key: string, limitPerHour: number, burst: number, now: number): RateLimitDecision;
  clear(): void;
}

export function buildRateLimiter(): RateLimiter {
  const buckets = new Map<string, Bucket>();
  return {
    take(key, limitPerHour, burst, now) {
      const refillPerMs = limitPerHour / MS_PER_HOUR;
      const bucket = buckets.get(key) ?? { tokens: burst, updatedMs: now };
      bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.updatedMs) * refillPerMs);
      bucket.updatedMs = now;
      buckets.set(key, bucket);

      const allowed = bucket.tokens >= 1;
      if (allowed) bucket.tokens -= 1;
      const fullAtMs = now + (burst - bucket.tokens) / refillPerMs;
      return {
        allowed,
        headers: {
          'RateLimit-Limit': String(limitPerHour),
          'RateLimit-Remaining': String(Math.floor(bucket.tokens)),
          'RateLimit-Reset': String(Math.ceil(fullAtMs / MS_PER_SECOND)),
        },
      };
    },
    clear() {
      buckets.clear();
    },
  };
}
