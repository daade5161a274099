import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';
import { spawnsProcesses } from '../vitest.groups.ts';

// One graphql realm, the CommonJS build Node and @apollo/* load: an in-process gateway rejects schemas otherwise.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');
export const e2eResolve = { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] };

// End-to-end scenarios: one folder per behaviour, every service real and started by the scenario's test.
export default defineProject({
  resolve: e2eResolve,
  test: { ...spawnsProcesses, name: 'e2e', include: ['*/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
