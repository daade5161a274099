// The one list of test projects: every workspace that has a vitest.config.ts.
export default [
  'packages/*/vitest.config.ts',
  'subgraphs/*/vitest.config.ts',
  'apps/*/vitest.config.ts',
  'schema/vitest.config*.ts',
  'e2e/vitest.config.ts',
];
