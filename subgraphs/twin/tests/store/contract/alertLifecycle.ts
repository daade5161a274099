import { type Alert, foldAlertEvents } from '@bst/coldchain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertEventRecord, type EntityRef, storedAlertId, type TwinStore } from '../../../src/store/index.ts';
import { alertEvent, box, type ContractHarness, stateAt, t0, until } from './fixtures.ts';

type Step =
  | { kind: 'tick'; events: Omit<AlertEventRecord, 'entityType' | 'code' | 'alertId' | 'kind'>[]; alert: number[] }
  | { kind: 'ack'; alert: number; by: string; note: string | null | undefined };

const alertNames = ['TEMPERATURE_HIGH:1', 'TEMPERATURE_LOW:1', 'TEMPERATURE_HIGH:2'] as const;
const kindOf = (name: string) => name.split(':')[0] as AlertEventRecord['kind'];

const value = fc.integer({ min: -900, max: 900 }).map((n) => n / 10);
const time = fc.integer({ min: 0, max: 3_600_000 }).map((n) => t0 + n);
const engineEvent = fc.record(
  {
    transition: fc.constantFrom('RAISED', 'RAISED', 'ESCALATED', 'CLEARED', 'UPDATED', 'WITHDRAWN', 'ACKNOWLEDGED'),
    severity: fc.constantFrom('INFO', 'WARNING', 'CRITICAL'),
    at: time,
    startedAt: time,
    endedAt: fc.option(time, { nil: undefined }).chain((t) => fc.constantFrom(t, null)),
    peakValue: fc.option(value, { nil: undefined }),
    value: fc.option(value, { nil: undefined }),
    message: fc.string({ maxLength: 12 }),
    by: fc.option(fc.string({ minLength: 1, maxLength: 6 }), { nil: undefined }),
    note: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
    late: fc.option(fc.boolean(), { nil: undefined }),
  },
  { requiredKeys: ['transition', 'severity', 'at', 'startedAt', 'message'] },
);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('tick' as const),
    events: fc.array(engineEvent, { minLength: 1, maxLength: 4 }),
    alert: fc.array(fc.nat(alertNames.length - 1), { minLength: 4, maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('ack' as const),
    alert: fc.nat(alertNames.length - 1),
    by: fc.string({ minLength: 1, maxLength: 6 }),
    note: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
  }),
);

/** JSON as it travels through a store (undefined fields dropped). */
function stored<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function describeAlertLifecycleContract({ adapter, createStore, uniquePrefix }: ContractHarness) {
  describe(`one alert lifecycle: ${adapter}`, () => {
    let store: TwinStore;

    beforeAll(() => {
      store = createStore({ prefix: uniquePrefix() });
    });

    afterAll(async () => {
      await store.clear();
      await store.close();
    });

    it('keeps no record for a transition of an alert that has none, but logs and publishes it', async () => {
      const heard: AlertEventRecord[] = [];
      const stop = await store.subscribeAlertEvents((e) => heard.push(e));
      const entity: EntityRef = { entityType: 'CONTAINER', code: 'ORPHAN-1' };
      const escalated = alertEvent(entity, 'ESCALATED', t0 + 60_000, { severity: 'CRITICAL', peakValue: 12 });
      await store.commitTick({
        entity,
        expectedVersion: 0,
        state: stateAt(t0),
        events: [escalated],
        nextCheckAt: null,
      });
      expect(await store.alert(escalated.alertId)).toBeNull();
      expect(await store.alerts({ codes: ['ORPHAN-1'] })).toEqual([]);
      expect(await store.acknowledgeAlert(escalated.alertId, { by: 'ops', at: t0 })).toEqual({ status: 'not_found' });
      expect(await store.alertEvents(escalated.alertId)).toEqual([escalated]);
      await until(() => heard.length === 1);
      expect(heard[0]).toEqual(escalated);
      await stop();
    });

    it('passes a transition through unchanged, with fields it does not know (a late mark), to log, stream and subscribers', async () => {
      const heard: AlertEventRecord[] = [];
      const stop = await store.subscribeAlertEvents((e) => heard.push(e));
      const start = await store.alertStreamCursor();
      const entity: EntityRef = { entityType: 'SAMPLE', code: 'LATE-1' };
      const raised = { ...alertEvent(entity, 'RAISED', t0, { peakValue: 9 }), late: true } as AlertEventRecord;
      await store.commitTick({ entity, expectedVersion: 0, state: stateAt(t0), events: [raised], nextCheckAt: null });
      expect(await store.alertEvents(raised.alertId)).toEqual([raised]);
      expect((await store.alertEventsAfter(start, { codes: ['LATE-1'] })).events.map((e) => e.event)).toEqual([raised]);
      await until(() => heard.some((e) => e.code === 'LATE-1'));
      expect(heard.find((e) => e.code === 'LATE-1')).toEqual(raised);
      await stop();
    });

    it('leaves the records the engine fold leaves, for any sequence of transitions and acknowledgements', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
          const entity: EntityRef = { entityType: run % 2 === 0 ? 'CONTAINER' : 'SAMPLE', code: `PROP-${run++}` };
          const ids = alertNames.map((name) => storedAlertId(entity, name));
          const folded = new Map<string, Alert>();
          const logs = new Map<string, AlertEventRecord[]>(ids.map((id) => [id, []]));
          let version = 0;
          for (const s of steps) {
            let events: AlertEventRecord[];
            if (s.kind === 'tick') {
              events = s.events.map((e, i) => ({
                ...e,
                ...entity,
                alertId: ids[s.alert[i] as number] as string,
                kind: kindOf(alertNames[s.alert[i] as number] as string),
              }));
              const outcome = await store.commitTick({
                entity,
                expectedVersion: version++,
                state: stateAt(t0),
                events,
                nextCheckAt: null,
              });
              expect(outcome).toEqual({ status: 'stored' });
            } else {
              const outcome = await store.acknowledgeAlert(ids[s.alert] as string, { by: s.by, note: s.note, at: t0 });
              const known = folded.get(ids[s.alert] as string);
              expect(outcome.status).toBe(
                !known ? 'not_found' : known.acknowledgedAt === null ? 'acknowledged' : 'conflict',
              );
              events = outcome.status === 'acknowledged' ? [outcome.event] : [];
            }
            for (const event of events) {
              const redelivered = event.transition === 'RAISED' && folded.has(event.alertId);
              if (!redelivered) logs.get(event.alertId)?.push(stored(event));
              foldAlertEvents([event], folded);
            }
          }
          for (const id of ids) {
            const expected = folded.get(id);
            expect(await store.alert(id)).toEqual(
              expected ? { ...expected, entityType: entity.entityType, code: entity.code } : null,
            );
            expect(await store.alertEvents(id)).toEqual(logs.get(id));
          }
          const listed = await store.alerts({ codes: [entity.code], entityType: entity.entityType }, 10);
          expect(listed.map((a) => a.id).sort()).toEqual(ids.filter((id) => folded.has(id)).sort());
        }),
        { numRuns: 40 },
      );
    });

    it('keeps the alerts of a container and of a sample with the same code apart', async () => {
      const raised = alertEvent(box, 'RAISED', t0);
      await store.commitTick({
        entity: box,
        expectedVersion: 0,
        state: stateAt(t0),
        events: [raised],
        nextCheckAt: null,
      });
      const sampleTwin: EntityRef = { entityType: 'SAMPLE', code: 'BOX-0001' };
      expect(await store.alert(storedAlertId(sampleTwin, `TEMPERATURE_HIGH:${t0}`))).toBeNull();
      expect((await store.alert(raised.alertId))?.entityType).toBe('CONTAINER');
    });
  });
}
