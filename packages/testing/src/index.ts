export { createTestDatabase, type TestDatabase } from './createTestDatabase.ts';
export { services } from './services.ts';
export {
  postToSubgraph,
  type RunningSubgraph,
  type SubgraphContractOptions,
  subgraphContract,
} from './subgraphContract.ts';
export { uniqueName } from './uniqueName.ts';
