import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';
import { inProcess } from '../../vitest.groups.ts';

// One graphql realm, the CommonJS build Node and @apollo/* load: the in-process gateway in tests rejects schemas otherwise.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');
export const twinResolve = { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] };

// Files that start processes (Redis servers, a Redis Cluster, the bridge, the archiver), or that time answers against
// an outage's bounds (a second worker's file on the same cores would colour them): `twin-processes` runs them.
export const processFiles = [
  'tests/archive/outage.test.ts',
  'tests/store/redisOutage.test.ts',
  'tests/store/redisClusterTwinStore.test.ts',
  'tests/bridge/noLoss.test.ts',
  'tests/bridge/restartBacklog.test.ts',
  'tests/archive/faults.test.ts',
];

export default defineProject({
  resolve: twinResolve,
  test: {
    ...inProcess,
    name: 'twin',
    include: ['tests/**/*.test.ts'],
    // Only meaningful inside `twin-cluster` (vitest.cluster.config.ts).
    exclude: ['tests/cluster/**', ...processFiles],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
