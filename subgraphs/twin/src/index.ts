export * from './archive/index.ts';
export * from './bridge/index.ts';
export { type ReportConfig, reportConfig } from './report/configFromEnv.ts';
export * from './store/index.ts';
export * from './subgraph/index.ts';
