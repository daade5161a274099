import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEventRecord, EntityRef, OutboxEntry, TwinStore } from '../../../src/store/index.ts';
import { alertEvent, box, type ContractHarness, monitored, plain, reading, sample, t0 } from './fixtures.ts';

function keyOf(entry: OutboxEntry): string {
  if (entry.kind === 'reading') return `reading ${entry.entity.code} ${entry.reading.at - t0}`;
  if (entry.kind === 'checkpoint')
    return `checkpoint ${entry.entity.code} ${entry.checkpoint.at - t0} v${entry.version}`;
  return `${entry.event.transition} ${entry.alertId} #${entry.position}`;
}

async function drain(store: TwinStore, consumer: string, batch = 100): Promise<OutboxEntry[]> {
  const all: OutboxEntry[] = [];
  for (;;) {
    const entries = await store.outbox.read(consumer, batch);
    if (entries.length === 0) return all;
    all.push(...entries);
  }
}

export function describeOutboxContract({ adapter, createStore, uniquePrefix }: ContractHarness) {
  describe(`archive outbox: ${adapter}`, () => {
    const stores: TwinStore[] = [];
    const open = (options: { outbox?: boolean; retention?: { maxReadings: number; maxAgeMs: number } } = {}) => {
      const store = createStore({
        prefix: uniquePrefix(),
        retention: { maxReadings: 3, maxAgeMs: 3600_000 },
        ...options,
      });
      stores.push(store);
      return store;
    };

    afterEach(async () => {
      for (const store of stores.splice(0)) {
        await store.clear();
        await store.close();
      }
    });

    it('holds every stored reading and transition with its idempotency key; duplicates and conflicts add nothing', async () => {
      const store = open();
      // `late` is the engine's mark for a transition a late reading caused: it must survive to the archive.
      const raised = { ...alertEvent(box, 'RAISED', t0, { peakValue: 9.5 }), late: true } as AlertEventRecord;
      await store.commitReading(monitored(box, reading(t0, 9.5), 0, [raised]));
      await store.commitReading(monitored(box, reading(t0, 9.5), 1, [raised]));
      await store.commitReading(monitored(box, reading(t0 + 1000), 0));
      await store.acknowledgeAlert(raised.alertId, { by: 'alice', note: 'door shut', at: t0 + 2000 });
      await store.commitReading(plain(sample, reading(t0 + 500)));
      const entries = await drain(store, 'archiver-1');
      expect(entries.map(keyOf).sort()).toEqual(
        [
          'reading BOX-0001 0',
          `RAISED ${raised.alertId} #1`,
          `ACKNOWLEDGED ${raised.alertId} #2`,
          'reading SAMPLE-0001 500',
        ].sort(),
      );
      const ack = entries.find((e) => e.kind === 'alert-event' && e.event.transition === 'ACKNOWLEDGED');
      expect(ack).toMatchObject({ event: { by: 'alice', note: 'door shut', at: t0 + 2000, code: 'BOX-0001' } });
      const raise = entries.find((e) => e.kind === 'alert-event' && e.event.transition === 'RAISED');
      expect(raise).toMatchObject({ event: { ...raised } });
      const boxReading = entries.find((e) => e.kind === 'reading' && e.entity.code === 'BOX-0001');
      expect(boxReading).toMatchObject({ entity: box, reading: reading(t0, 9.5) });
      // Within one entity the archive gets a reading before the transitions it caused.
      const boxEntries = entries.filter((e) => keyOf(e).includes('BOX-0001'));
      expect(boxEntries.map((e) => e.kind)).toEqual(['reading', 'alert-event', 'alert-event']);
    });

    it('shares the work between archivers side by side: every entry once, none twice', async () => {
      const store = open();
      const entities = Array.from({ length: 10 }, (_, i): EntityRef => ({ entityType: 'CONTAINER', code: `B-${i}` }));
      await store.commitReadings(
        entities.flatMap((entity) => [0, 1, 2, 3, 4].map((n) => plain(entity, reading(t0 + n)))),
      );
      const [a, b] = await Promise.all([drain(store, 'archiver-a', 7), drain(store, 'archiver-b', 7)]);
      const handles = [...(a ?? []), ...(b ?? [])].map((e) => e.handle);
      expect(handles).toHaveLength(50);
      expect(new Set(handles).size).toBe(50);
      expect(await store.outbox.read('archiver-c', 10)).toEqual([]);
      expect(await store.outbox.acknowledge(handles)).toBe(50);
      expect(await store.outbox.lag()).toEqual({ unacknowledged: 0, pending: 0, oldestAt: null });
    });

    it('hands an entry a dead archiver never acknowledged to another once it has been idle long enough', async () => {
      const store = open();
      await store.commitReadings([plain(box, reading(t0)), plain(sample, reading(t0))]);
      const taken = await store.outbox.read('dies', 10);
      expect(taken).toHaveLength(2);
      expect(await store.outbox.claimStale('rescuer', 60_000, 10)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 120));
      const rescued = await store.outbox.claimStale('rescuer', 100, 10);
      expect(rescued.map((e) => e.handle).sort()).toEqual(taken.map((e) => e.handle).sort());
      expect((await store.outbox.lag()).pending).toBe(2);
      expect(await store.outbox.acknowledge(rescued.map((e) => e.handle))).toBe(2);
      expect(await store.outbox.acknowledge(rescued.map((e) => e.handle))).toBe(0);
      expect((await store.outbox.lag()).unacknowledged).toBe(0);
    });

    it('trims nothing before it is acknowledged, whatever history keeps, and reports the lag', async () => {
      const store = open();
      const before = Date.now();
      for (let minute = 0; minute < 8; minute++) await store.commitReading(plain(box, reading(t0 + minute * 60_000)));
      await store.commitReading(plain(box, reading(t0 + 5 * 3600_000)));
      expect(await store.readings(box)).toHaveLength(1);
      const lag = await store.outbox.lag();
      expect(lag).toMatchObject({ unacknowledged: 9, pending: 0 });
      expect(lag.oldestAt).toBeGreaterThanOrEqual(before - 1000);
      expect(lag.oldestAt).toBeLessThanOrEqual(Date.now() + 1000);
      const first = await store.outbox.read('archiver', 4);
      expect(await store.outbox.lag()).toMatchObject({ unacknowledged: 9, pending: 4 });
      // An id that was never delivered is not acknowledged: it has not been archived.
      const rest = await store.outbox.read('archiver', 10);
      expect(await store.outbox.acknowledge([...first.map((e) => e.handle), 'garbage', '99/1-1'])).toBe(4);
      expect(await store.outbox.lag()).toMatchObject({ unacknowledged: 5, pending: 5 });
      expect(rest.map((e) => (e.kind === 'reading' ? e.reading.at : 0))).toEqual(
        [4, 5, 6, 7, 300].map((minute) => t0 + minute * 60_000),
      );
    });

    it('keeps one engine checkpoint per hour in the hot window, the newest state’s, and hands each to the archive', async () => {
      const hour = 3600_000;
      const store = open({ retention: { maxReadings: 100, maxAgeMs: 5 * hour } });
      const checkpoint = (at: number, closedBudgetMs: number) => ({
        at,
        excursions: { runs: {}, closedBudgetMs, raised: {} },
      });
      const first = monitored(box, reading(t0), 0);
      first.monitor!.checkpoints = [checkpoint(t0, 1), checkpoint(t0 + hour, 2)];
      await store.commitReading(first);
      // A replay's checkpoints replace the stored ones of their hours; a conflicting commit stores none.
      const replay = monitored(box, reading(t0 + 2 * hour), 1);
      replay.monitor!.checkpoints = [checkpoint(t0 + hour + 1, 3)];
      await store.commitReading(replay);
      const conflicting = monitored(box, reading(t0 + 3 * hour), 0);
      conflicting.monitor!.checkpoints = [checkpoint(t0 + 3 * hour, 4)];
      expect((await store.commitReading(conflicting)).status).toBe('conflict');

      expect(await store.checkpointBefore(box, t0)).toBeNull();
      expect(await store.checkpointBefore(box, t0 + 1)).toEqual(checkpoint(t0, 1));
      expect(await store.checkpointBefore(box, t0 + hour + 1)).toEqual(checkpoint(t0, 1));
      expect(await store.checkpointBefore(box, t0 + 10 * hour)).toEqual(checkpoint(t0 + hour + 1, 3));
      expect(await store.checkpointBefore(sample, t0 + 10 * hour)).toBeNull();
      const entries = (await drain(store, 'archiver')).filter((e) => e.kind === 'checkpoint');
      expect(entries.map(keyOf)).toEqual([
        'checkpoint BOX-0001 0 v1',
        `checkpoint BOX-0001 ${hour} v1`,
        `checkpoint BOX-0001 ${hour + 1} v2`,
      ]);
      expect(entries[2]).toMatchObject({ entity: box, checkpoint: checkpoint(t0 + hour + 1, 3) });

      // They leave Redis with the hot window's readings (five hours here).
      await store.commitReading(monitored(box, reading(t0 + 12 * hour), 2));
      expect(await store.checkpointBefore(box, t0 + 10 * hour)).toBeNull();
    });

    it('appends nothing when the outbox is switched off', async () => {
      const store = open({ outbox: false });
      await store.commitReading(monitored(box, reading(t0), 0, [alertEvent(box, 'RAISED', t0)]));
      expect(await store.outbox.read('archiver', 10)).toEqual([]);
      expect((await store.outbox.lag()).unacknowledged).toBe(0);
    });
  });
}
