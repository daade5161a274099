export { authenticateConnection, type ConnectionAuth } from './authenticateConnection.ts';
export { createSubscriptionHub, type SubscriptionHub, scopeOf } from './createSubscriptionHub.ts';
export {
  createUpstreamPool,
  subgraphWebSocketUrl,
  type UpstreamPool,
  type UpstreamRetry,
} from './createUpstreamPool.ts';
export { endAtExpiry } from './endAtExpiry.ts';
export { createEventHydrator, type EventHydrator, hydrateEvent, type UpstreamEvent } from './hydrateEvent.ts';
export { type ErrorMask, maskErrors } from './maskErrors.ts';
export { openUpstream } from './openUpstream.ts';
export {
  type OperationRequest,
  type PreparedOperation,
  prepareOperation,
  type SubscriptionPlan,
} from './prepareOperation.ts';
export { type ServerSentEvents, useGraphQLServerSentEvents } from './useGraphQLServerSentEvents.ts';
export { type GraphQLWebSocket, serviceRestartCloseCode, useGraphQLWebSocket } from './useGraphQLWebSocket.ts';
