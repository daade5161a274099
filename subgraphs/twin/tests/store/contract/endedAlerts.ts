import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertEventRecord,
  type EntityRef,
  type OutboxEntry,
  storedAlertId,
  type TwinStore,
} from '../../../src/store/index.ts';
import { alertEvent, type ContractHarness, plain, reading, stateAt, t0 } from './fixtures.ts';

const keepMs = 300;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ended = t0 + 60_000;
/** An engine state that folded every reading up to `horizonAt` into its base: alerts that ended by then are out of its reach. */
const stateFolded = (horizonAt: number | null) => ({ ...stateAt(t0 + 10 * 60_000), horizonAt });

/**
 * Ended alerts leave the store (issue 11: Redis holds live and recent alerts, the archive all of them): after the keep,
 * once archived and out of the engine's reach; a replay or an acknowledgement that needs one again restores it.
 */
export function describeEndedAlertsContract({ adapter, createStore, uniquePrefix }: ContractHarness) {
  describe(`ended alerts leave the store: ${adapter}`, () => {
    let store: TwinStore;
    let version: number;
    const entity: EntityRef = { entityType: 'CONTAINER', code: 'KEEP-1' };
    const high = alertEvent(entity, 'RAISED', t0);
    const low = alertEvent(entity, 'RAISED', t0, {
      alertId: storedAlertId(entity, `TEMPERATURE_LOW:${t0}`),
      kind: 'TEMPERATURE_LOW',
    });
    const cleared = alertEvent(entity, 'CLEARED', ended, { endedAt: ended });

    beforeEach(() => {
      store = createStore({ prefix: uniquePrefix(), partitions: 1, endedAlerts: { keepMs } });
      version = 0;
    });

    afterEach(async () => {
      await store.clear();
      await store.close();
    });

    /** A scheduler tick of the entity: every tick and every reading commit lets due alerts of its partition leave. */
    const tick = async (events: AlertEventRecord[] = [], horizonAt: number | null = ended) =>
      expect(
        await store.commitTick({
          entity,
          expectedVersion: version++,
          state: stateFolded(horizonAt),
          events,
          nextCheckAt: null,
        }),
      ).toEqual({ status: 'stored' });
    /** What an archiver does: takes every outbox entry and acknowledges it once committed. */
    const archive = async (): Promise<OutboxEntry[]> => {
      const entries = await store.outbox.read('contract', 1000);
      await store.outbox.acknowledge(entries.map((e) => e.handle));
      return entries;
    };
    const ids = async () => (await store.alerts({ codes: [entity.code] })).map((a) => a.id).sort();

    it('keeps an ended alert for the keep, then lets it go with its log and index entries; an open one stays', async () => {
      await tick([high, low, cleared]);
      await archive();
      await tick();
      expect(await ids()).toEqual([high.alertId, low.alertId].sort());
      await pause(keepMs + 50);
      // A reading commit of the partition sweeps too (the commit script, not only the tick's).
      const r = reading(t0 + 11 * 60_000);
      const [outcome] = await store.commitReadings([
        {
          ...plain(entity, r),
          monitor: { expectedVersion: version++, state: stateFolded(ended), events: [], nextCheckAt: null },
        },
      ]);
      expect(outcome).toEqual({ status: 'stored', late: false });
      expect(await store.alert(high.alertId)).toBeNull();
      expect(await store.alertEvents(high.alertId)).toEqual([]);
      expect(await ids()).toEqual([low.alertId]);
      expect(await store.alert(low.alertId)).toMatchObject({ state: 'ACTIVE_UNACKNOWLEDGED', endedAt: null });
    });

    it('keeps it until the archive has every transition of it', async () => {
      await tick([high, cleared]);
      await pause(keepMs + 50);
      await tick();
      expect(await store.alert(high.alertId)).toMatchObject({ endedAt: ended });
      await archive();
      await tick();
      expect(await store.alert(high.alertId)).toBeNull();
    });

    it('keeps it while the engine can still change it without a replay (it ended after horizonAt)', async () => {
      await tick([high, cleared], ended - 1);
      await archive();
      await pause(keepMs + 50);
      await tick([], ended - 1);
      expect(await store.alert(high.alertId)).toMatchObject({ endedAt: ended });
      // A state with nothing folded into its base yet can change anything.
      await pause(keepMs + 50);
      await tick([], null);
      expect(await store.alert(high.alertId)).toMatchObject({ endedAt: ended });
      // Out of reach now, and its wait has begun again at the last look.
      await tick([], ended);
      expect(await store.alert(high.alertId)).not.toBeNull();
      await pause(keepMs + 50);
      await tick([], ended);
      expect(await store.alert(high.alertId)).toBeNull();
    });

    it("lets a withdrawn alert's log go too, and keeps the log of one reopened by a correction", async () => {
      const withdrawn = alertEvent(entity, 'WITHDRAWN', ended);
      const reopened = alertEvent(entity, 'UPDATED', ended + 1, {
        alertId: low.alertId,
        kind: 'TEMPERATURE_LOW',
        endedAt: null,
      });
      await tick([
        high,
        withdrawn,
        low,
        alertEvent(entity, 'CLEARED', ended, { alertId: low.alertId, endedAt: ended }),
      ]);
      await tick([reopened]);
      await archive();
      await pause(keepMs + 50);
      await tick();
      expect(await store.alertEvents(high.alertId)).toEqual([]);
      expect(await store.alert(low.alertId)).toMatchObject({ state: 'ACTIVE_UNACKNOWLEDGED', endedAt: null });
      expect(await store.alertEvents(low.alertId)).toHaveLength(3);
    });

    it('restores one from the archive: the same record, and the next transition continues its log', async () => {
      await tick([high, cleared]);
      const archived = (await archive()).filter((e) => e.kind === 'alert-event');
      const before = await store.alert(high.alertId);
      await pause(keepMs + 50);
      await tick();
      expect(await store.alert(high.alertId)).toBeNull();

      const log = archived.map((e) => (e.kind === 'alert-event' ? e.event : null)) as AlertEventRecord[];
      expect(await store.restoreAlert(high.alertId, log)).toBe(true);
      expect(await store.alert(high.alertId)).toEqual(before);
      expect(await store.alertEvents(high.alertId)).toEqual(log);
      expect(await ids()).toEqual([high.alertId]);
      // The store still holds its log: a second restore (another bridge, the same replay) changes nothing.
      expect(await store.restoreAlert(high.alertId, log.slice(0, 1))).toBe(false);
      expect(await store.alertEvents(high.alertId)).toEqual(log);

      // A very late reading's correction reopens it: archived at the position after the archive's last.
      await tick([alertEvent(entity, 'UPDATED', ended + 5, { endedAt: null })]);
      const next = (await archive()).filter((e) => e.kind === 'alert-event');
      expect(next.map((e) => (e.kind === 'alert-event' ? [e.alertId, e.position] : null))).toEqual([
        [high.alertId, log.length + 1],
      ]);
      expect(await store.alert(high.alertId)).toMatchObject({ state: 'ACTIVE_UNACKNOWLEDGED', endedAt: null });

      // Restored and ended again, it leaves again after its own keep.
      await tick([alertEvent(entity, 'CLEARED', ended + 9, { endedAt: ended + 9 })], ended + 9);
      await archive();
      await pause(keepMs + 50);
      await tick([], ended + 9);
      expect(await store.alert(high.alertId)).toBeNull();
    });
  });
}
