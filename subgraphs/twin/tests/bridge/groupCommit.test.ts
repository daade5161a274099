import { createRedisTestPrefix } from '@bst/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistory } from '../../src/archive/createHistory.ts';
import { catalogView, createGroupCommit } from '../../src/bridge/index.ts';
import { replayFrom } from '../../src/bridge/ingest/replayVeryLate.ts';
import { createRedisTwinStore, type EntityRef, type TwinReading, type TwinStore } from '../../src/store/index.ts';
import { comparable, expectedAlerts, readingStream, type StreamReading } from '../support/readingStream.ts';
import { catalogFor, refrigerated } from '../support/stubCore.ts';

const MINUTE = 60_000;
const redis = createRedisTestPrefix('twin_group_commit');
// Judged at once and never stale within a test: every hot reading counts, nothing depends on the wall clock.
const profile = { ...refrigerated, excursionDelaySeconds: 0, staleAfterSeconds: 86_400 };

const box = (code: string): EntityRef => ({ entityType: 'CONTAINER', code });
const twinReading = (r: StreamReading): TwinReading => ({
  at: r.at,
  receivedAt: r.at,
  temperatureC: r.temperature,
  humidityPct: r.humidity,
});

describe('group commit on the twin store', () => {
  let store: TwinStore;
  let n = 0;

  beforeEach(() => {
    store = createRedisTwinStore({ redis: redis.target, prefix: `${redis.prefix}:${++n}` });
  });
  afterEach(async () => {
    await store.clear();
    await store.close();
  });
  afterAll(async () => {
    await redis.cleanup();
  });

  function groupCommit(codes: string[], options: { maxBatch?: number; maxInFlight?: number } = {}) {
    const view = catalogView(catalogFor(codes, profile));
    const errors: unknown[] = [];
    const commits = createGroupCommit({ store, catalog: () => view, onError: (e) => errors.push(e), ...options });
    return { commits, errors };
  }

  async function expectStoredAsSorted(stream: StreamReading[], codes: string[]) {
    for (const code of codes) {
      const history = await store.readings(box(code));
      expect(history.map((r) => r.at)).toEqual(stream.filter((r) => r.code === code).map((r) => r.at));
      expect((await store.monitor(box(code))).version).toBe(history.length);
    }
    const alerts = await store.alerts({}, 10_000);
    expect(comparable(alerts)).toEqual(expectedAlerts(stream, profile));
    for (const alert of alerts) {
      expect((await store.alertEvents(alert.id)).filter((e) => e.transition === 'RAISED')).toHaveLength(1);
    }
  }

  it('commits readings of many containers arriving together in a few full batches, with the alerts of each container’s readings in order', async () => {
    const codes = Array.from({ length: 50 }, (_, i) => `BOX-${i}`);
    const stream = readingStream(codes, 20, Date.UTC(2026, 0, 1));
    const { commits, errors } = groupCommit(codes, { maxBatch: 256 });
    const outcomes = await Promise.all(stream.map((r) => commits.ingest(box(r.code), twinReading(r))));
    expect(outcomes.every((o) => o.status === 'stored')).toBe(true);
    const stats = commits.stats();
    expect(stats).toMatchObject({ readings: 1000, conflicts: 0, largestBatch: 256 });
    // 1,000 readings in batches of at most 256, split only where a container's run crosses a batch boundary.
    expect(stats.batches).toBeLessThanOrEqual(8);
    expect(errors).toEqual([]);
    await expectStoredAsSorted(stream, codes);
  });

  it('commits a reading that arrives alone at once, in a batch of its own', async () => {
    const { commits } = groupCommit(['BOX-1']);
    for (let i = 0; i < 5; i++) {
      const at = Date.UTC(2026, 0, 1) + i * MINUTE;
      await commits.ingest(box('BOX-1'), { at, receivedAt: at, temperatureC: 5, humidityPct: 50 });
    }
    expect(commits.stats()).toMatchObject({ batches: 5, readings: 5, largestBatch: 1 });
  });

  it('re-runs the engine on the stored state when another instance moved it, losing no alert and raising none twice', async () => {
    const codes = ['BOX-1', 'BOX-2'];
    const stream = readingStream(codes, 120, Date.UTC(2026, 0, 1));
    const thirds = [0, 1, 2].map((k) => stream.slice((k * stream.length) / 3, ((k + 1) * stream.length) / 3));
    const first = groupCommit(codes);
    const second = groupCommit(codes);
    // Each instance's cache is stale when its turn comes: the other one wrote in between.
    for (const [k, part] of thirds.entries()) {
      const instance = k === 1 ? second : first;
      await Promise.all(part.map((r) => instance.commits.ingest(box(r.code), twinReading(r))));
    }
    expect(second.commits.stats().conflicts).toBeGreaterThan(0);
    expect(first.commits.stats().conflicts).toBeGreaterThanOrEqual(thirds[2]?.length ?? 0);
    await expectStoredAsSorted(stream, codes);
    expect((await store.ingestStats()).accepted).toBe(stream.length);
  });

  it('runs a redelivered reading that shares a batch with a conflicting one through the engine exactly once', async () => {
    const start = Date.UTC(2026, 0, 1);
    const reading = (minute: number, temperatureC: number): TwinReading => ({
      at: start + minute * MINUTE,
      receivedAt: start + minute * MINUTE,
      temperatureC,
      humidityPct: 50,
    });
    const other = groupCommit(['BOX-1']);
    for (let minute = 0; minute < 5; minute++) await other.commits.ingest(box('BOX-1'), reading(minute, 5));
    // A stale instance receives the first hot reading twice (a redelivery) and the next one: the excursion starts
    // at minute 5 only if the engine judged minute 5 itself, not a copy stored beside a rejected commit.
    const { commits } = groupCommit(['BOX-1']);
    const outcomes = await Promise.all(
      [reading(5, 11), reading(5, 11), reading(6, 12)].map((r) => commits.ingest(box('BOX-1'), r)),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['stored', 'duplicate', 'stored']);
    expect((await store.monitor(box('BOX-1'))).version).toBe(7);
    const alerts = await store.alerts({}, 10);
    expect(alerts.map((a) => [a.kind, a.startedAt])).toEqual([['TEMPERATURE_HIGH', start + 5 * MINUTE]]);
    expect(await store.ingestStats()).toMatchObject({ accepted: 7, duplicates: 1 });
  });

  it('finds a redelivered reading older than the reorder horizon a duplicate, with no replay and no correction (a broker restored from an older save)', async () => {
    const start = Date.UTC(2026, 0, 1);
    // An excursion at minutes 20-29 of 200: a spurious replay of any of those readings would announce corrections.
    const reading = (minute: number): TwinReading => ({
      at: start + minute * MINUTE,
      receivedAt: start + minute * MINUTE,
      temperatureC: minute >= 20 && minute < 30 ? 11 : 5,
      humidityPct: 50,
    });
    const view = catalogView(catalogFor(['BOX-1'], profile));
    const misfits: string[] = [];
    const commits = createGroupCommit({
      store,
      catalog: () => view,
      replay: replayFrom(store, createHistory(store, null), null, (_entity, r, error) =>
        misfits.push(`${r.at}: ${error.message}`),
      ),
    });
    const alertEvents = async () =>
      (await Promise.all((await store.alerts({}, 100)).map((alert) => store.alertEvents(alert.id)))).flat();
    for (let minute = 0; minute < 200; minute++) await commits.ingest(box('BOX-1'), reading(minute));
    const events = await alertEvents();
    expect(events.length).toBeGreaterThan(0);
    // Redelivered from the oldest, through the base's last reading (minute 135) into the horizon.
    const outcomes: string[] = [];
    for (let minute = 0; minute < 200; minute++)
      outcomes.push((await commits.ingest(box('BOX-1'), reading(minute))).status);
    expect(outcomes.every((status) => status === 'duplicate')).toBe(true);
    expect(misfits).toEqual([]);
    expect(await alertEvents()).toEqual(events);
    expect((await store.monitor(box('BOX-1'))).version).toBe(200);
  });

  it('keeps readings through a failing store and stores them in order once it answers again', async () => {
    const codes = ['BOX-1', 'BOX-2', 'BOX-3'];
    const stream = readingStream(codes, 30, Date.UTC(2026, 0, 1));
    const real = store;
    let failuresLeft = 2;
    // The real store behind a connection that fails twice: what an outage looks like from the bridge.
    const failing: TwinStore = Object.assign(Object.create(real) as TwinStore, {
      commitReadings: (commits: Parameters<TwinStore['commitReadings']>[0]) =>
        failuresLeft-- > 0 ? Promise.reject(new Error('Connection is closed.')) : real.commitReadings(commits),
    });
    const view = catalogView(catalogFor(codes, profile));
    const errors: unknown[] = [];
    const commits = createGroupCommit({ store: failing, catalog: () => view, onError: (e) => errors.push(e) });
    const outcomes = await Promise.all(stream.map((r) => commits.ingest(box(r.code), twinReading(r))));
    expect(outcomes.every((o) => o.status === 'stored')).toBe(true);
    expect(errors).toHaveLength(2);
    await expectStoredAsSorted(stream, codes);
  });

  it('hands readings back (rejects them) once closed while the store fails, so the broker redelivers them', async () => {
    const codes = ['BOX-1'];
    const { commits, errors } = groupCommit(codes);
    await store.ready();
    await store.close();
    const at = Date.UTC(2026, 0, 1);
    const pending = commits.ingest(box('BOX-1'), { at, receivedAt: at, temperatureC: 5, humidityPct: 50 });
    const settled = pending.then(
      () => 'stored',
      () => 'rejected',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(errors.length).toBeGreaterThan(0);
    expect(await Promise.race([settled, 'still retrying'])).toBe('still retrying');
    commits.close();
    expect(await settled).toBe('rejected');
    store = createRedisTwinStore({ redis: redis.target, prefix: `${redis.prefix}:${++n}` });
  });
});
