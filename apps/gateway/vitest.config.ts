import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'gateway', include: ['tests/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
});
