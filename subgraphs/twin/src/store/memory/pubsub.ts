import { EventEmitter } from 'node:events';
import type { Unsubscribe } from '../TwinStore.ts';

/** In-process pub/sub with Redis semantics: messages go out as JSON text and every listener gets its own parse. */
export function createMemoryPubSub() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish(channel: string, message: string): void {
      // Delivered after the current write completes, as Redis delivers after the script returns.
      queueMicrotask(() => emitter.emit(channel, message));
    },
    async subscribe<T>(channel: string, listener: (message: T) => void): Promise<Unsubscribe> {
      const handler = (message: string) => listener(JSON.parse(message) as T);
      emitter.on(channel, handler);
      return async () => {
        emitter.off(channel, handler);
      };
    },
    async close(): Promise<void> {
      emitter.removeAllListeners();
    },
  };
}
