import type { RequestHandler } from 'express';
import { AuthenticationError, type TokenVerifier } from '../auth/index.ts';
import type { RateLimiter } from './createRateLimiter.ts';
import { rateLimitedError } from './rateLimitedError.ts';
import { rateLimitKey } from './rateLimitKey.ts';

/** Express middleware on /graphql (HTTP and SSE): a client over its rate gets 429 and Retry-After before parsing. */
export function useRateLimit(limiter: RateLimiter, verify: TokenVerifier): RequestHandler {
  return (req, res, next) => {
    verify(req.headers.authorization).then(
      (identity) => admit(identity),
      (error: unknown) => (error instanceof AuthenticationError ? admit(undefined) : next(error)),
    );
    function admit(identity: Parameters<typeof rateLimitKey>[0]) {
      const decision = limiter.take(rateLimitKey(identity, req.socket.remoteAddress));
      if (decision.allowed) {
        next();
        return;
      }
      const error = rateLimitedError(limiter, decision.retryAfterSeconds);
      res
        .status(429)
        .set('Retry-After', String(decision.retryAfterSeconds))
        .json({
          errors: [
            {
              message: error.message,
              extensions: { code: 'RATE_LIMITED', retryAfterSeconds: decision.retryAfterSeconds },
            },
          ],
        });
    }
  };
}
