import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis } from 'ioredis';
import type { Unsubscribe } from '../TwinStore.ts';
import type { RedisClient } from './connectRedis.ts';

/** The parts of graphql-redis-subscriptions 2.7's RedisPubSub that its failure paths leave behind (see `subscribe`). */
interface RedisPubSubInternals {
  subsPendingRefsMap: Map<string, { pending: Promise<void> }>;
  subscriptionMap: Record<number, unknown>;
  currentSubscriptionId: number;
}

/** How often an idle subscriber connection is pinged, so a frozen or half-open one is noticed and replaced. */
const heartbeatMs = 5000;

/**
 * A subscriber connection whose UNSUBSCRIBE failures are its own: RedisPubSub sends them without handling the reply,
 * and one rejected while Redis is away (timed out, connection closed) would be an unhandled rejection, which ends the
 * process. ioredis resubscribes what it still holds after a reconnect; a message on a channel nobody listens to is
 * dropped by RedisPubSub.
 */
function subscriberOf(publisher: RedisClient): RedisClient {
  const subscriber = publisher.duplicate();
  // Its outages show in ping() (readiness) and in the subscriptions that fail; ioredis resubscribes on reconnect.
  subscriber.on('error', () => {});
  const commands = subscriber as unknown as Record<
    'unsubscribe' | 'punsubscribe',
    (...args: unknown[]) => Promise<unknown>
  >;
  for (const name of ['unsubscribe', 'punsubscribe'] as const) {
    const send = commands[name].bind(subscriber);
    commands[name] = (...args) => {
      const reply = send(...args);
      reply.catch(() => {});
      return reply;
    };
  }
  return subscriber;
}

/**
 * Pub/sub on graphql-redis-subscriptions: one subscriber connection per store and one Redis subscription per channel
 * however many listeners share it. Messages are JSON, parsed once per message and shared by the listeners (they must
 * not mutate them). On a cluster the Lua scripts' PUBLISH reaches every node, so one subscriber hears all partitions.
 */
export function createRedisPubSub(publisher: RedisClient) {
  let engine: RedisPubSub | null = null;
  let heartbeat: NodeJS.Timeout | undefined;

  function connection(): RedisPubSub {
    if (!engine) {
      const subscriber = subscriberOf(publisher);
      engine = new RedisPubSub({ publisher, subscriber });
      // A subscriber only reads: without a command now and then, a Redis that froze or a connection a partition cut
      // would never time out (the socket timeout needs a command waiting), and its messages would silently stop.
      if (subscriber instanceof Redis) {
        heartbeat = setInterval(() => {
          if (subscriber.status === 'ready') subscriber.ping().catch(() => {});
        }, heartbeatMs);
        heartbeat.unref();
      }
    }
    return engine;
  }

  return {
    async subscribe<T>(channel: string, listener: (message: T) => void): Promise<Unsubscribe> {
      const pubsub = connection();
      const internals = pubsub as unknown as RedisPubSubInternals;
      const attempt = internals.currentSubscriptionId;
      const subscribing = pubsub.subscribe<T>(channel, listener);
      // When SUBSCRIBE fails (Redis away), RedisPubSub also rejects the promise it shares with concurrent subscribers
      // of the channel, which nobody holds when there are none: unhandled, it would end the process.
      internals.subsPendingRefsMap.get(channel)?.pending.catch(() => {});
      const id = await subscribing.catch((error: unknown) => {
        // …and keeps the failed listener registered (never called, never freed).
        delete internals.subscriptionMap[attempt];
        throw error;
      });
      let subscribed = true;
      return async () => {
        if (!subscribed || engine !== pubsub) return;
        subscribed = false;
        pubsub.unsubscribe(id);
      };
    },
    /** Resolves when the subscriber connection answers a PING now (nothing to check before the first subscription). */
    async pingSubscriber(): Promise<void> {
      if (!engine) return;
      const subscriber = engine.getSubscriber() as RedisClient;
      if (subscriber.status !== 'ready') throw new Error(`the pub/sub connection is ${subscriber.status}`);
      if (subscriber instanceof Redis) await subscriber.ping();
    },
    async close(): Promise<void> {
      clearInterval(heartbeat);
      if (!engine) return;
      const subscriber = engine.getSubscriber();
      engine = null;
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
