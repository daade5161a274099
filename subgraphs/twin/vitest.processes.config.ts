import { defineProject } from 'vitest/config';
import { spawnsProcesses } from '../../vitest.groups.ts';
import { processFiles, twinResolve } from './vitest.config.ts';

// The twin's files that start Redis servers, a Redis Cluster, the bridge or the archiver as processes: after the
// in-process projects, one file at a time.
export default defineProject({
  resolve: twinResolve,
  test: {
    ...spawnsProcesses,
    name: 'twin-processes',
    include: processFiles,
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
