import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertEventRecord,
  type EntityRef,
  type LiveState,
  storedAlertId,
  type TwinStore,
} from '../../src/store/index.ts';
import { describeAlertLifecycleContract } from './contract/alertLifecycle.ts';
import { describeAlertStreamContract } from './contract/alertStream.ts';
import { describeDurabilityContract } from './contract/durability.ts';
import { describeEndedAlertsContract } from './contract/endedAlerts.ts';
import { describeEngineStateContract } from './contract/engineState.ts';
import {
  alertEvent,
  box,
  type ContractHarness,
  monitored,
  plain,
  reading,
  sample,
  stateAt,
  t0,
  until,
} from './contract/fixtures.ts';
import { describeGroupCommitContract } from './contract/groupCommit.ts';
import { describeOutboxContract } from './contract/outbox.ts';

export type { ContractHarness, StoreFactory } from './contract/fixtures.ts';

/** One suite, run against every TwinStore adapter: they must be indistinguishable to the bridge and the subgraph. */
export function describeTwinStoreContract(harness: ContractHarness) {
  const { adapter, createStore, uniquePrefix } = harness;
  describe(`TwinStore contract: ${adapter}`, () => {
    let store: TwinStore;

    beforeEach(() => {
      store = createStore({ prefix: uniquePrefix(), retention: { maxReadings: 5, maxAgeMs: 3600_000 } });
    });

    afterEach(async () => {
      await store.clear();
      await store.close();
    });

    it('keeps a reading once per (entity, event time): a redelivery is a counted duplicate', async () => {
      expect(await store.commitReading(plain(box, reading(t0)))).toEqual({ status: 'stored', late: false });
      expect(await store.commitReading(plain(box, reading(t0, 9.9)))).toEqual({ status: 'duplicate' });
      expect(await store.commitReading(plain(sample, reading(t0)))).toEqual({ status: 'stored', late: false });
      expect(await store.readings(box)).toEqual([reading(t0)]);
      expect(await store.ingestStats()).toMatchObject({ accepted: 2, duplicates: 1 });
    });

    it('returns history oldest first, by range and by last n, whatever the arrival order', async () => {
      for (const minute of [3, 1, 4, 2, 0]) await store.commitReading(plain(box, reading(t0 + minute * 60_000)));
      const all = await store.readings(box);
      expect(all.map((r) => (r.at - t0) / 60_000)).toEqual([0, 1, 2, 3, 4]);
      const range = await store.readings(box, { since: t0 + 60_000, until: t0 + 3 * 60_000 });
      expect(range.map((r) => (r.at - t0) / 60_000)).toEqual([1, 2, 3]);
      const last = await store.readings(box, { last: 2 });
      expect(last.map((r) => (r.at - t0) / 60_000)).toEqual([3, 4]);
      const first = await store.readings(box, { since: t0 + 60_000, first: 2 });
      expect(first.map((r) => (r.at - t0) / 60_000)).toEqual([1, 2]);
      // Counts between event times, both ends excluded (what the archive compares its hourly rollups with).
      expect(
        await store.countReadings(box, [
          { after: t0, before: t0 + 3 * 60_000 },
          { after: t0 - 1, before: t0 + 10 * 60_000 },
          { after: t0 + 4 * 60_000, before: t0 + 10 * 60_000 },
        ]),
      ).toEqual([2, 5, 0]);
      expect(store.hotWindowMs).toBe(3600_000);
    });

    it('bounds history by count and by age', async () => {
      for (let minute = 0; minute < 8; minute++) await store.commitReading(plain(box, reading(t0 + minute * 60_000)));
      expect((await store.readings(box)).map((r) => (r.at - t0) / 60_000)).toEqual([3, 4, 5, 6, 7]);
      await store.commitReading(plain(box, reading(t0 + 2 * 3600_000)));
      expect((await store.readings(box)).map((r) => r.at)).toEqual([t0 + 2 * 3600_000]);
    });

    it('never moves live state backwards: a late reading goes to history and is counted late', async () => {
      await store.commitReading(plain(box, reading(t0 + 60_000, 5)));
      expect(await store.commitReading(plain(box, reading(t0, 3)))).toEqual({ status: 'stored', late: true });
      expect((await store.live(box))?.temperatureC).toBe(5);
      expect(await store.readings(box)).toHaveLength(2);
      expect(await store.ingestStats()).toMatchObject({ accepted: 2, late: 1 });
      await store.commitReading(plain(box, reading(t0 + 120_000, 6)));
      const [live, none] = await store.liveMany([box, sample]);
      expect(live?.temperatureC).toBe(6);
      expect(none).toBeNull();
      expect(await store.liveEntities()).toEqual([box]);
    });

    it('compare-and-sets the engine state: a stale version writes nothing and returns the current state', async () => {
      expect(await store.monitor(box)).toEqual({ state: null, version: 0 });
      await store.commitReading(monitored(box, reading(t0), 0));
      const conflict = await store.commitReading(monitored(box, reading(t0 + 60_000), 0));
      expect(conflict).toEqual({ status: 'conflict', current: { version: 1, state: stateAt(t0) } });
      expect(await store.readings(box)).toHaveLength(1);
      expect(await store.commitReading(monitored(box, reading(t0 + 60_000), 1))).toMatchObject({ status: 'stored' });
      expect(await store.monitor(box)).toEqual({ version: 2, state: stateAt(t0 + 60_000) });
    });

    it('lets exactly one of two concurrent writers of the same version win', async () => {
      await store.commitReading(monitored(box, reading(t0), 0));
      const outcomes = await Promise.all([
        store.commitReading(monitored(box, reading(t0 + 1000), 1)),
        store.commitReading(monitored(box, reading(t0 + 2000), 1)),
        store.commitTick({ entity: box, expectedVersion: 1, state: stateAt(t0), events: [], nextCheckAt: null }),
      ]);
      expect(outcomes.filter((o) => o.status === 'stored')).toHaveLength(1);
      expect((await store.monitor(box)).version).toBe(2);
    });

    it('records an alert once however often its raise is replayed, and folds its transitions', async () => {
      const raised = alertEvent(box, 'RAISED', t0);
      await store.commitReading(monitored(box, reading(t0, 9.5), 0, [raised]));
      await store.commitTick({
        entity: box,
        expectedVersion: 1,
        state: stateAt(t0),
        events: [raised],
        nextCheckAt: null,
      });
      const escalated = alertEvent(box, 'ESCALATED', t0 + 60_000, { severity: 'CRITICAL', peakValue: 12 });
      await store.commitReading(monitored(box, reading(t0 + 60_000, 12), 2, [escalated]));
      const cleared = alertEvent(box, 'CLEARED', t0 + 120_000, { severity: 'CRITICAL', peakValue: 12 });
      await store.commitReading(monitored(box, reading(t0 + 120_000, 5), 3, [cleared]));
      const alert = await store.alert(raised.alertId);
      expect(alert).toMatchObject({
        id: `container:BOX-0001:TEMPERATURE_HIGH:${t0}`,
        entityType: 'CONTAINER',
        code: 'BOX-0001',
        kind: 'TEMPERATURE_HIGH',
        severity: 'CRITICAL',
        state: 'CLEARED_UNACKNOWLEDGED',
        startedAt: t0,
        endedAt: t0 + 120_000,
        acknowledgedAt: null,
        peakValue: 12,
      });
      expect((await store.alertEvents(raised.alertId)).map((e) => e.transition)).toEqual([
        'RAISED',
        'ESCALATED',
        'CLEARED',
      ]);
    });

    it('amends an alert in place when a late reading corrects it: one record with the corrected start, end and peak', async () => {
      const raised = alertEvent(box, 'RAISED', t0, { peakValue: 9.5 });
      await store.commitReading(monitored(box, reading(t0, 9.5), 0, [raised]));
      await store.acknowledgeAlert(raised.alertId, { by: 'alice', at: t0 + 1000 });
      const earlier = t0 - 300_000;
      const updated = alertEvent(box, 'UPDATED', earlier, {
        startedAt: earlier,
        endedAt: t0 + 60_000,
        peakValue: 11,
        severity: 'CRITICAL',
        message: 'Temperature above range (peak 11 °C), corrected by a late reading',
      });
      await store.commitReading(monitored(box, reading(earlier, 11), 1, [updated]));
      expect(await store.alerts({ codes: ['BOX-0001'] })).toEqual([
        expect.objectContaining({
          id: raised.alertId,
          startedAt: earlier,
          endedAt: t0 + 60_000,
          peakValue: 11,
          severity: 'CRITICAL',
          state: 'CLEARED_ACKNOWLEDGED',
          acknowledgedBy: 'alice',
        }),
      ]);
      expect(await store.alerts({ since: earlier }, 10)).toHaveLength(1);
      const reopened = alertEvent(box, 'UPDATED', t0 + 2000, { startedAt: earlier, endedAt: null, peakValue: 11 });
      await store.commitReading(monitored(box, reading(t0 + 2000, 9), 2, [reopened]));
      expect(await store.alert(raised.alertId)).toMatchObject({ endedAt: null, state: 'ACTIVE_ACKNOWLEDGED' });
      expect((await store.alertEvents(raised.alertId)).map((e) => e.transition)).toEqual([
        'RAISED',
        'ACKNOWLEDGED',
        'UPDATED',
        'UPDATED',
      ]);
    });

    it('drops a withdrawn alert but keeps its log; the id can name the next excursion afresh', async () => {
      const raised = alertEvent(box, 'RAISED', t0);
      await store.commitReading(monitored(box, reading(t0, 9.5), 0, [raised]));
      const withdrawn = alertEvent(box, 'WITHDRAWN', t0 - 1000);
      await store.commitReading(monitored(box, reading(t0 - 1000, 5), 1, [withdrawn]));
      expect(await store.alert(raised.alertId)).toBeNull();
      expect(await store.alerts()).toEqual([]);
      expect(await store.alerts({ codes: ['BOX-0001'] })).toEqual([]);
      expect((await store.alertEvents(raised.alertId)).map((e) => e.transition)).toEqual(['RAISED', 'WITHDRAWN']);
      const next = alertEvent(box, 'RAISED', t0 + 60_000, { startedAt: t0 + 30_000, peakValue: 10 });
      await store.commitReading(monitored(box, reading(t0 + 60_000, 10), 2, [next]));
      expect(await store.alert(raised.alertId)).toMatchObject({
        startedAt: t0 + 30_000,
        endedAt: null,
        peakValue: 10,
        state: 'ACTIVE_UNACKNOWLEDGED',
      });
    });

    it('acknowledges an alert once: unknown id is not_found, a second acknowledgement a conflict', async () => {
      const raised = alertEvent(box, 'RAISED', t0);
      await store.commitReading(monitored(box, reading(t0, 9.5), 0, [raised]));
      expect(await store.acknowledgeAlert('container:BOX-0001:nope', { by: 'ops', at: t0 })).toEqual({
        status: 'not_found',
      });
      const first = await store.acknowledgeAlert(raised.alertId, { by: 'alice', note: 'door shut', at: t0 + 5000 });
      expect(first).toMatchObject({
        status: 'acknowledged',
        alert: { state: 'ACTIVE_ACKNOWLEDGED', acknowledgedBy: 'alice', note: 'door shut', acknowledgedAt: t0 + 5000 },
        event: { transition: 'ACKNOWLEDGED', alertId: raised.alertId, by: 'alice', note: 'door shut', at: t0 + 5000 },
      });
      const second = await store.acknowledgeAlert(raised.alertId, { by: 'bob', at: t0 + 6000 });
      expect(second).toMatchObject({ status: 'conflict', alert: { acknowledgedBy: 'alice' } });
      const cleared = alertEvent(box, 'CLEARED', t0 + 60_000);
      await store.commitReading(monitored(box, reading(t0 + 60_000, 5), 1, [cleared]));
      expect((await store.alert(raised.alertId))?.state).toBe('CLEARED_ACKNOWLEDGED');
      expect((await store.alert(raised.alertId))?.note).toBe('door shut');
    });

    it('filters alerts by entity, kind, severity and state, newest first', async () => {
      const high = alertEvent(box, 'RAISED', t0);
      const offline = alertEvent(sample, 'RAISED', t0 + 1000, {
        alertId: storedAlertId(sample, `SENSOR_OFFLINE:${t0 + 1000}`),
        kind: 'SENSOR_OFFLINE',
        startedAt: t0 + 1000,
      });
      await store.commitReading(monitored(box, reading(t0, 9.5), 0, [high]));
      await store.commitReading(monitored(sample, reading(t0 + 1000), 0, [offline]));
      expect((await store.alerts()).map((a) => a.kind)).toEqual(['SENSOR_OFFLINE', 'TEMPERATURE_HIGH']);
      expect((await store.alerts({ codes: ['BOX-0001'] })).map((a) => a.id)).toEqual([high.alertId]);
      expect((await store.alerts({ kinds: ['SENSOR_OFFLINE'] })).map((a) => a.id)).toEqual([offline.alertId]);
      expect(await store.alerts({ severities: ['CRITICAL'] })).toEqual([]);
      expect(await store.alerts({ states: ['ACTIVE_UNACKNOWLEDGED'] }, 1)).toHaveLength(1);
      expect((await store.alerts({ entityType: 'SAMPLE', codes: ['SAMPLE-0001'] })).map((a) => a.id)).toEqual([
        offline.alertId,
      ]);
    });

    it('keeps readings for unknown codes and lists them as unregistered', async () => {
      const unknown: EntityRef = { entityType: 'CONTAINER', code: 'BOX-9999' };
      await store.commitReading(plain(unknown, reading(t0), false));
      await store.commitReading(plain(unknown, reading(t0 + 1000), false));
      expect(await store.readings(unknown)).toHaveLength(2);
      expect((await store.live(unknown))?.registered).toBe(false);
      expect(await store.unregistered()).toEqual([
        { ...unknown, firstSeenAt: t0 + 50, lastSeenAt: t0 + 1050, readings: 2 },
      ]);
      expect(await store.ingestStats()).toMatchObject({ accepted: 2, unregistered: 2 });
    });

    it('pages unregistered codes, most recently seen first, ties in key order, none twice', async () => {
      const codes = ['BOX-U1', 'BOX-U2', 'BOX-U3', 'BOX-U4', 'BOX-U5'];
      // BOX-U2 and BOX-U3 are last seen in the same millisecond: the page boundary falls between them.
      const seenAt = [t0, t0 + 1000, t0 + 1000, t0 + 2000, t0 + 3000];
      for (const [i, code] of codes.entries()) {
        await store.commitReading(plain({ entityType: 'CONTAINER', code }, reading(seenAt[i]!), false));
      }
      const all = (await store.unregistered()).map((u) => u.code);
      expect(all).toEqual(['BOX-U5', 'BOX-U4', 'BOX-U3', 'BOX-U2', 'BOX-U1']);
      const pages: string[][] = [];
      let after: Awaited<ReturnType<TwinStore['unregistered']>>[number] | undefined;
      for (;;) {
        const page = await store.unregistered({ first: 2, ...(after ? { after } : {}) });
        if (page.length === 0) break;
        pages.push(page.map((u) => u.code));
        after = page.at(-1);
      }
      expect(pages).toEqual([['BOX-U5', 'BOX-U4'], ['BOX-U3', 'BOX-U2'], ['BOX-U1']]);
    });

    it('dead-letters rejected messages with their reason, newest first, payload truncated', async () => {
      await store.recordRejection(
        { reason: 'bad_json', detail: 'Unexpected token', topic: 'bio_supply/telemetry/box/B', receivedAt: t0 },
        Buffer.from('{not json'),
      );
      await store.recordRejection(
        { reason: 'oversize', detail: 'too big', topic: 'bio_supply/telemetry/box/B', receivedAt: t0 + 1 },
        Buffer.alloc(1024 * 1024, 'x'),
      );
      const letters = await store.deadLetters();
      expect(letters.map((d) => d.reason)).toEqual(['oversize', 'bad_json']);
      expect(letters[0]?.payloadBytes).toBe(1024 * 1024);
      expect(letters[0]?.payload.length).toBeLessThanOrEqual(1024);
      expect(letters[1]?.payload).toBe('{not json');
      expect((await store.ingestStats()).rejected).toBe(2);
      expect(await store.deadLetters(1)).toHaveLength(1);
    });

    it('hands each due check to one claimer only, until its lease runs out', async () => {
      await store.commitReading(monitored(box, reading(t0), 0, [], t0 + 10_000));
      await store.commitReading(monitored(sample, reading(t0), 0, [], t0 + 20_000));
      expect(await store.claimDueChecks(t0 + 5000, 10, 30_000)).toEqual([]);
      const [a, b] = await Promise.all([
        store.claimDueChecks(t0 + 15_000, 10, 30_000),
        store.claimDueChecks(t0 + 15_000, 10, 30_000),
      ]);
      expect([...(a ?? []), ...(b ?? [])]).toEqual([box]);
      expect(await store.claimDueChecks(t0 + 44_000, 10, 30_000)).toEqual([sample]);
      expect(await store.claimDueChecks(t0 + 46_000, 10, 30_000)).toEqual([box]);
      await store.commitTick({ entity: box, expectedVersion: 1, state: stateAt(t0), events: [], nextCheckAt: null });
      expect(await store.claimDueChecks(t0 + 999_000, 10, 30_000)).toEqual([sample]);
    });

    it('caches the monitoring catalog until its TTL runs out', async () => {
      expect(await store.cachedCatalog()).toBeNull();
      const catalog = { version: 'v1', profiles: [], bindings: [{ ...box, profileId: 'p1' }] };
      await store.cacheCatalog(catalog, 1);
      expect(await store.cachedCatalog()).toEqual(catalog);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await store.cachedCatalog()).toBeNull();
    });

    it('publishes alert transitions and live state changes to subscribers', async () => {
      const alertEvents: AlertEventRecord[] = [];
      const liveStates: LiveState[] = [];
      const stopAlerts = await store.subscribeAlertEvents((e) => alertEvents.push(e));
      const stopLive = await store.subscribeLiveState((l) => liveStates.push(l));
      const raised = alertEvent(box, 'RAISED', t0);
      await store.commitReading(monitored(box, reading(t0, 9.5), 0, [raised]));
      await store.commitReading(plain(box, reading(t0 - 1000)));
      await store.acknowledgeAlert(raised.alertId, { by: 'alice', at: t0 + 1 });
      await until(() => alertEvents.length === 2 && liveStates.length === 1);
      expect(alertEvents.map((e) => e.transition)).toEqual(['RAISED', 'ACKNOWLEDGED']);
      expect(alertEvents[0]).toEqual(raised);
      expect(liveStates[0]).toMatchObject({ code: 'BOX-0001', temperatureC: 9.5, at: t0 });
      await stopAlerts();
      await stopLive();
      await store.commitReading(plain(box, reading(t0 + 1000)));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(liveStates).toHaveLength(1);
    });

    it('names its channels under its prefix', () => {
      expect(store.channels.alertEvents.startsWith(`${store.prefix}:`)).toBe(true);
      expect(store.channels.liveState.startsWith(`${store.prefix}:`)).toBe(true);
    });

    it('keeps a reading older than the hot window out of history but counts it (the outbox still archives it)', async () => {
      await store.commitReading(plain(box, reading(t0 + 2 * 3600_000)));
      expect(await store.commitReading(plain(box, reading(t0)))).toEqual({ status: 'stored', late: true });
      expect((await store.readings(box)).map((r) => r.at)).toEqual([t0 + 2 * 3600_000]);
      expect(await store.ingestStats()).toMatchObject({ accepted: 2, late: 1 });
    });

    it('spreads entities over its partitions and still answers global reads across them', async () => {
      const boxes = Array.from({ length: 40 }, (_, i): EntityRef => ({ entityType: 'CONTAINER', code: `BOX-${i}` }));
      await store.commitReadings(boxes.map((entity, i) => plain(entity, reading(t0 + i * 1000), i % 2 === 0)));
      expect(store.partitions).toBe(16);
      expect(new Set((await store.liveEntities()).map((e) => e.code))).toEqual(new Set(boxes.map((e) => e.code)));
      expect((await store.liveEntities(3)).map((e) => e.code)).toEqual(['BOX-39', 'BOX-38', 'BOX-37']);
      expect(await store.ingestStats()).toMatchObject({ accepted: 40, unregistered: 20 });
      expect((await store.unregistered()).map((u) => u.code)).toEqual(
        boxes
          .filter((_, i) => i % 2 === 1)
          .map((e) => e.code)
          .reverse(),
      );
    });

    it('refuses an options set it cannot honour: braces in the prefix, a partition count out of range', () => {
      expect(() => createStore({ prefix: `${uniquePrefix()}{x}` })).toThrow(/braces/);
      expect(() => createStore({ prefix: uniquePrefix(), partitions: 0 })).toThrow(/partitions/);
    });
  });

  describeGroupCommitContract(harness);
  describeEngineStateContract(harness);
  describeOutboxContract(harness);
  describeAlertStreamContract(harness);
  describeAlertLifecycleContract(harness);
  describeEndedAlertsContract(harness);
  describeDurabilityContract(harness);
}
