import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { type Identity, sealIdentity } from '@bst/identity';
import { postToSubgraph, services, uniqueName } from '@bst/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryTwinStore,
  createRedisTwinStore,
  type EntityRef,
  type StoredAlert,
  type TwinReading,
  type TwinStore,
  type TwinStoreOptions,
} from '../../src/store/index.ts';
import { startTwinSubgraph } from '../../src/subgraph/index.ts';
import { type ArchiveFixture, archiveAll, catalogOf, HOUR, ingestInto, MINUTE, openTestArchive } from './support.ts';

const box: EntityRef = { entityType: 'CONTAINER', code: 'BOX-ENDED' };
const profile = refrigeratedProfile({ id: 'ended-fridge' });
const catalog = catalogOf(profile, [box]);
const t0 = Date.UTC(2026, 5, 1);
const keepMs = 200;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A day at one reading every 5 minutes, warm from 02:00 to 03:00 and from 10:00 to 10:30. */
function oneDay(): TwinReading[] {
  return Array.from({ length: 24 * 12 }, (_, n) => {
    const at = t0 + n * 5 * MINUTE;
    const minute = n * 5;
    const warm = (minute >= 120 && minute < 180) || (minute >= 600 && minute < 630);
    return { at, receivedAt: at + 20, temperatureC: warm ? 9.5 : 4.2, humidityPct: null };
  });
}

/** What an alert record says about the excursion (acknowledgement aside). */
const excursion = (a: Pick<StoredAlert, 'id' | 'kind' | 'severity' | 'startedAt' | 'endedAt' | 'peakValue'>) => ({
  id: a.id,
  kind: a.kind,
  severity: a.severity,
  startedAt: a.startedAt,
  endedAt: a.endedAt,
  peakValue: a.peakValue,
});

const stores: [string, (options: TwinStoreOptions) => TwinStore][] = [
  ['memory', (options) => createMemoryTwinStore(options)],
  ['redis', (options) => createRedisTwinStore({ ...options, redis: services.redisUrl })],
];

/**
 * Ended alerts leave the store after their keep (issue 11's bounded Redis). A very late reading whose replay corrects
 * one of them must find it again: the replay restores it from the archive first, so the correction continues its log
 * and the archive ends with the records of the sorted series (SPEC §4: any lateness within the archive's retention).
 */
describe.each(stores)('ended alerts that left the store (%s), corrected by very late readings', (_, createStore) => {
  let fixture: ArchiveFixture;
  let store: TwinStore;
  const day = oneDay();
  const late: TwinReading[] = [
    // Before the first warm spell: it started 5 minutes earlier (an UPDATED of an alert that left the store).
    { at: t0 + 117.5 * MINUTE, receivedAt: t0 + 25 * HOUR, temperatureC: 9.1, humidityPct: null },
    // Right after it ended: a new excursion between the two, which renumbers the second (WITHDRAWN, RAISED).
    { at: t0 + 182.5 * MINUTE, receivedAt: t0 + 25 * HOUR, temperatureC: 9.8, humidityPct: null },
  ];

  beforeAll(async () => {
    fixture = await openTestArchive('twin_ended_alerts');
    store = createStore({ prefix: uniqueName('ended'), partitions: 1, endedAlerts: { keepMs } });
  }, 60_000);
  afterAll(async () => {
    await store?.clear();
    await store?.close();
    await fixture?.close();
  });

  it('restores what a replay corrects, and the archive ends with the records of the sorted series', async () => {
    const ingest = ingestInto(store, catalog, fixture.archive);
    await ingest(box, day.slice(0, -1));
    await archiveAll(store, fixture.archive, catalog);
    const before = await store.alerts({ codes: [box.code] });
    expect(before.map((a) => a.state)).toEqual(['CLEARED_UNACKNOWLEDGED', 'CLEARED_UNACKNOWLEDGED']);
    await pause(keepMs + 50);
    // The next reading's commit lets them go: archived, past their keep, and out of the engine's reach.
    await ingest(box, day.slice(-1));
    expect(await store.alerts({ codes: [box.code] })).toEqual([]);
    for (const alert of before) expect(await store.alertEvents(alert.id)).toEqual([]);
    expect((await fixture.archive.alertRecords('container:BOX-ENDED', t0, t0 + 25 * HOUR)).map(excursion)).toEqual(
      before.map(excursion).reverse(),
    );

    for (const reading of late) await ingest(box, [reading]);
    await archiveAll(store, fixture.archive, catalog);

    const sorted = createMemoryTwinStore({ prefix: uniqueName('ended_sorted') });
    await ingestInto(sorted, catalog)(
      box,
      [...day, ...late].sort((a, b) => a.at - b.at),
    );
    const want = (await sorted.alerts({ codes: [box.code] })).map(excursion).reverse();
    await sorted.close();
    expect(want).toHaveLength(3);
    const archived = await fixture.archive.alertRecords('container:BOX-ENDED', t0, t0 + 25 * HOUR);
    expect(archived.map(excursion)).toEqual(want);

    // Every archived log is whole, one transition per position (a correction that started a new log would archive
    // a second position 1), and what the store holds again is the archive's record with its whole log.
    const transitions = await fixture.archive.alertTransitions(archived.map((a) => a.id));
    for (const alert of archived) {
      const log = transitions.filter((t) => t.alertId === alert.id);
      expect(log.map((t) => t.position)).toEqual(log.map((_, i) => i + 1));
    }
    const held = await store.alerts({ codes: [box.code] });
    expect(held.map((a) => a.id).sort()).toEqual(archived.map((a) => a.id).sort());
    for (const alert of held) {
      const record = archived.find((a) => a.id === alert.id);
      expect(record && excursion(record)).toEqual(excursion(alert));
      expect(await store.alertEvents(alert.id)).toEqual(
        transitions.filter((t) => t.alertId === alert.id).map((t) => t.event),
      );
    }
  }, 60_000);

  it('acknowledges through the graph an alert that left the store: restored from the archive, then acknowledged', async () => {
    const [first] = await fixture.archive.alertRecords('container:BOX-ENDED', t0, t0 + 25 * HOUR);
    const id = first?.id ?? '';
    await pause(keepMs + 50);
    await ingestInto(store, catalog, fixture.archive)(box, [{ ...(day.at(-1) as TwinReading), at: t0 + 24 * HOUR }]);
    expect(await store.alert(id)).toBeNull();
    const positions = (await fixture.archive.alertTransitions([id])).length;

    const secret = 'ended-alerts-secret';
    const subgraph = await startTwinSubgraph({ store, archive: fixture.archive, gatewaySecret: secret });
    try {
      const identity = await sealIdentity({ subject: 'night-shift', roles: ['operator'] } satisfies Identity, secret);
      const ack = (alertId: string) =>
        postToSubgraph(
          subgraph.url,
          {
            query: 'mutation ($id: ID!) { acknowledgeAlert(id: $id, note: "seen late") { id state acknowledgedBy } }',
            variables: { id: alertId },
          },
          identity,
        );
      const { body } = await ack(id);
      expect(body).toEqual({
        data: { acknowledgeAlert: { id, state: 'CLEARED_ACKNOWLEDGED', acknowledgedBy: 'night-shift' } },
      });
      // Known to nobody: still NOT_FOUND, and nothing written.
      const outboxBefore = (await store.outbox.lag()).unacknowledged;
      const unknownId = 'container:BOX-ENDED:TEMPERATURE_HIGH:99';
      const unknown = await ack(unknownId);
      expect((unknown.body as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
        'NOT_FOUND',
      );
      expect(await store.alertEvents(unknownId)).toEqual([]);
      expect((await store.outbox.lag()).unacknowledged).toBe(outboxBefore);
    } finally {
      await subgraph.stop();
    }
    await archiveAll(store, fixture.archive, catalog);
    const log = await fixture.archive.alertTransitions([id]);
    expect(log.map((t) => [t.position, t.event.transition]).at(-1)).toEqual([positions + 1, 'ACKNOWLEDGED']);
    expect((await fixture.archive.alertRecords('container:BOX-ENDED', t0, t0 + 25 * HOUR))[0]).toMatchObject({
      id,
      acknowledgedBy: 'night-shift',
      note: 'seen late',
    });
  }, 60_000);
});
