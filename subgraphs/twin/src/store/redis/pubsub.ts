import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Unsubscribe } from '../TwinStore.ts';
import type { RedisClient } from './connectRedis.ts';

/**
 * Pub/sub on graphql-redis-subscriptions: one subscriber connection per store and one Redis subscription per channel
 * however many listeners share it. Messages are JSON, parsed once per message and shared by the listeners (they must
 * not mutate them). On a cluster the Lua scripts' PUBLISH reaches every node, so one subscriber hears all partitions.
 */
export function createRedisPubSub(publisher: RedisClient) {
  let engine: RedisPubSub | null = null;

  function connection(): RedisPubSub {
    if (!engine) {
      const subscriber = publisher.duplicate();
      // Its outages show in ping() (readiness); ioredis resubscribes on reconnect.
      subscriber.on('error', () => {});
      engine = new RedisPubSub({ publisher, subscriber });
    }
    return engine;
  }

  return {
    async subscribe<T>(channel: string, listener: (message: T) => void): Promise<Unsubscribe> {
      const pubsub = connection();
      const id = await pubsub.subscribe<T>(channel, listener);
      let subscribed = true;
      return async () => {
        if (!subscribed || engine !== pubsub) return;
        subscribed = false;
        pubsub.unsubscribe(id);
      };
    },
    /** The subscriber connection's state ('ready' when up), or null before the first subscription opened it. */
    subscriberStatus(): string | null {
      return engine ? (engine.getSubscriber() as RedisClient).status : null;
    },
    async close(): Promise<void> {
      if (!engine) return;
      const subscriber = engine.getSubscriber();
      engine = null;
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
