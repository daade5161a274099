import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryTwinStore, type TwinStore } from '../../src/store/index.ts';
import { alertEvent, box, monitored, plain, reading, sample, t0 } from './contract/fixtures.ts';

/** What a restart must not lose. */
async function everything(store: TwinStore) {
  const alerts = await store.alerts();
  return {
    live: await store.liveMany([box, sample]),
    readings: await store.readings(box),
    monitor: await store.monitor(box),
    alerts,
    logs: await Promise.all(alerts.map((a) => store.alertEvents(a.id))),
    stats: await store.ingestStats(),
    outbox: (await store.outbox.lag()).unacknowledged,
  };
}

async function writeSome(store: TwinStore, from = 0, count = 5): Promise<void> {
  for (let i = from; i < from + count; i++) {
    await store.commitReading(plain(sample, reading(t0 + i * 60_000, 4 + i / 10)));
  }
  if (from === 0) {
    const raised = alertEvent(box, 'RAISED', t0, { peakValue: 9.5 });
    await store.commitReading(monitored(box, reading(t0, 9.5), 0, [raised]));
    await store.acknowledgeAlert(raised.alertId, { by: 'olga', note: 'door shut', at: t0 + 1000 });
  }
}

describe('the memory store kept on disk', () => {
  let dir: string;
  const opened: TwinStore[] = [];
  const open = (journal?: { compactBytes?: number }) => {
    const store = createMemoryTwinStore({ dataDir: dir, ...(journal ? { journal } : {}) });
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bst-memory-store-'));
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing it acknowledged when the process dies without closing it', async () => {
    const first = open();
    await writeSome(first);
    const before = await everything(first);
    expect(before.alerts[0]).toMatchObject({ note: 'door shut', acknowledgedBy: 'olga' });
    const second = open();
    expect(await everything(second)).toEqual(before);
  });

  it('replays a journal whose last line a crash tore in half', async () => {
    const first = open();
    await writeSome(first);
    const before = await everything(first);
    appendFileSync(join(dir, 'journal.ndjson'), '{"s":999,"r":{"t":"readings","p":3,"comm');
    expect(await everything(open())).toEqual(before);
  });

  it('refuses to start on a journal corrupt before its end, rather than silently dropping what follows', async () => {
    const first = open();
    await writeSome(first);
    const journal = join(dir, 'journal.ndjson');
    const lines = readFileSync(journal, 'utf8').split('\n');
    appendFileSync(journal, `not json\n${lines[0]}\n`);
    expect(() => open()).toThrow(/corrupt/);
  });

  it('folds the journal into a snapshot as it grows and still restores everything', async () => {
    const first = open({ compactBytes: 4096 });
    await writeSome(first, 0, 40);
    expect(statSync(join(dir, 'journal.ndjson')).size).toBeLessThan(4096 + 4096);
    expect(statSync(join(dir, 'snapshot.json')).size).toBeGreaterThan(0);
    const before = await everything(first);
    await first.close();
    const second = open();
    expect(await everything(second)).toEqual(before);
    await writeSome(second, 40, 2);
    expect((await second.readings(sample)).length).toBe(42);
  });

  it('starts empty in a new directory and in memory without one', async () => {
    expect(await everything(open())).toMatchObject({ live: [null, null], alerts: [], outbox: 0 });
    const inMemory = createMemoryTwinStore();
    opened.push(inMemory);
    await writeSome(inMemory);
    expect(await createMemoryTwinStore().readings(sample)).toEqual([]);
  });
});
