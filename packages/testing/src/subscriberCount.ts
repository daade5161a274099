import { Cluster, Redis } from 'ioredis';
import type { RedisTestTarget } from './redisPrefix.ts';

export interface SubscriberCount {
  /** Subscribers of `channel`: on a cluster the sum over every node, since each node counts only its own. */
  of(channel: string): Promise<number>;
  close(): void;
}

export function subscriberCount(target: RedisTestTarget): SubscriberCount {
  const redis = 'url' in target ? new Redis(target.url) : new Cluster(target.clusterNodes);
  const nodes = () => (redis instanceof Cluster ? redis.nodes('all') : [redis]);
  return {
    async of(channel) {
      const counts = await Promise.all(
        nodes().map(async (node) => Number(((await node.pubsub('NUMSUB', channel)) as [string, number])[1])),
      );
      return counts.reduce((sum, n) => sum + n, 0);
    },
    close: () => redis.disconnect(),
  };
}
