import { afterAll, inject } from 'vitest';

// createRedisTestPrefix (and startRedisCluster) follow this variable: the suites run unchanged on the cluster.
process.env.TEST_REDIS_CLUSTER_NODES = inject('redisClusterNodes');
// A worker may run another project's file next: leave it the standard Redis.
afterAll(() => {
  delete process.env.TEST_REDIS_CLUSTER_NODES;
});
