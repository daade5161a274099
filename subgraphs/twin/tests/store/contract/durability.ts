import { afterEach, describe, expect, it } from 'vitest';
import { PartitionCountMismatchError, type TwinStore } from '../../../src/store/index.ts';
import { alertEvent, box, type ContractHarness, monitored, plain, reading, sample, t0 } from './fixtures.ts';

export function describeDurabilityContract({ adapter, createStore, uniquePrefix, durable }: ContractHarness) {
  describe.runIf(durable)(`reopening a store: ${adapter}`, () => {
    const stores: TwinStore[] = [];
    const open = (prefix: string, partitions?: number) => {
      const store = createStore({ prefix, ...(partitions === undefined ? {} : { partitions }) });
      stores.push(store);
      return store;
    };

    afterEach(async () => {
      const last = stores.at(-1);
      if (last) await last.clear().catch(() => {});
      for (const store of stores.splice(0)) await store.close().catch(() => {});
    });

    it('finds after a restart everything it had: live state, history, alerts, notes, logs, counters, outbox, stream', async () => {
      const prefix = uniquePrefix();
      const first = open(prefix);
      const start = await first.alertStreamCursor();
      const raised = alertEvent(box, 'RAISED', t0, { peakValue: 9.5 });
      await first.commitReadings([
        monitored(box, reading(t0, 9.5), 0, [raised], t0 + 60_000),
        plain(sample, reading(t0)),
      ]);
      await first.acknowledgeAlert(raised.alertId, { by: 'olga', note: 'freezer door left open', at: t0 + 1000 });
      await first.recordRejection(
        { reason: 'bad_json', detail: 'Unexpected token', topic: 'bio_supply/telemetry/box/B', receivedAt: t0 },
        Buffer.from('{'),
      );
      const delivered = await first.outbox.read('archiver', 1);
      await first.outbox.acknowledge(delivered.map((e) => e.handle));
      expect(await first.outbox.read('archiver', 1)).toHaveLength(1);
      const before = {
        live: await first.liveMany([box, sample]),
        readings: await first.readings(box),
        monitor: await first.monitor(box),
        alerts: await first.alerts(),
        log: await first.alertEvents(raised.alertId),
        stats: await first.ingestStats(),
        deadLetters: await first.deadLetters(),
        unacknowledged: (await first.outbox.lag()).unacknowledged,
        stream: (await first.alertEventsAfter(start)).events,
      };
      await first.close();

      const second = open(prefix);
      expect({
        live: await second.liveMany([box, sample]),
        readings: await second.readings(box),
        monitor: await second.monitor(box),
        alerts: await second.alerts(),
        log: await second.alertEvents(raised.alertId),
        stats: await second.ingestStats(),
        deadLetters: await second.deadLetters(),
        unacknowledged: (await second.outbox.lag()).unacknowledged,
        stream: (await second.alertEventsAfter(start)).events,
      }).toEqual(before);
      expect(before.alerts[0]).toMatchObject({ note: 'freezer door left open', state: 'ACTIVE_ACKNOWLEDGED' });
      expect(before.unacknowledged).toBe(3);
      // Entries delivered but never acknowledged before the restart are there for an archiver again.
      const reclaimed = await second.outbox.claimStale('archiver-2', 0, 10);
      const fresh = await second.outbox.read('archiver-2', 10);
      expect(new Set([...reclaimed, ...fresh].map((e) => e.handle)).size).toBe(3);
      expect(await second.claimDueChecks(t0 + 60_000, 10, 1000)).toEqual([box]);
      expect(await second.commitReading(plain(box, reading(t0)))).toEqual({ status: 'duplicate' });
    });

    it('refuses to open with another partition count than the one it was created with', async () => {
      const prefix = uniquePrefix();
      const first = open(prefix, 16);
      await first.commitReading(plain(box, reading(t0)));
      await first.close();
      const other = open(prefix, 8);
      await expect(other.ready()).rejects.toBeInstanceOf(PartitionCountMismatchError);
      await expect(other.readings(box)).rejects.toBeInstanceOf(PartitionCountMismatchError);
      await other.close();
      const same = open(prefix, 16);
      expect(await same.readings(box)).toHaveLength(1);
    });
  });
}
