import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';
import { spawnsProcesses } from '../../vitest.groups.ts';

// One graphql realm, the CommonJS build Node and @apollo/* load: the in-process gateway in tests rejects schemas otherwise.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');
export const twinResolve = { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] };

export default defineProject({
  resolve: twinResolve,
  test: {
    ...spawnsProcesses,
    name: 'twin',
    include: ['tests/**/*.test.ts'],
    // Only meaningful inside `twin-cluster` (vitest.cluster.config.ts).
    exclude: ['tests/cluster/**'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
