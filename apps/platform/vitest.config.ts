import { defineProject } from 'vitest/config';

// PGlite alone takes 5-15 s to start on a busy machine; the browser adds a few more.
export default defineProject({
  test: { name: 'platform', include: ['tests/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
