import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';
import { spawnsProcesses } from '../../vitest.groups.ts';

// Node loads graphql's CommonJS build for @apollo/* (and for us, outside vitest); vite would pick the .mjs build for our
// sources, and two graphql realms reject each other's schemas. One realm, the one Node uses.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

export default defineProject({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    ...spawnsProcesses,
    name: 'gateway',
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
