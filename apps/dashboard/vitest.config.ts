import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';
import { inProcess } from '../../vitest.groups.ts';

// One graphql realm, the CommonJS build @apollo/federation-internals loads: validate() rejects its schema otherwise.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

export default defineProject({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: { ...inProcess, name: 'dashboard', include: ['tests/**/*.test.ts'], testTimeout: 20_000 },
});
