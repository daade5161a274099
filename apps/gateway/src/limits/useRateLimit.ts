import type { RequestHandler } from 'express';
import { AuthenticationError, type TokenVerifier } from '../auth/index.ts';
import type { SharedLimits } from './createSharedLimits.ts';
import { rateLimitRefusal } from './rateLimitRefusal.ts';

/** Express middleware on /graphql for SSE streams: a client over its rate gets 429 and Retry-After before parsing. */
export function useRateLimit(limits: SharedLimits, verify: TokenVerifier): RequestHandler {
  return (req, res, next) => {
    verify(req.headers.authorization)
      .catch((error: unknown) => {
        if (error instanceof AuthenticationError) return undefined;
        throw error;
      })
      .then((identity) => rateLimitRefusal(limits, identity, req.socket.remoteAddress))
      .then((refusal) => {
        if (!refusal) {
          next();
          return;
        }
        res.status(refusal.status).set('Retry-After', String(refusal.retryAfterSeconds)).json(refusal.body);
      }, next);
  };
}
