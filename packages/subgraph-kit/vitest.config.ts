import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'subgraph-kit', include: ['tests/**/*.test.ts'], testTimeout: 20_000 } });
