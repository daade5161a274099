export { authenticateConnection, type ConnectionAuth } from './authenticateConnection.ts';
export { createSubscriptionHub, type SubscriptionHub, scopeOf } from './createSubscriptionHub.ts';
export { endAtExpiry } from './endAtExpiry.ts';
export { createEventHydrator, type EventHydrator, hydrateEvent, type UpstreamEvent } from './hydrateEvent.ts';
export { openUpstream, subgraphWebSocketUrl, type UpstreamRetry } from './openUpstream.ts';
export {
  type OperationRequest,
  type PreparedOperation,
  prepareOperation,
  type SubscriptionPlan,
} from './prepareOperation.ts';
export { type ServerSentEvents, useGraphQLServerSentEvents } from './useGraphQLServerSentEvents.ts';
export { type GraphQLWebSocket, serviceRestartCloseCode, useGraphQLWebSocket } from './useGraphQLWebSocket.ts';
