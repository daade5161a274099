import { defineProject } from 'vitest/config';
import { spawnsProcesses } from '../vitest.groups.ts';
import { e2eResolve } from './vitest.config.ts';

// The scenarios that run the twin's store (golden replay over MQTT through the gateway) again on one 3-master Redis
// Cluster started for the run; configuration, security and role scenarios do not depend on the store's topology.
export default defineProject({
  resolve: e2eResolve,
  test: {
    ...spawnsProcesses,
    name: 'e2e-cluster',
    include: ['twin-through-gateway/**/*.test.ts'],
    globalSetup: ['../packages/testing/src/vitest/redisClusterGlobalSetup.ts'],
    setupFiles: ['../packages/testing/src/vitest/onRedisCluster.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
