import type { MonitorState } from '@bst/coldchain';
import { afterEach, describe, expect, it } from 'vitest';
import type { EntityRef, LiveState, ReadingCommit, TwinStore } from '../../../src/store/index.ts';
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
} from './fixtures.ts';

const unknown: EntityRef = { entityType: 'CONTAINER', code: 'BOX-9999' };

/** Everything a commit can change, as the graph would read it. */
async function observable(store: TwinStore, entities: EntityRef[]) {
  const alerts = await store.alerts({}, 100);
  return {
    readings: await Promise.all(entities.map((e) => store.readings(e))),
    live: await store.liveMany(entities),
    monitors: await Promise.all(entities.map((e) => store.monitor(e))),
    alerts,
    logs: await Promise.all(alerts.map((a) => store.alertEvents(a.id))),
    stats: await store.ingestStats(),
    unregistered: await store.unregistered(),
    due: await store.claimDueChecks(t0 + 3600_000, 100, 1000),
  };
}

/** The outcomes of one batch on `batched`, and of the same commits one after another on `sequential`. */
async function commitBothWays(batched: TwinStore, sequential: TwinStore, commits: ReadingCommit[]) {
  const outcomes = await batched.commitReadings(commits);
  const oneByOne = [];
  for (const commit of commits) oneByOne.push(await sequential.commitReading(commit));
  return { outcomes, oneByOne };
}

export function describeGroupCommitContract({ adapter, createStore, uniquePrefix }: ContractHarness) {
  describe(`group commit: ${adapter}`, () => {
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

    it('gives the outcomes and the state of one commit after another, in array order', async () => {
      const raised = alertEvent(box, 'RAISED', t0 + 60_000, { peakValue: 9.5 });
      const cleared = alertEvent(box, 'CLEARED', t0 + 120_000);
      const commits: ReadingCommit[] = [
        monitored(box, reading(t0), 0, [], t0 + 600_000),
        plain(unknown, reading(t0), false),
        monitored(box, reading(t0 + 60_000, 9.5), 1, [raised]),
        plain(sample, reading(t0 + 5000)),
        plain(sample, reading(t0 + 5000, 7)),
        plain(sample, reading(t0 + 1000)),
        monitored(box, reading(t0 + 120_000, 5), 2, [cleared], t0 + 900_000),
        plain(unknown, reading(t0 + 1000), false),
      ];
      const batched = open();
      const sequential = open();
      const { outcomes, oneByOne } = await commitBothWays(batched, sequential, commits);
      expect(outcomes).toEqual(oneByOne);
      expect(outcomes.map((o) => o.status)).toEqual([
        'stored',
        'stored',
        'stored',
        'stored',
        'duplicate',
        'stored',
        'stored',
        'stored',
      ]);
      expect(outcomes[5]).toEqual({ status: 'stored', late: true });
      expect(await observable(batched, [box, sample, unknown])).toEqual(
        await observable(sequential, [box, sample, unknown]),
      );
      expect((await batched.alert(raised.alertId))?.state).toBe('CLEARED_UNACKNOWLEDGED');
    });

    it('gives the outcomes and the state of one commit after another when the hot window trims inside the batch', async () => {
      const retention = { maxReadings: 3, maxAgeMs: 10_000 };
      const batched = createStore({ prefix: uniquePrefix(), retention });
      const sequential = createStore({ prefix: uniquePrefix(), retention });
      stores.push(batched, sequential);
      const commits: ReadingCommit[] = [
        plain(box, reading(t0)),
        plain(box, reading(t0 + 5000)),
        // Moves the window past the first two: their redeliveries below are stored again, late.
        plain(box, reading(t0 + 20_000)),
        plain(box, reading(t0)),
        plain(box, reading(t0 + 5000)),
        plain(box, reading(t0 + 15_000)),
        plain(box, reading(t0 + 15_000)),
        ...[1000, 2000, 3000, 4000].map((ms) => plain(sample, reading(t0 + ms))),
        // The cap of three dropped the first: stored again; the third is still there: a duplicate.
        plain(sample, reading(t0 + 1000)),
        plain(sample, reading(t0 + 3000)),
      ];
      const { outcomes, oneByOne } = await commitBothWays(batched, sequential, commits);
      expect(outcomes).toEqual(oneByOne);
      expect(outcomes.map((o) => o.status)).toContain('duplicate');
      expect(outcomes[3]).toEqual({ status: 'stored', late: true });
      expect(outcomes[11]).toEqual({ status: 'stored', late: true });
      expect(await observable(batched, [box, sample])).toEqual(await observable(sequential, [box, sample]));
    });

    it("publishes each entity's newest live state of a batch once, after its writes", async () => {
      const store = open();
      const published: LiveState[] = [];
      const stop = await store.subscribeLiveState((live) => published.push(live));
      await store.commitReadings([
        plain(box, reading(t0)),
        plain(sample, reading(t0 + 1000)),
        plain(box, reading(t0 + 2000)),
        plain(box, reading(t0 + 1000)),
        plain(sample, reading(t0 + 500)),
      ]);
      await until(() => published.length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await stop();
      expect(published.map((live) => [live.code, live.at - t0])).toEqual([
        [box.code, 2000],
        [sample.code, 1000],
      ]);
      expect(published[0]).toEqual(await store.live(box));
    });

    it('stops an entity after a conflict: its later engine commits in the batch are not written; others are', async () => {
      const store = open();
      await store.commitReading(monitored(box, reading(t0), 0));
      // Another bridge moved the box to version 2 meanwhile; this batch still believed version 1.
      await store.commitReading(monitored(box, reading(t0 + 1000), 1));
      const outcomes = await store.commitReadings([
        monitored(box, reading(t0 + 2000), 1),
        plain(sample, reading(t0 + 2000)),
        monitored(box, reading(t0 + 3000), 2, [alertEvent(box, 'RAISED', t0 + 3000)]),
        plain(box, reading(t0 + 4000)),
      ]);
      const current = { version: 2, state: stateAt(t0 + 1000) };
      expect(outcomes).toEqual([
        { status: 'conflict', current },
        { status: 'stored', late: false },
        { status: 'conflict', current },
        { status: 'stored', late: false },
      ]);
      expect((await store.readings(box)).map((r) => r.at - t0)).toEqual([0, 1000, 4000]);
      expect(await store.alerts()).toEqual([]);
      expect(await store.monitor(box)).toEqual(current);
    });

    it('treats an engine commit found to be a duplicate like a conflict for the rest of its entity', async () => {
      const store = open();
      await store.commitReading(monitored(box, reading(t0), 0));
      const outcomes = await store.commitReadings([
        monitored(box, reading(t0), 1),
        monitored(box, reading(t0 + 1000), 2),
      ]);
      expect(outcomes).toEqual([
        { status: 'duplicate' },
        { status: 'conflict', current: { version: 1, state: stateAt(t0) } },
      ]);
      expect(await store.monitor(box)).toEqual({ version: 1, state: stateAt(t0) });
    });

    it("gives the outcomes and the state of one commit after another for a chain of one entity's engine commits", async () => {
      // Each step's state has a reorder horizon of its readings so far, written as changes to the one before.
      const times = [t0, t0 + 2000, t0 + 1000, t0 + 3000];
      const chain = (entity: EntityRef) => {
        let from: MonitorState | null = null;
        return times.map((at, version): ReadingCommit => {
          const commit = monitored(
            entity,
            reading(at, version === 1 ? 9.5 : 4.2),
            version,
            version === 1 ? [alertEvent(entity, 'RAISED', at, { peakValue: 9.5 })] : [],
            t0 + 600_000 + version * 1000,
          );
          const seen = times.slice(0, version + 1).sort((a, b) => a - b);
          const state: MonitorState = { ...stateAt(Math.max(...seen)), horizon: seen.map((ms) => [ms, 4.2, 55]) };
          commit.monitor = { ...(commit.monitor as NonNullable<ReadingCommit['monitor']>), state, from };
          from = state;
          return commit;
        });
      };
      // The sample's chain ends on a late reading: its newest is a link.
      const commits = [...chain(box), plain(sample, reading(t0 - 1000)), ...chain(sample).slice(0, 3)];
      const batched = open();
      const sequential = open();
      const { outcomes, oneByOne } = await commitBothWays(batched, sequential, commits);
      expect(outcomes).toEqual(oneByOne);
      expect(outcomes[2]).toEqual({ status: 'stored', late: true });
      expect((await batched.monitor(box)).version).toBe(4);
      expect(await batched.live(box)).toMatchObject({ at: t0 + 3000 });
      expect(await observable(batched, [box, sample])).toEqual(await observable(sequential, [box, sample]));
    });

    it('gives the outcomes of one commit after another for a chain one of whose readings is already stored', async () => {
      const batched = open();
      const sequential = open();
      const commits = [0, 1000, 2000].map((ms, version) => monitored(box, reading(t0 + ms), version));
      for (const store of [batched, sequential]) await store.commitReading(plain(box, reading(t0 + 1000)));
      const { outcomes, oneByOne } = await commitBothWays(batched, sequential, commits);
      expect(outcomes).toEqual(oneByOne);
      expect(outcomes.map((o) => o.status)).toEqual(['stored', 'duplicate', 'conflict']);
      expect(await observable(batched, [box])).toEqual(await observable(sequential, [box]));
    });

    it('writes nothing of a chain whose first engine commit conflicts', async () => {
      const store = open();
      await store.commitReading(monitored(box, reading(t0), 0));
      const outcomes = await store.commitReadings([
        monitored(box, reading(t0 + 1000), 3),
        monitored(box, reading(t0 + 2000), 4, [alertEvent(box, 'RAISED', t0 + 2000)]),
      ]);
      const current = { version: 1, state: stateAt(t0) };
      expect(outcomes).toEqual([
        { status: 'conflict', current },
        { status: 'conflict', current },
      ]);
      expect((await store.readings(box)).map((r) => r.at - t0)).toEqual([0]);
      expect(await store.alerts()).toEqual([]);
      expect(await store.live(box)).toMatchObject({ at: t0 });
    });

    it('commits a batch spread over many entities and partitions, and an empty one', async () => {
      const store = open();
      expect(await store.commitReadings([])).toEqual([]);
      const entities = Array.from({ length: 64 }, (_, i): EntityRef => ({ entityType: 'SAMPLE', code: `S-${i}` }));
      const outcomes = await store.commitReadings(
        entities.flatMap((entity) => [0, 1, 2].map((n) => monitored(entity, reading(t0 + n * 1000), n))),
      );
      expect(outcomes.every((o) => o.status === 'stored')).toBe(true);
      expect((await store.ingestStats()).accepted).toBe(192);
      for (const entity of entities.slice(0, 5)) expect((await store.monitor(entity)).version).toBe(3);
    });
  });
}
