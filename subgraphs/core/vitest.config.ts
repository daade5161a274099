import { defineProject } from 'vitest/config';
import { inProcess } from '../../vitest.groups.ts';

// Files that time answers against an outage's bounds: `core-outage` (vitest.outage.config.ts) runs them one at a time,
// after the in-process projects, so a second worker's file on the same cores cannot colour them.
export const outageFiles = ['tests/postgresOutage.test.ts'];

export default defineProject({
  test: {
    ...inProcess,
    name: 'core',
    include: ['tests/**/*.test.ts'],
    exclude: outageFiles,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
