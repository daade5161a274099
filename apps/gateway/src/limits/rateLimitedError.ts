import { GraphQLError } from 'graphql';

/** The GraphQL error a refused client gets (HTTP 429 body, or the error on a WebSocket subscription id). */
export function rateLimitedError(perMinute: number, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(
    `rate limit of ${perMinute} operations per minute exceeded; retry after ${retryAfterSeconds} s`,
    { extensions: { code: 'RATE_LIMITED', retryAfterSeconds, http: { status: 429 } } },
  );
}
