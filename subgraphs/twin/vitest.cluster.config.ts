import { defineProject } from 'vitest/config';
import { spawnsProcesses } from '../../vitest.groups.ts';
import { twinResolve } from './vitest.config.ts';

// The twin suites that touch Redis, again on one 3-master Redis Cluster started for the run. The store contract
// already runs on a cluster in `twin` (tests/store/redisClusterTwinStore.test.ts); the rest needs no Redis.
export default defineProject({
  resolve: twinResolve,
  test: {
    ...spawnsProcesses,
    name: 'twin-cluster',
    include: ['tests/cluster/**/*.test.ts', 'tests/bridge/**/*.test.ts', 'tests/subgraph/**/*.test.ts'],
    globalSetup: ['../../packages/testing/src/vitest/redisClusterGlobalSetup.ts'],
    setupFiles: ['../../packages/testing/src/vitest/onRedisCluster.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
