import { maxPartitions } from './partitioning.ts';
import { defaultStoreOptions, type TwinStoreOptions } from './TwinStore.ts';

/** The options both adapters run with: defaults filled in, and a bad prefix or partition count refused up front. */
export function resolveStoreOptions(options: TwinStoreOptions) {
  const prefix = options.prefix ?? defaultStoreOptions.prefix;
  if (/[{}]/.test(prefix)) throw new Error(`Twin store prefix must not contain braces, got "${prefix}"`);
  const partitions = options.partitions ?? defaultStoreOptions.partitions;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > maxPartitions) {
    throw new Error(`Twin store partitions must be an integer from 1 to ${maxPartitions}, got ${partitions}`);
  }
  return {
    prefix,
    partitions,
    retention: { ...defaultStoreOptions.retention, ...options.retention },
    alertStream: { ...defaultStoreOptions.alertStream, ...options.alertStream },
    endedAlerts: { ...defaultStoreOptions.endedAlerts, ...options.endedAlerts },
    outbox: options.outbox ?? defaultStoreOptions.outbox,
    maxDeadLetters: options.maxDeadLetters ?? defaultStoreOptions.maxDeadLetters,
  };
}
