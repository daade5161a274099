export { createTestDatabase, type TestDatabase } from './createTestDatabase.ts';
export { connectMqttDevice, connectPersistentSubscriber, uniqueTopicPrefix } from './mqttDevice.ts';
export {
  dashboardQuery,
  graphqlOutcome,
  type OutageRun,
  type ProbeAnswer,
  type ProbeOutcome,
  probeThroughOutage,
  readinessOutcome,
  relayedTestDatabase,
  relayOutages,
  timedProbe,
} from './outageProbes.ts';
export { createRedisTestPrefix, type RedisTestPrefix, type RedisTestTarget } from './redisPrefix.ts';
export { services } from './services.ts';
export { repositoryRoot, runUntilExit, type SpawnedService, spawnService } from './spawnService.ts';
export { acceptsConnections, answersOk, freePort } from './stack/freePort.ts';
export { processRssBytes } from './stack/processRss.ts';
export { type MosquittoBroker, type MosquittoOptions, startMosquitto } from './stack/startMosquitto.ts';
export { type RedisServer, startRedisServer } from './stack/startRedisServer.ts';
export { type ServiceProcess, type ServiceProcessOptions, startServiceProcess } from './stack/startServiceProcess.ts';
export {
  type ServedProcess,
  type Stack,
  type StackOptions,
  type StackServiceName,
  startStack,
} from './stack/startStack.ts';
export { startTcpProxy, type TcpProxy } from './stack/startTcpProxy.ts';
export { type PostgresServer, startPostgresServer } from './startPostgresServer.ts';
export { type RedisClusterFixture, type RedisClusterNode, startRedisCluster } from './startRedisCluster.ts';
export {
  postToSubgraph,
  type RunningSubgraph,
  type SubgraphContractOptions,
  subgraphContract,
} from './subgraphContract.ts';
export { type SubscriberCount, subscriberCount } from './subscriberCount.ts';
export { uniqueName } from './uniqueName.ts';
