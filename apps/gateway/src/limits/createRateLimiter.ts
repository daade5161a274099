export interface RateLimit {
  /** Operations a client may start per minute, sustained. */
  perMinute: number;
  /** Operations a client may start at once after a quiet spell; defaults to perMinute. */
  burst?: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  readonly limit: Required<RateLimit>;
  /** Spends one token of the client's bucket, or says how long until one is there. */
  take(client: string): RateDecision;
}

interface Bucket {
  tokens: number;
  at: number;
}

// Full buckets are the same as no bucket: forget them now and then so the map only holds recent clients.
const sweepEveryMs = 60_000;

/** A token bucket per client (JWT subject or remote address), refilled continuously at perMinute / 60 s. */
export function createRateLimiter(limit: RateLimit, clock: () => number = Date.now): RateLimiter {
  const capacity = Math.max(1, limit.burst ?? limit.perMinute);
  const perMs = limit.perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  let sweptAt = clock();
  const level = (bucket: Bucket, now: number) => Math.min(capacity, bucket.tokens + (now - bucket.at) * perMs);
  return {
    limit: { perMinute: limit.perMinute, burst: capacity },
    take(client) {
      const now = clock();
      if (now - sweptAt >= sweepEveryMs) {
        sweptAt = now;
        for (const [key, bucket] of buckets) if (level(bucket, now) >= capacity) buckets.delete(key);
      }
      const bucket = buckets.get(client) ?? { tokens: capacity, at: now };
      bucket.tokens = level(bucket, now);
      bucket.at = now;
      buckets.set(client, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
    },
  };
}
