import { defineProject } from 'vitest/config';
import { inProcess } from '../../vitest.groups.ts';

export default defineProject({
  test: { ...inProcess, name: 'core', include: ['tests/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
