import type { Redis } from 'ioredis';
import type { Unsubscribe } from '../TwinStore.ts';

/** One subscriber connection per store, shared by every listener; JSON messages are parsed once per listener set. */
export function createRedisPubSub(publisher: Redis) {
  let subscriber: Redis | null = null;
  const listeners = new Map<string, Set<(message: unknown) => void>>();

  function connection(): Redis {
    if (subscriber) return subscriber;
    const created = publisher.duplicate();
    created.on('message', (channel: string, message: string) => {
      const set = listeners.get(channel);
      if (!set || set.size === 0) return;
      const parsed: unknown = JSON.parse(message);
      for (const listener of set) listener(parsed);
    });
    subscriber = created;
    return created;
  }

  return {
    async subscribe<T>(channel: string, listener: (message: T) => void): Promise<Unsubscribe> {
      const set = listeners.get(channel) ?? new Set();
      const wrapped = listener as (message: unknown) => void;
      set.add(wrapped);
      if (!listeners.has(channel)) {
        listeners.set(channel, set);
        await connection().subscribe(channel);
      }
      return async () => {
        set.delete(wrapped);
        if (set.size === 0 && listeners.get(channel) === set) {
          listeners.delete(channel);
          await subscriber?.unsubscribe(channel);
        }
      };
    },
    async close(): Promise<void> {
      listeners.clear();
      if (subscriber) await subscriber.quit().catch(() => subscriber?.disconnect());
      subscriber = null;
    },
  };
}
