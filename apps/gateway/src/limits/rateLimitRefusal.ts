import type { Identity } from '@bst/identity';
import type { SharedLimits } from './createSharedLimits.ts';
import { rateLimitedError } from './rateLimitedError.ts';
import { rateLimitKey } from './rateLimitKey.ts';

/** What a client over its rate is answered on HTTP and SSE: 429, Retry-After and a RATE_LIMITED error. */
export interface RateLimitRefusal {
  status: 429;
  retryAfterSeconds: number;
  body: { errors: { message: string; extensions: { code: 'RATE_LIMITED'; retryAfterSeconds: number } }[] };
}

/** Spends one token of the client's bucket (JWT subject, else remote address); null when the operation may go on. */
export async function rateLimitRefusal(
  limits: SharedLimits,
  identity: Identity | undefined,
  remoteAddress: string | undefined,
): Promise<RateLimitRefusal | null> {
  const decision = await limits.take(rateLimitKey(identity, remoteAddress));
  if (decision.allowed) return null;
  const { retryAfterSeconds } = decision;
  const error = rateLimitedError(limits.rateLimit?.perMinute ?? 0, retryAfterSeconds);
  return {
    status: 429,
    retryAfterSeconds,
    body: { errors: [{ message: error.message, extensions: { code: 'RATE_LIMITED', retryAfterSeconds } }] },
  };
}
