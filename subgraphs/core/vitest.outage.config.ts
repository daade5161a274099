import { defineProject } from 'vitest/config';
import { spawnsProcesses } from '../../vitest.groups.ts';
import { outageFiles } from './vitest.config.ts';

export default defineProject({
  test: { ...spawnsProcesses, name: 'core-outage', include: outageFiles, testTimeout: 60_000, hookTimeout: 60_000 },
});
