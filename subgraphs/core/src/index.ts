export { type CoreConfig, configFromEnv, coreConfig } from './configFromEnv.ts';
export { coreTypeDefs, createCoreSchema } from './createCoreSchema.ts';
export { type Database, type DB, openDatabase } from './db/index.ts';
export { seedDemoData } from './db/seed.ts';
export { type CoreSubgraph, type CoreSubgraphOptions, startCoreSubgraph } from './startCoreSubgraph.ts';
