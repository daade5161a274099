import { applyReading, applyTick, initialState, type MonitorState, REORDER_HORIZON } from '@bst/coldchain';
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import type { MonitorRecord, ReadingCommit, TwinReading, TwinStore } from '../../../src/store/index.ts';
import { box, type ContractHarness, liveOf, t0 } from './fixtures.ts';

const profile = refrigeratedProfile({ staleAfterSeconds: 3600 });

function reading(minute: number, temperatureC: number | null): TwinReading {
  return {
    at: t0 + minute * 60_000,
    receivedAt: t0 + minute * 60_000 + 50,
    temperatureC,
    humidityPct: 40 + (minute % 9),
  };
}

/** A temperature that wanders in and out of range, with fractions that JSON must carry exactly. */
const temperatureAt = (minute: number) => (minute % 23 < 4 ? 9.1 + minute / 7 : 4 + (minute % 5) * 0.3);

/** The engine's commit for one reading on `record`, optionally without the state it came from. */
function commitOf(
  record: MonitorRecord,
  r: TwinReading,
  withFrom = true,
): { commit: ReadingCommit; state: MonitorState } {
  const state = applyReading(record.state ?? initialState(), r, profile).state;
  const monitor = {
    expectedVersion: record.version,
    state,
    events: [],
    nextCheckAt: null,
    ...(withFrom ? { from: record.state } : {}),
  };
  return { commit: { entity: box, reading: r, live: liveOf(box, r), monitor }, state };
}

/**
 * The engine state goes in and comes out whole however an adapter writes it (the Redis adapter keeps the reorder
 * horizon apart and writes what changed when the commit says which state it came from).
 */
export function describeEngineStateContract({ adapter, createStore, uniquePrefix }: ContractHarness) {
  describe(`engine state: ${adapter}`, () => {
    const stores: TwinStore[] = [];
    const open = () => {
      const store = createStore({ prefix: uniquePrefix() });
      stores.push(store);
      return store;
    };

    afterEach(async () => {
      for (const store of stores.splice(0)) {
        await store.clear();
        await store.close();
      }
    });

    it('gives back the state it was given as the horizon fills, slides, takes late readings and is rewritten', async () => {
      const store = open();
      let record: MonitorRecord = { state: null, version: 0 };
      // In order past a full horizon, then late readings inside it, one commit each, some in one group commit.
      const minutes = [
        ...Array.from({ length: REORDER_HORIZON + 10 }, (_, i) => i * 2),
        151,
        139,
        147,
        ...Array.from({ length: 12 }, (_, i) => 160 + i * 2),
      ];
      for (const [i, minute] of minutes.entries()) {
        const { commit, state } = commitOf(record, reading(minute, temperatureAt(minute)), i % 17 !== 5);
        expect(await store.commitReading(commit)).toMatchObject({ status: 'stored' });
        record = { state, version: record.version + 1 };
        if (i % 9 === 0 || i >= minutes.length - 16) expect(await store.monitor(box)).toEqual(record);
      }
      expect(record.state?.horizon).toHaveLength(REORDER_HORIZON);
      const batch: ReadingCommit[] = [];
      for (const minute of [190, 185, 192, 194]) {
        const { commit, state } = commitOf(record, reading(minute, temperatureAt(minute)));
        batch.push(commit);
        record = { state, version: record.version + 1 };
      }
      expect((await store.commitReadings(batch)).map((o) => o.status)).toEqual([
        'stored',
        'stored',
        'stored',
        'stored',
      ]);
      expect(await store.monitor(box)).toEqual(record);

      // A tick (time passing) from the stored state, then a state rebuilt wholesale (as a replay does) from it.
      const ticked = applyTick(record.state as MonitorState, t0 + 400 * 60_000, profile).state;
      const tickCommit = {
        expectedVersion: record.version,
        state: ticked,
        from: record.state,
        events: [],
        nextCheckAt: null,
      };
      expect(await store.commitTick({ entity: box, ...tickCommit })).toEqual({ status: 'stored' });
      record = { state: ticked, version: record.version + 1 };
      expect(await store.monitor(box)).toEqual(record);
      let rebuilt: MonitorState = initialState();
      for (let minute = 0; minute < 100; minute++) {
        rebuilt = applyReading(rebuilt, reading(minute * 3 + 1, temperatureAt(minute) - 0.1), profile).state;
      }
      const rewrite = commitOf(record, reading(500, 5));
      rewrite.commit.monitor = { ...(rewrite.commit.monitor as NonNullable<ReadingCommit['monitor']>), state: rebuilt };
      expect(await store.commitReading(rewrite.commit)).toMatchObject({ status: 'stored' });
      record = { state: rebuilt, version: record.version + 1 };
      expect(await store.monitor(box)).toEqual(record);
    });

    it("hands back the state of the last commit stored when a group commit's chain stops on a conflict", async () => {
      const store = open();
      let record: MonitorRecord = { state: null, version: 0 };
      const batch: ReadingCommit[] = [];
      for (const minute of [0, 2, 1, 4]) {
        const { commit, state } = commitOf(record, reading(minute, temperatureAt(minute)));
        batch.push(commit);
        record = { state, version: record.version + 1 };
      }
      const stale = commitOf({ state: record.state, version: 1 }, reading(6, 5)).commit;
      const outcomes = await store.commitReadings([...batch, stale, commitOf(record, reading(8, 5)).commit]);
      expect(outcomes.slice(0, 4).map((o) => o.status)).toEqual(['stored', 'stored', 'stored', 'stored']);
      expect(outcomes.slice(4)).toEqual([
        { status: 'conflict', current: record },
        { status: 'conflict', current: record },
      ]);
      expect(await store.monitor(box)).toEqual(record);
      expect((await store.readings(box)).map((r) => (r.at - t0) / 60_000)).toEqual([0, 1, 2, 4]);
    });

    it('hands the whole stored state back with a conflict, to a commit and to a tick', async () => {
      const store = open();
      let record: MonitorRecord = { state: null, version: 0 };
      for (let minute = 0; minute < REORDER_HORIZON + 3; minute++) {
        const { commit, state } = commitOf(record, reading(minute, temperatureAt(minute)));
        await store.commitReading(commit);
        record = { state, version: record.version + 1 };
      }
      const stale = { state: record.state, version: record.version - 1 };
      const behind = commitOf(stale, reading(300, 4)).commit;
      expect(await store.commitReading(behind)).toEqual({ status: 'conflict', current: record });
      const tick = {
        expectedVersion: 1,
        state: record.state as MonitorState,
        from: null,
        events: [],
        nextCheckAt: null,
      };
      expect(await store.commitTick({ entity: box, ...tick })).toEqual({ status: 'conflict', current: record });
    });
  });
}
