import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';
import { spawnsProcesses } from '../../vitest.groups.ts';

// One graphql realm, the CommonJS build Node and @apollo/* load (as under tsx): the gateway rejects schemas otherwise.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

// PGlite alone takes 5-15 s to start on a busy machine; the browser adds a few more.
export default defineProject({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    ...spawnsProcesses,
    name: 'platform',
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
