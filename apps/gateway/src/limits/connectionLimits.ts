import { GraphQLError } from 'graphql';

export interface ConnectionLimits {
  /** Open graphql-ws sockets one identity may hold across the gateway (all instances when limits are shared). */
  maxSocketsPerIdentity: number;
  /** Subscriptions one socket may run at once. */
  maxSubscriptionsPerSocket: number;
  /** Subscriptions one identity may run at once, WebSocket and SSE together. */
  maxSubscriptionsPerIdentity: number;
  /** Largest WebSocket message accepted: a larger one closes the socket with 1009 before it is read. */
  maxWebSocketPayloadBytes: number;
}

export const defaultConnectionLimits: ConnectionLimits = {
  maxSocketsPerIdentity: 16,
  maxSubscriptionsPerSocket: 50,
  maxSubscriptionsPerIdentity: 100,
  maxWebSocketPayloadBytes: 100 * 1024,
};

/** Close code for a socket over its identity's cap: in graphql-ws' 44xx range, which its clients do not retry. */
export const tooManySocketsCloseCode = 4429;

export function subscriptionLimitError(per: 'socket' | 'identity', max: number): GraphQLError {
  return new GraphQLError(`at most ${max} subscriptions per ${per}; complete one before starting another`, {
    extensions: {
      code: 'SUBSCRIPTION_LIMIT_EXCEEDED',
      limit: `subscriptionsPer${per === 'socket' ? 'Socket' : 'Identity'}`,
      max,
      http: { status: 429 },
    },
  });
}
