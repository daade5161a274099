// What the twin store would hand the archive for a series ingested in order, built with the engine in memory, so a
// benchmark can fill the archive fast without going through MQTT and Redis.
import { applyReading, initialState, type Reading, type StorageProfile } from '@bst/coldchain';
import type { EntityRef, OutboxEntry } from '@bst/twin';

export function outboxOf(entity: EntityRef, readings: readonly Reading[], profile: StorageProfile): OutboxEntry[] {
  const key = `${entity.entityType === 'SAMPLE' ? 'sample' : 'container'}:${entity.code}`;
  const entries: OutboxEntry[] = [];
  const positions = new Map<string, number>();
  let state = initialState();
  let version = 0;
  let n = 0;
  for (const reading of readings) {
    const outcome = applyReading(state, reading, profile);
    state = outcome.state;
    version++;
    const handle = `0/${n++}-0`;
    entries.push({ handle, kind: 'reading', entity, reading: { ...reading, receivedAt: reading.at } });
    if (outcome.checkpoint) {
      entries.push({ handle: `0/${n++}-0`, kind: 'checkpoint', entity, version, checkpoint: outcome.checkpoint });
    }
    for (const event of outcome.events) {
      const alertId = `${key}:${event.alertId}`;
      const position = (positions.get(alertId) ?? 0) + 1;
      positions.set(alertId, position);
      entries.push({
        handle: `0/${n++}-0`,
        kind: 'alert-event',
        alertId,
        position,
        event: { ...event, alertId, ...entity },
      });
    }
  }
  return entries;
}

/** A month of a fridge's life at one reading every `everyMinutes`: mostly in range, a warm spell each day. */
export function fridgeSeries(start: number, days: number, everyMinutes: number, seed = 0): Reading[] {
  const readings: Reading[] = [];
  const step = everyMinutes * 60_000;
  const count = Math.floor((days * 24 * 60) / everyMinutes);
  for (let i = 0; i < count; i++) {
    const at = start + i * step;
    const minuteOfDay = ((i * everyMinutes) % (24 * 60)) + seed * 7;
    const warm = minuteOfDay % 1440 >= 600 && minuteOfDay % 1440 < 625;
    readings.push({ at, temperatureC: warm ? 9.6 : 4 + ((i * 7 + seed) % 30) / 10, humidityPct: null });
  }
  return readings;
}
