export { alertState } from '@bst/coldchain';
export { alertEventMatches, alertMatches } from './alertMatches.ts';
export { CursorExpiredError } from './CursorExpiredError.ts';
export { InvalidCursorError } from './InvalidCursorError.ts';
export { entityKey, entityKeyOfAlert, parseEntityKey, storedAlertId, storeKeys } from './keys.ts';
export { createMemoryTwinStore, type MemoryTwinStoreOptions } from './memory/createTwinStore.ts';
export { openTwinStore, type TwinStoreConfig } from './openTwinStore.ts';
export { PartitionCountMismatchError } from './PartitionCountMismatchError.ts';
export { readingEventId } from './readingEventId.ts';
export {
  connectRedis,
  parseRedisNodes,
  type RedisClient,
  type RedisNode,
  type RedisTarget,
} from './redis/connectRedis.ts';
export { createRedisTwinStore, type RedisTwinStoreOptions } from './redis/createTwinStore.ts';
export * from './TwinStore.ts';
export { twinStoreConfig, twinStoreConfigFromEnv, twinStoreVariables } from './twinStoreConfigFromEnv.ts';
