/**
 * A client further behind than its buffer allows (`SUBSCRIPTION_CLIENT_BUFFER_EVENTS` / `_BYTES`) is disconnected:
 * a WebSocket is closed with this code (graphql-ws clients retry it, and resume with their cursor), an SSE stream gets
 * one last `next` event carrying a SLOW_CONSUMER error and ends.
 */
export const slowConsumerCloseCode = 4008;

export const slowConsumerMessage =
  'Slow consumer: more results waiting than the buffer allows; reconnect and resume from your last cursor';

// How long a dropped client gets to take its close frame (or last event) before its connection is cut: a slow reader
// learns why, a stalled one never reads it. It holds little meanwhile (the one message in flight and the close).
export const slowConsumerGraceMs = 5000;
