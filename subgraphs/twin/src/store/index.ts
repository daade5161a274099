export { alertMatches } from './alertMatches.ts';
export { alertAfterEvent, alertState } from './alertRecord.ts';
export { entityKey, parseEntityKey, storedAlertId, storeKeys } from './keys.ts';
export { createMemoryTwinStore } from './memory/createTwinStore.ts';
export { createRedisTwinStore, type RedisTwinStoreOptions } from './redis/createTwinStore.ts';
export * from './TwinStore.ts';
