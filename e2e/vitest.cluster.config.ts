import { defineProject } from 'vitest/config';
import { e2eResolve } from './vitest.config.ts';

// The end-to-end scenarios again with the twin's store on one 3-master Redis Cluster started for the run.
export default defineProject({
  resolve: e2eResolve,
  test: {
    name: 'e2e-cluster',
    include: ['*/**/*.test.ts'],
    globalSetup: ['../packages/testing/src/vitest/redisClusterGlobalSetup.ts'],
    setupFiles: ['../packages/testing/src/vitest/onRedisCluster.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
