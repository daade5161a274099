export {
  checkOperationLimits,
  defaultOperationLimits,
  measureOperation,
  type OperationLimits,
  type OperationMeasure,
} from './checkOperationLimits.ts';
export { createRateLimiter, type RateDecision, type RateLimit, type RateLimiter } from './createRateLimiter.ts';
export { rateLimitedError } from './rateLimitedError.ts';
export { rateLimitKey } from './rateLimitKey.ts';
export { useOperationLimits } from './useOperationLimits.ts';
export { useRateLimit } from './useRateLimit.ts';
