import { GraphQLError } from 'graphql';
import type { RateLimiter } from './createRateLimiter.ts';

/** The GraphQL error a refused client gets (HTTP 429 body, or the error on a WebSocket subscription id). */
export function rateLimitedError(limiter: RateLimiter, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(
    `rate limit of ${limiter.limit.perMinute} operations per minute exceeded; retry after ${retryAfterSeconds} s`,
    { extensions: { code: 'RATE_LIMITED', retryAfterSeconds, http: { status: 429 } } },
  );
}
