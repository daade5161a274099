export {
  type ConnectionLimits,
  defaultConnectionLimits,
  subscriptionLimitError,
  tooManySocketsCloseCode,
} from './connectionLimits.ts';
export { type CostExpression, evaluateCost } from './costExpression.ts';
export {
  createOperationGuard,
  defaultOperationLimits,
  type OperationGuard,
  type OperationLimits,
  type OperationRequestLike,
} from './createOperationGuard.ts';
export { createRateLimiter, type RateDecision, type RateLimit, type RateLimiter } from './createRateLimiter.ts';
export {
  createSharedLimits,
  type LeaseKind,
  type SharedLimits,
  type SharedLimitsOptions,
} from './createSharedLimits.ts';
export { introspectionListSizes } from './listSizes.ts';
export { type CostModel, measureDocument, type OperationMeasure } from './measureOperation.ts';
export { rateLimitedError } from './rateLimitedError.ts';
export { rateLimitKey } from './rateLimitKey.ts';
export { type RateLimitRefusal, rateLimitRefusal } from './rateLimitRefusal.ts';
export { useRateLimit } from './useRateLimit.ts';
