import type { ExecutionResult } from 'graphql';

/** What one client may have waiting: results not yet taken by its transport (its socket or stream is behind). */
export interface ClientBufferLimits {
  maxEvents: number;
  maxBytes: number;
}

/** One result on its way to clients, serialised once for all of them (what the byte limit counts). */
export interface Delivery {
  result: ExecutionResult;
  json: string;
  bytes: number;
}

export interface ClientBuffer {
  deliver(delivery: Delivery): void;
  /** The subscription is over: the client gets what is queued, then the end. */
  end(): void;
  /**
   * What the transport reads; it reads only as fast as the client takes results. With a `write` handler (push mode)
   * it yields nothing and ends once the last result was written.
   */
  results: AsyncIterableIterator<ExecutionResult>;
}

export interface ClientBufferHandlers {
  /** Once: the client left (return or throw) or was dropped; the hub stops delivering to it. */
  leave(): void;
  /** The client fell further behind than the limits: the transport disconnects it. */
  overflow(): void;
  /** Once, when the subscription is finished for this client, whatever the cause. */
  close?(): void;
  /**
   * Push mode: hands a result to the transport as soon as the previous one was written, in the same turn as the
   * delivery (no promise per result); the transport calls `written` once its socket has taken it.
   */
  write?(delivery: Delivery, written: () => void): void;
}

const done: IteratorResult<ExecutionResult> = Object.freeze({ done: true, value: undefined });

/**
 * A client's queue between the hub and its transport. A result goes to the transport only once the previous one was
 * written (graphql-ws's socket callback, the SSE stream's `drain`), so a client that stops reading lets this queue
 * grow until a limit, and is then dropped at once: its queue is freed and it leaves its shared subscription.
 * One object per client, its queue allocated only when the client is behind: thousands of clients share one result.
 */
class BufferedClient implements ClientBuffer, AsyncIterableIterator<ExecutionResult> {
  private queue: Delivery[] | undefined;
  private head = 0;
  private bytes = 0;
  private ended = false;
  private left = false;
  private closed = false;
  /** Push mode: a result handed to the transport and not yet written. */
  private writing = false;
  private wake: (() => void) | undefined;
  private written: (() => void) | undefined;

  constructor(
    private readonly limits: ClientBufferLimits,
    private readonly handlers: ClientBufferHandlers,
  ) {}

  get results(): AsyncIterableIterator<ExecutionResult> {
    return this;
  }

  deliver(delivery: Delivery): void {
    if (this.ended || this.left) return;
    if (this.handlers.write && !this.writing && this.waiting() === 0) {
      this.push(delivery);
      return;
    }
    this.queue ??= [];
    this.queue.push(delivery);
    this.bytes += delivery.bytes;
    if (this.waiting() > this.limits.maxEvents || this.bytes > this.limits.maxBytes) this.leave(true);
    else if (!this.handlers.write) this.rouse();
  }

  end(): void {
    this.ended = true;
    this.rouse();
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    for (;;) {
      if (this.left) break;
      if (!this.handlers.write) {
        const delivery = this.shift();
        if (delivery) return { done: false, value: delivery.result };
        if (this.ended) break;
      } else if (this.ended && !this.writing && this.waiting() === 0) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    this.close();
    return done;
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.leave();
    this.close();
    return done;
  }

  // graphql-ws recognises a generator by `throw` and only then calls return() when the client goes.
  async throw(): Promise<IteratorResult<ExecutionResult>> {
    return this.return();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return this;
  }

  private waiting(): number {
    return this.queue ? this.queue.length - this.head : 0;
  }

  private shift(): Delivery | undefined {
    const queue = this.queue;
    if (!queue || this.head >= queue.length) return undefined;
    const delivery = queue[this.head] as Delivery;
    queue[this.head++] = undefined as unknown as Delivery;
    if (this.head === queue.length) {
      this.queue = undefined;
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= queue.length) {
      queue.splice(0, this.head);
      this.head = 0;
    }
    this.bytes -= delivery.bytes;
    return delivery;
  }

  private push(delivery: Delivery): void {
    this.writing = true;
    this.written ??= () => {
      this.writing = false;
      if (this.left) return;
      const next = this.shift();
      if (next) this.push(next);
      else if (this.ended) this.rouse();
    };
    this.handlers.write?.(delivery, this.written);
  }

  private rouse(): void {
    const resume = this.wake;
    this.wake = undefined;
    resume?.();
  }

  private leave(dropped = false): void {
    if (this.left) return;
    this.left = true;
    this.queue = undefined;
    this.head = 0;
    this.bytes = 0;
    this.handlers.leave();
    // Disconnect before waking the reader: the transport must not answer the end with a `complete` on a live socket.
    if (dropped) this.handlers.overflow();
    this.rouse();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.close?.();
  }
}

export function createClientBuffer(limits: ClientBufferLimits, handlers: ClientBufferHandlers): ClientBuffer {
  return new BufferedClient(limits, handlers);
}
