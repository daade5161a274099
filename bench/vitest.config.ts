import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';
import { inProcess } from '../vitest.groups.ts';

// One graphql realm, the one Node uses (graphql-ws's server loads its CommonJS build; vite would pick the .mjs).
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

// The benchmarks' own tools (their clients), not the benchmarks: those run with `npm run bench`.
export default defineProject({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: { ...inProcess, name: 'bench', include: ['tests/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
});
