import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';

// One graphql realm, the CommonJS build Node and @apollo/* load: the in-process gateway in tests rejects schemas otherwise.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

export default defineProject({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: { name: 'twin', include: ['tests/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 30_000 },
});
