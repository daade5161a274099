import { defineProject } from 'vitest/config';
import { inProcess } from '../vitest.groups.ts';

export default defineProject({
  test: { ...inProcess, name: 'schema', include: ['tests/**/*.test.ts'], testTimeout: 30_000 },
});
