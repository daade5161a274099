export { type CatalogReader, type CatalogReaderStats, createCatalogReader } from './catalog/createCatalogReader.ts';
export {
  configFromEnv as twinSubgraphConfigFromEnv,
  type TwinSubgraphConfig,
  twinSubgraphConfig,
} from './configFromEnv.ts';
export { createTwinSchema, twinTypeDefs } from './createTwinSchema.ts';
export { startTwinSubgraph, type TwinSubgraph, type TwinSubgraphOptions } from './startTwinSubgraph.ts';
