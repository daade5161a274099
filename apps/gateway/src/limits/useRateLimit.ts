import type { RequestHandler } from 'express';
import { AuthenticationError, type TokenVerifier } from '../auth/index.ts';
import type { SharedLimits } from './createSharedLimits.ts';
import { rateLimitedError } from './rateLimitedError.ts';
import { rateLimitKey } from './rateLimitKey.ts';

/** Express middleware on /graphql (HTTP and SSE): a client over its rate gets 429 and Retry-After before parsing. */
export function useRateLimit(limits: SharedLimits, verify: TokenVerifier): RequestHandler {
  return (req, res, next) => {
    verify(req.headers.authorization)
      .catch((error: unknown) => {
        if (error instanceof AuthenticationError) return undefined;
        throw error;
      })
      .then((identity) => limits.take(rateLimitKey(identity, req.socket.remoteAddress)))
      .then((decision) => {
        if (decision.allowed) {
          next();
          return;
        }
        const error = rateLimitedError(limits.rateLimit?.perMinute ?? 0, decision.retryAfterSeconds);
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
      }, next);
  };
}
