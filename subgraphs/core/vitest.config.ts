import { defineProject } from 'vitest/config';
import { spawnsProcesses } from '../../vitest.groups.ts';

export default defineProject({
  test: { ...spawnsProcesses, name: 'core', include: ['tests/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
