export { createTestDatabase, type TestDatabase } from './createTestDatabase.ts';
export { connectMqttDevice, uniqueTopicPrefix } from './mqttDevice.ts';
export { createRedisTestPrefix, type RedisTestPrefix, type RedisTestTarget } from './redisPrefix.ts';
export { services } from './services.ts';
export { repositoryRoot, runUntilExit, type SpawnedService, spawnService } from './spawnService.ts';
export { type PostgresServer, startPostgresServer } from './startPostgresServer.ts';
export { type RedisClusterFixture, type RedisClusterNode, startRedisCluster } from './startRedisCluster.ts';
export { type RedisServer, startRedisServer } from './startRedisServer.ts';
export {
  postToSubgraph,
  type RunningSubgraph,
  type SubgraphContractOptions,
  subgraphContract,
} from './subgraphContract.ts';
export { type SubscriberCount, subscriberCount } from './subscriberCount.ts';
export { uniqueName } from './uniqueName.ts';
