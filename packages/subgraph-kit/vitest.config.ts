import { defineProject } from 'vitest/config';
import { inProcess } from '../../vitest.groups.ts';

export default defineProject({
  test: { ...inProcess, name: 'subgraph-kit', include: ['tests/**/*.test.ts'], testTimeout: 20_000 },
});
