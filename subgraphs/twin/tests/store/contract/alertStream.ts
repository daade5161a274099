import { afterEach, describe, expect, it } from 'vitest';
import {
  type AlertEventFollower,
  type AlertEventRecord,
  CursorExpiredError,
  type CursoredAlertEvent,
  type EntityRef,
  InvalidCursorError,
  type TwinStore,
  type TwinStoreOptions,
} from '../../../src/store/index.ts';
import { alertEvent, box, type ContractHarness, monitored, reading, stateAt, t0 } from './fixtures.ts';

const fleet = Array.from({ length: 5 }, (_, i): EntityRef => ({ entityType: 'CONTAINER', code: `BOX-S${i}` }));

function idOf(event: AlertEventRecord): string {
  return `${event.code} ${event.transition} ${event.at - t0}`;
}

/** Per entity, the order its events came in: what the stream promises across partitions. */
function byEntity(ids: string[]): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const id of ids) {
    const code = id.split(' ')[0] as string;
    grouped[code] = [...(grouped[code] ?? []), id];
  }
  return grouped;
}

async function take(follower: AlertEventFollower, count: number, timeoutMs = 10_000): Promise<CursoredAlertEvent[]> {
  const events: CursoredAlertEvent[] = [];
  const timeout = setTimeout(() => void follower.return(), timeoutMs);
  try {
    while (events.length < count) {
      const next = await follower.next();
      if (next.done) throw new Error(`follower ended after ${events.length} of ${count} events`);
      events.push(next.value);
    }
  } finally {
    clearTimeout(timeout);
  }
  return events;
}

/** Commits `count` transitions spread over the fleet (a RAISED each, then escalations), one tick each. */
function transitions(store: TwinStore) {
  const versions = new Map<string, number>();
  let n = 0;
  return async (count: number, entities = fleet): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++, n++) {
      const entity = entities[n % entities.length] as EntityRef;
      const version = versions.get(entity.code) ?? 0;
      const event = alertEvent(entity, version === 0 ? 'RAISED' : 'ESCALATED', t0 + n * 1000, { peakValue: n });
      await store.commitTick({
        entity,
        expectedVersion: version,
        state: stateAt(t0),
        events: [event],
        nextCheckAt: null,
      });
      versions.set(entity.code, version + 1);
      ids.push(idOf(event));
    }
    return ids;
  };
}

export function describeAlertStreamContract({ adapter, createStore, uniquePrefix }: ContractHarness) {
  describe(`alert event stream: ${adapter}`, () => {
    const stores: TwinStore[] = [];
    const followers: AlertEventFollower[] = [];
    const open = (options: TwinStoreOptions = {}) => {
      const store = createStore({ prefix: uniquePrefix(), ...options });
      stores.push(store);
      return store;
    };
    const follow = async (store: TwinStore, options: Parameters<TwinStore['followAlertEvents']>[0]) => {
      const follower = await store.followAlertEvents(options);
      followers.push(follower);
      return follower;
    };

    afterEach(async () => {
      for (const follower of followers.splice(0)) await follower.return();
      for (const store of stores.splice(0)) {
        await store.clear();
        await store.close();
      }
    });

    it('replays from any cursor exactly the events after it, in order per alert, page by page', async () => {
      const store = open();
      const start = await store.alertStreamCursor();
      const committed = await transitions(store)(12);
      const all = (await store.alertEventsAfter(start)).events;
      const ids = all.map((e) => idOf(e.event));
      expect(new Set(ids)).toEqual(new Set(committed));
      expect(byEntity(ids)).toEqual(byEntity(committed));
      for (const k of [0, 4, 10, 11]) {
        const after = await store.alertEventsAfter((all[k] as CursoredAlertEvent).cursor);
        expect(after.events.map((e) => idOf(e.event))).toEqual(ids.slice(k + 1));
      }
      const pages = [];
      let cursor = start;
      for (;;) {
        const page = await store.alertEventsAfter(cursor, {}, 5);
        pages.push(page.events.length);
        cursor = page.cursor;
        if (!page.more) break;
      }
      expect(pages).toEqual([5, 5, 2]);
      expect((await store.alertEventsAfter(cursor)).events).toEqual([]);
      const one = await store.alertEventsAfter(start, { codes: ['BOX-S1'] });
      expect(one.events.map((e) => idOf(e.event))).toEqual(byEntity(committed)['BOX-S1']);
      expect((await store.alertEventsAfter(one.cursor)).events).toEqual([]);
    });

    it('carries the record each transition left: acknowledged after ACKNOWLEDGED, none after WITHDRAWN', async () => {
      const store = open();
      const start = await store.alertStreamCursor();
      const raised = alertEvent(box, 'RAISED', t0, { peakValue: 9.5 });
      await store.commitReading(monitored(box, reading(t0, 9.5), 0, [raised]));
      await store.acknowledgeAlert(raised.alertId, { by: 'alice', note: 'door', at: t0 + 1000 });
      await store.commitReading(monitored(box, reading(t0 - 5000), 1, [alertEvent(box, 'WITHDRAWN', t0 - 5000)]));
      const { events } = await store.alertEventsAfter(start);
      expect(events.map((e) => [e.event.transition, e.alert?.state ?? null])).toEqual([
        ['RAISED', 'ACTIVE_UNACKNOWLEDGED'],
        ['ACKNOWLEDGED', 'ACTIVE_ACKNOWLEDGED'],
        ['WITHDRAWN', null],
      ]);
      expect(events[1]?.alert).toMatchObject({
        acknowledgedBy: 'alice',
        note: 'door',
        peakValue: 9.5,
        code: 'BOX-0001',
      });
    });

    it('follows from a cursor: the missed events, then live ones, each once, also those committed during the replay', async () => {
      const store = open();
      const commit = transitions(store);
      const start = await store.alertStreamCursor();
      await commit(30);
      const replayed = (await store.alertEventsAfter(start)).events.map((e) => idOf(e.event));
      const tenth = (await store.alertEventsAfter(start, {}, 10)).cursor;
      const follower = await follow(store, { after: tenth });
      const first = await take(follower, 1);
      const later = commit(20);
      const rest = await take(follower, 39);
      const ids = [...first, ...rest].map((e) => idOf(e.event));
      const expected = [...replayed.slice(10), ...(await later)];
      expect(new Set(ids).size).toBe(40);
      expect(new Set(ids)).toEqual(new Set(expected));
      expect(byEntity(ids)).toEqual(byEntity(expected));
    });

    it('resumes with the cursor of the last event a client saw: what happened while it was away, then live', async () => {
      const store = open();
      const commit = transitions(store);
      const live = await follow(store, {});
      const firstFive = commit(5);
      const seen = await take(live, 5);
      expect(new Set(seen.map((e) => idOf(e.event)))).toEqual(new Set(await firstFive));
      await live.return();
      const missed = await commit(5);
      const resumed = await follow(store, { after: (seen.at(-1) as CursoredAlertEvent).cursor });
      const next = commit(3);
      const got = (await take(resumed, 8)).map((e) => idOf(e.event));
      const expected = [...missed, ...(await next)];
      expect(new Set(got)).toEqual(new Set(expected));
      expect(byEntity(got)).toEqual(byEntity(expected));
    });

    it('loses nothing for a follower too slow for its buffer: it reads the stream again', async () => {
      const store = open();
      const commit = transitions(store);
      const follower = await follow(store, { maxBuffered: 2 });
      const committed = await commit(15);
      const got = (await take(follower, 15)).map((e) => idOf(e.event));
      expect(new Set(got)).toEqual(new Set(committed));
      expect(byEntity(got)).toEqual(byEntity(committed));
    });

    it('refuses a cursor whose events were trimmed, or from a store since reset, and one that is not a cursor', async () => {
      const store = open({ alertStream: { maxLength: 3 } });
      const commit = transitions(store);
      const start = await store.alertStreamCursor();
      await commit(8, [box]);
      await expect(store.alertEventsAfter(start)).rejects.toBeInstanceOf(CursorExpiredError);
      await expect(store.followAlertEvents({ after: start })).rejects.toBeInstanceOf(CursorExpiredError);
      await expect(store.alertEventsAfter('nonsense')).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(store.alertEventsAfter('a0.1.2')).rejects.toBeInstanceOf(InvalidCursorError);
      const recent = await store.alertStreamCursor();
      await store.clear();
      await expect(store.alertEventsAfter(recent)).rejects.toBeInstanceOf(CursorExpiredError);
    });

    it('keeps the stream by age: a cursor past the trimmed events still resumes', async () => {
      const store = open({ alertStream: { maxAgeMs: 50 } });
      const commit = transitions(store);
      const start = await store.alertStreamCursor();
      await commit(2, [box]);
      const second = (await store.alertEventsAfter(start)).events.at(-1) as CursoredAlertEvent;
      await new Promise((resolve) => setTimeout(resolve, 120));
      const third = await commit(1, [box]);
      await expect(store.alertEventsAfter(start)).rejects.toBeInstanceOf(CursorExpiredError);
      expect((await store.alertEventsAfter(second.cursor)).events.map((e) => idOf(e.event))).toEqual(third);
    });
  });
}
