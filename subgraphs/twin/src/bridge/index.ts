export { type CatalogSource, type CoreCatalogSourceOptions, coreCatalogSource } from './catalog/coreCatalogSource.ts';
export { type CatalogFollower, type CatalogView, catalogView, followCatalog } from './catalog/followCatalog.ts';
export { type BridgeConfig, bridgeConfig, configFromEnv as bridgeConfigFromEnv } from './configFromEnv.ts';
export { handleDeviceMessage } from './handlers/index.ts';
export {
  createGroupCommit,
  type GroupCommit,
  type GroupCommitOptions,
  type GroupCommitStats,
  type IngestContext,
} from './ingest/createGroupCommit.ts';
export { createMonitorCache, type MonitorCache } from './ingest/monitorCache.ts';
export { type EngineStep, stepEngine } from './ingest/stepEngine.ts';
export { nextCheckAt } from './scheduler/nextCheckAt.ts';
export { startScheduler } from './scheduler/startScheduler.ts';
export { type Bridge, type BridgeOptions, startBridge } from './startBridge.ts';
export * from './validation/index.ts';
