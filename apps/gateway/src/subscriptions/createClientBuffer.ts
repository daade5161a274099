import type { ExecutionResult } from 'graphql';

/** What one client may have waiting: results not yet taken by its transport (its socket or stream is behind). */
export interface ClientBufferLimits {
  maxEvents: number;
  maxBytes: number;
}

/** One result on its way to clients, with its serialised size (what the byte limit counts). */
export interface Delivery {
  result: ExecutionResult;
  bytes: number;
}

export interface ClientBuffer {
  deliver(delivery: Delivery): void;
  /** The subscription is over: the client gets what is queued, then the end. */
  end(): void;
  /** What the transport reads; it reads only as fast as the client takes results. */
  results: AsyncIterableIterator<ExecutionResult>;
}

export interface ClientBufferHandlers {
  /** Once: the client left (return or throw) or was dropped; the hub stops delivering to it. */
  leave(): void;
  /** The client fell further behind than the limits: the transport disconnects it. */
  overflow(): void;
  /** Once, when the subscription is finished for this client, whatever the cause. */
  close?(): void;
}

/**
 * A client's queue between the hub and its transport. Transports pull a result only once the previous one was written
 * (graphql-ws awaits each send, the SSE stream waits for `drain`), so a client that stops reading lets this queue grow
 * until a limit, and is then dropped at once: its queue is freed and it leaves its shared subscription.
 */
export function createClientBuffer(limits: ClientBufferLimits, handlers: ClientBufferHandlers): ClientBuffer {
  let queue: Delivery[] = [];
  let bytes = 0;
  let ended = false;
  let left = false;
  let closed = false;
  let wake: (() => void) | undefined;
  const rouse = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const leave = (dropped = false) => {
    if (left) return;
    left = true;
    queue = [];
    bytes = 0;
    handlers.leave();
    // Disconnect before waking the reader: the transport must not answer the end with a `complete` on a live socket.
    if (dropped) handlers.overflow();
    rouse();
  };
  const close = () => {
    if (closed) return;
    closed = true;
    handlers.close?.();
  };
  const results: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      while (queue.length === 0 && !ended && !left) await new Promise<void>((resolve) => (wake = resolve));
      const delivery = queue.shift();
      if (delivery) {
        bytes -= delivery.bytes;
        return { done: false, value: delivery.result };
      }
      close();
      return { done: true, value: undefined };
    },
    async return() {
      leave();
      close();
      return { done: true, value: undefined };
    },
    // graphql-ws recognises a generator by `throw` and only then calls return() when the client goes.
    async throw() {
      leave();
      close();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return results;
    },
  };
  return {
    deliver(delivery) {
      if (ended || left) return;
      queue.push(delivery);
      bytes += delivery.bytes;
      if (queue.length > limits.maxEvents || bytes > limits.maxBytes) leave(true);
      else rouse();
    },
    end() {
      ended = true;
      rouse();
    },
    results,
  };
}
