// The one list of test projects: every workspace that has a vitest.config.ts, and the twin on a Redis Cluster.
export default [
  'packages/*/vitest.config.ts',
  'subgraphs/*/vitest.config.ts',
  // The twin's files that start processes of their own, apart from its in-process files (vitest.groups.ts).
  'subgraphs/twin/vitest.processes.config.ts',
  // Core's outage file, one at a time after the in-process projects (its answers are timed against bounds).
  'subgraphs/core/vitest.outage.config.ts',
  // The twin's Redis suites and the e2e scenarios once more on a 3-master Redis Cluster.
  'subgraphs/twin/vitest.cluster.config.ts',
  'apps/*/vitest.config.ts',
  'schema/vitest.config*.ts',
  'e2e/vitest.config.ts',
  'e2e/vitest.cluster.config.ts',
  'bench/vitest.config.ts',
];
