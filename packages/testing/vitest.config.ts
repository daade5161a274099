import { defineProject } from 'vitest/config';
import { spawnsProcesses } from '../../vitest.groups.ts';

export default defineProject({
  test: { ...spawnsProcesses, name: 'testing', include: ['tests/**/*.test.ts'], testTimeout: 20_000 },
});
