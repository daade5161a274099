import type { AlertEventRecord, TwinStore } from '../../store/index.ts';

// Long enough for every subscription to take its copy of one published event, short enough to hold little.
const sharedForMs = 5000;

/**
 * The alert's transition log as read for one published event, shared by every subscription the event reaches: 500
 * subscribers cost one store read per event, not 500. A later event of the same alert reads afresh.
 */
export function createAlertLogReader(store: Pick<TwinStore, 'alertEvents'>, now: () => number = Date.now) {
  const reads = new Map<string, { log: Promise<AlertEventRecord[]>; at: number }>();
  return (event: AlertEventRecord): Promise<AlertEventRecord[]> => {
    const at = now();
    const key = `${event.alertId}\n${event.transition}\n${event.at}`;
    const known = reads.get(key);
    if (known && at - known.at < sharedForMs) return known.log;
    // Entries are kept in the order they were read: drop the expired ones from the front.
    for (const [oldKey, read] of reads) {
      if (at - read.at < sharedForMs) break;
      reads.delete(oldKey);
    }
    const log = store.alertEvents(event.alertId);
    reads.delete(key);
    reads.set(key, { log, at });
    log.catch(() => reads.delete(key));
    return log;
  };
}
