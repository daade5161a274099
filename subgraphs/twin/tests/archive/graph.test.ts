import { createHash } from 'node:crypto';
import { compliance } from '@bst/coldchain';
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { type Identity, type Role, sealIdentity } from '@bst/identity';
import { postToSubgraph, uniqueName } from '@bst/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryTwinStore, type EntityRef, type TwinReading, type TwinStore } from '../../src/store/index.ts';
import { startTwinSubgraph, type TwinSubgraph } from '../../src/subgraph/index.ts';
import { type ArchiveFixture, archiveAll, catalogOf, HOUR, ingestInto, MINUTE, openTestArchive } from './support.ts';

const secret = 'twin-archive-graph-secret';
const box: EntityRef = { entityType: 'CONTAINER', code: 'BOX-GRAPH' };
const profile = refrigeratedProfile({ id: 'graph-fridge', name: 'Graph fridge', excursionDelaySeconds: 0 });
const catalog = catalogOf(profile, [box]);
const t0 = Date.UTC(2026, 2, 1, 6, 0);
const iso = (at: number) => new Date(at).toISOString();

/** Three days at one reading a minute; day one has a 40-minute warm spell. */
function threeDays(): TwinReading[] {
  const readings: TwinReading[] = [];
  for (let m = 0; m < 3 * 24 * 60; m++) {
    const at = t0 + m * MINUTE;
    readings.push({ at, receivedAt: at, temperatureC: m >= 60 && m < 100 ? 11 : 5, humidityPct: null });
  }
  return readings;
}

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

describe('the twin graph over the archive', () => {
  let fixture: ArchiveFixture;
  let store: TwinStore;
  let subgraph: TwinSubgraph;
  const series = threeDays();
  const query = async <T>(text: string, variables: Record<string, unknown> = {}, role: Role = 'viewer') => {
    const identity = await sealIdentity({ subject: `test-${role}`, roles: [role] } satisfies Identity, secret);
    const { body } = await postToSubgraph(subgraph.url, { query: text, variables }, identity);
    return body as Answer<T>;
  };
  const entity = (fields: string) =>
    `query${fields.includes('$since') ? '($since: DateTime, $until: DateTime)' : ''} { _entities(representations: [{ __typename: "Container", code: "BOX-GRAPH" }]) { ... on Container { ${fields} } } }`;

  beforeAll(async () => {
    fixture = await openTestArchive('twin_archive_graph', 5);
    // A six-hour hot window: the first day and a half exist only in the archive.
    store = createMemoryTwinStore({ prefix: uniqueName('graph'), retention: { maxAgeMs: 6 * HOUR } });
    await store.cacheCatalog(catalog, 3600);
    await ingestInto(store, catalog)(box, series);
    await store.acknowledgeAlert((await store.alerts({ codes: [box.code] }))[0]!.id, {
      by: 'auditor-test',
      note: 'door left open, product moved',
      at: t0 + 2 * HOUR,
    });
    await archiveAll(store, fixture.archive, catalog);
    subgraph = await startTwinSubgraph({
      store,
      archive: fixture.archive,
      gatewaySecret: secret,
      now: () => t0 + 3 * 24 * HOUR,
    });
  }, 120_000);
  afterAll(async () => {
    await subgraph?.stop();
    await store?.close();
    await fixture?.close();
  });

  it('answers compliance over three days from the archive as the engine does over the whole series', async () => {
    const window = { since: t0, until: t0 + 3 * 24 * HOUR };
    const answer = await query<{ _entities: { compliance: Record<string, unknown> }[] }>(
      entity(
        'compliance(since: $since, until: $until) { readings timeInRangePct excursionMinutes budgetUsedMinutes excursionCount mktC }',
      ),
      { since: iso(window.since), until: iso(window.until) },
    );
    expect(answer.errors).toBeUndefined();
    const want = compliance(series, profile, window);
    expect(answer.data?._entities[0]?.compliance).toEqual({
      readings: want.readings,
      timeInRangePct: want.timeInRangePct,
      excursionMinutes: want.excursionMinutes,
      budgetUsedMinutes: 40,
      excursionCount: 1,
      mktC: want.mktC,
    });
  });

  it('returns a bounded page from a bare readings, and pages through everything with readingHistory', async () => {
    const bare = await query<{ _entities: { readings: { at: string }[] }[] }>(entity('readings { at }'));
    expect(bare.data?._entities[0]?.readings.map((r) => r.at)).toEqual(series.slice(-100).map((r) => iso(r.at)));
    const old = await query<{ _entities: { readings: { at: string }[] }[] }>(
      entity('readings(since: $since, until: $until) { at }'),
      { since: iso(t0), until: iso(t0 + 10 * MINUTE) },
    );
    expect(old.data?._entities[0]?.readings).toHaveLength(11);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Answer<{
        _entities: {
          readingHistory: {
            edges: { cursor: string; node: { at: string } }[];
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        }[];
      }> = await query(
        `query($after: String) { _entities(representations: [{ __typename: "Container", code: "BOX-GRAPH" }]) { ... on Container { readingHistory(first: 1000, after: $after) { edges { cursor node { at } } pageInfo { hasNextPage endCursor } } } } }`,
        { after },
      );
      const history = page.data!._entities[0]!.readingHistory;
      seen.push(...history.edges.map((e) => e.node.at));
      if (!history.pageInfo.hasNextPage) break;
      after = history.pageInfo.endCursor;
    }
    expect(seen).toEqual(series.map((r) => iso(r.at)));
    const tooMany = await query(entity('readingHistory(first: 5000) { edges { cursor } }'));
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it("gives the auditor's record with every excursion, its transitions and the acknowledgement note, and digests that match", async () => {
    const answer = await query<{
      _entities: {
        temperatureRecord: {
          json: string;
          jsonSha256: string;
          csv: string;
          csvSha256: string;
          readings: number;
          alertCount: number;
        };
      }[];
    }>(
      entity('temperatureRecord(since: $since, until: $until) { json jsonSha256 csv csvSha256 readings alertCount }'),
      {
        since: iso(t0),
        until: iso(t0 + 6 * HOUR),
      },
    );
    expect(answer.errors).toBeUndefined();
    const record = answer.data!._entities[0]!.temperatureRecord;
    expect(record.jsonSha256).toBe(createHash('sha256').update(record.json, 'utf8').digest('hex'));
    expect(record.csvSha256).toBe(createHash('sha256').update(record.csv, 'utf8').digest('hex'));
    const document = JSON.parse(record.json);
    expect(document).toMatchObject({
      format: 'bst-temperature-record/1',
      subject: { type: 'CONTAINER', code: 'BOX-GRAPH' },
      profile: { name: 'Graph fridge', minTempC: 2, maxTempC: 8 },
      summary: { readings: 361 },
    });
    const [section] = document.containers;
    expect(section.readings).toHaveLength(361);
    const [alert] = section.alerts;
    expect(alert).toMatchObject({
      kind: 'TEMPERATURE_HIGH',
      note: 'door left open, product moved',
      acknowledgedBy: 'auditor-test',
    });
    expect(alert.transitions.map((t: { transition: string }) => t.transition)).toEqual([
      'RAISED',
      'CLEARED',
      'ACKNOWLEDGED',
    ]);
    expect(record.csv).toContain('door left open, product moved');
    // The same archive gives the same bytes: a stored copy can be checked against a later export.
    const again = await query<typeof answer.data>(
      entity('temperatureRecord(since: $since, until: $until) { jsonSha256 csvSha256 }'),
      {
        since: iso(t0),
        until: iso(t0 + 6 * HOUR),
      },
    );
    expect(again.data?._entities[0]?.temperatureRecord).toEqual({
      jsonSha256: record.jsonSha256,
      csvSha256: record.csvSha256,
    });
  });

  it('refuses since after until and a window beyond retention, naming the field, and writes nothing', async () => {
    const before = await fixture.archive.counts();
    const reversed = await query(entity('compliance(since: $since, until: $until) { readings }'), {
      since: iso(t0 + HOUR),
      until: iso(t0),
    });
    expect(reversed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'since' });
    const ancient = await query(entity('compliance(since: $since, until: $until) { readings }'), {
      since: iso(t0 - 6 * 365 * 24 * HOUR),
      until: iso(t0),
    });
    expect(ancient.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'since' });
    const record = await query(entity('temperatureRecord(since: $since, until: $until) { csv }'), {
      since: iso(t0 + HOUR),
      until: iso(t0),
    });
    expect(record.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'since' });
    expect(await fixture.archive.counts()).toEqual(before);
  });

  it('shows the archive lag and the archivers next to ingestStats', async () => {
    await fixture.archive.recordArchiver({
      consumer: 'graph-test',
      archived: 4320,
      errors: 0,
      lastError: null,
      perSecond: 12.5,
    });
    const answer = await query<{ archiveStats: Record<string, unknown> }>(
      '{ archiveStats { enabled lagEntries pendingEntries lagSeconds archived retentionYears archivers { consumer archived } } }',
    );
    expect(answer.data?.archiveStats).toEqual({
      enabled: true,
      lagEntries: 0,
      pendingEntries: 0,
      lagSeconds: 0,
      archived: 4320,
      retentionYears: 5,
      archivers: [{ consumer: 'graph-test', archived: 4320 }],
    });
  });
});
