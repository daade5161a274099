export * from './bridge/index.ts';
export * from './store/index.ts';
