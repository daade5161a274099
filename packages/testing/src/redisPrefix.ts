import { Redis } from 'ioredis';
import { services } from './services.ts';
import { uniqueName } from './uniqueName.ts';

export interface RedisTestPrefix {
  prefix: string;
  url: string;
  /** Deletes every key under the prefix (call in afterAll/afterEach). */
  cleanup(): Promise<number>;
}

/** A key prefix no parallel suite uses on the real Redis, and a way to leave nothing behind. */
export function createRedisTestPrefix(label: string): RedisTestPrefix {
  const prefix = uniqueName(label);
  return {
    prefix,
    url: services.redisUrl,
    async cleanup() {
      const redis = new Redis(services.redisUrl);
      let deleted = 0;
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) deleted += await redis.unlink(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
      return deleted;
    },
  };
}
