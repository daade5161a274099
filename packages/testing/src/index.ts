export { createTestDatabase, type TestDatabase } from './createTestDatabase.ts';
export { connectMqttDevice, uniqueTopicPrefix } from './mqttDevice.ts';
export { createRedisTestPrefix, type RedisTestPrefix } from './redisPrefix.ts';
export { services } from './services.ts';
export { repositoryRoot, runUntilExit, type SpawnedService, spawnService } from './spawnService.ts';
export {
  postToSubgraph,
  type RunningSubgraph,
  type SubgraphContractOptions,
  subgraphContract,
} from './subgraphContract.ts';
export { uniqueName } from './uniqueName.ts';
