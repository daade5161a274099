import { initialState } from '@bst/coldchain';
import { createRedisTestPrefix, type RedisTestPrefix } from '@bst/testing';
import {
  type AlertEventRecord,
  CursorExpiredError,
  createRedisTwinStore,
  type EntityRef,
  storedAlertId,
  type TwinStore,
  type TwinStoreOptions,
} from '@bst/twin';
import { afterEach, describe, expect, it } from 'vitest';
import { alertEventKey } from '../support/soak/followAlerts.ts';
import { recordAlertStream } from '../support/soak/recordAlertStream.ts';

const t0 = Date.UTC(2026, 10, 30, 12);
const fleet = Array.from({ length: 4 }, (_, i): EntityRef => ({ entityType: 'CONTAINER', code: `SOAK-R${i}` }));

const opened: { store: TwinStore; redis: RedisTestPrefix }[] = [];
function open(options: TwinStoreOptions = {}): TwinStore {
  const redis = createRedisTestPrefix('soak_record');
  const store = createRedisTwinStore({ ...options, redis: redis.url, prefix: redis.prefix });
  opened.push({ store, redis });
  return store;
}
afterEach(async () => {
  for (const { store, redis } of opened.splice(0)) {
    await store.close();
    await redis.cleanup();
  }
});

/** Commits `count` transitions, each to the next of `entities` (RAISED, then escalations); returns their keys. */
async function commit(store: TwinStore, count: number, entities = fleet): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const entity = entities[i % entities.length] as EntityRef;
    const { version } = await store.monitor(entity);
    const at = t0 + version * 60_000 + (i % entities.length) * 1000;
    const alertId = storedAlertId(entity, `TEMPERATURE_HIGH:${t0}`);
    const transition = version === 0 ? 'RAISED' : 'ESCALATED';
    const event: AlertEventRecord = {
      ...entity,
      transition,
      alertId,
      kind: 'TEMPERATURE_HIGH',
      severity: 'WARNING',
      at,
      startedAt: t0,
      value: 11,
      message: 'temperature 11 °C above 8 °C',
    };
    const state = { ...initialState(), latestAt: at };
    await store.commitTick({ entity, expectedVersion: version, state, events: [event], nextCheckAt: null });
    keys.push(alertEventKey(alertId, transition, at));
  }
  return keys;
}

/** The stream after `start` in one read: the order the record must keep (partitions interleave by commit time). */
const streamFrom = async (store: TwinStore, start: string) =>
  (await store.alertEventsAfter(start, {}, 1000)).events.map((e) => ({
    cursor: e.cursor,
    key: alertEventKey(e.event.alertId, e.event.transition, e.event.at),
  }));

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe("the soak's record of the alert stream", () => {
  it('holds every event committed while it follows, in the order of the stream, read a few at a time', async () => {
    const store = open();
    const start = await store.alertStreamCursor();
    const record = recordAlertStream(store, start, { intervalMs: 20, pageSize: 3 });
    const committed = await commit(store, 7);
    await until(() => record.events.length >= 7);
    committed.push(...(await commit(store, 9)));
    await record.catchUp();
    const inOnePage = await streamFrom(store, start);
    expect(record.events.map((e) => e.key)).toEqual(inOnePage.map((e) => e.key));
    expect(new Set(record.events.map((e) => e.key))).toEqual(new Set(committed));
    expect(record.cursor()).toBe(inOnePage.at(-1)?.cursor);
    expect(record.failedReads).toBe(0);
  });

  it('retries a failed read from the cursor it had, skipping nothing', async () => {
    const store = open();
    const start = await store.alertStreamCursor();
    const committed = await commit(store, 6);
    const asked: string[] = [];
    let failing = false;
    const flaky: Pick<TwinStore, 'alertEventsAfter'> = {
      alertEventsAfter: async (cursor, filter, limit) => {
        asked.push(cursor);
        // The second read fails, as during a Redis kill.
        if (asked.length === 2 && !failing) {
          failing = true;
          throw new Error('Connection is closed.');
        }
        return store.alertEventsAfter(cursor, filter, limit);
      },
    };
    const record = recordAlertStream(flaky, start, { intervalMs: 20, pageSize: 2 });
    await record.catchUp();
    expect(record.failedReads).toBe(1);
    expect(asked[2]).toBe(asked[1]);
    expect(record.events.map((e) => e.key)).toEqual((await streamFrom(store, start)).map((e) => e.key));
    expect(new Set(record.events.map((e) => e.key))).toEqual(new Set(committed));
  });

  it('reports a cursor whose events were trimmed away, and will not catch up past the hole', async () => {
    const store = open({ alertStream: { maxLength: 3 } });
    const start = await store.alertStreamCursor();
    await commit(store, 8, fleet.slice(0, 1));
    const reported: CursorExpiredError[] = [];
    const record = recordAlertStream(store, start, { intervalMs: 20, onExpired: (error) => reported.push(error) });
    await until(() => record.expired !== null);
    expect(record.expired).toBeInstanceOf(CursorExpiredError);
    expect(reported).toHaveLength(1);
    expect(record.events).toEqual([]);
    await expect(record.catchUp()).rejects.toBeInstanceOf(CursorExpiredError);
  });
});
