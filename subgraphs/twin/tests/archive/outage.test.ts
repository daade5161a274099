import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { GATEWAY_IDENTITY_HEADER, sealIdentity } from '@bst/identity';
import {
  graphqlOutcome,
  probeThroughOutage,
  readinessOutcome,
  relayedTestDatabase,
  relayOutages,
  timedProbe,
  uniqueName,
} from '@bst/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArchiveDatabase, ArchiveRepository, openArchiveDatabase } from '../../src/archive/index.ts';
import { createMemoryTwinStore, type EntityRef, type TwinReading, type TwinStore } from '../../src/store/index.ts';
import { startTwinSubgraph, type TwinSubgraph } from '../../src/subgraph/index.ts';
import { archiveAll, catalogOf, HOUR, ingestInto, MINUTE } from './support.ts';

const secret = 'twin-archive-outage-secret';
const answerWithinMs = 4000;
const recoverWithinMs = 5000;
const box: EntityRef = { entityType: 'CONTAINER', code: 'BOX-ARCHIVE-OUT' };
const catalog = catalogOf(refrigeratedProfile({ id: 'outage-fridge', name: 'Outage fridge' }), [box]);
const t0 = Date.UTC(2026, 5, 1);
const now = t0 + 2 * 24 * HOUR;
// Two days: the first lives only in the archive (the hot window keeps six hours), so this query must read Postgres.
const fromArchive = `{ _entities(representations: [{ __typename: "Container", code: "${box.code}" }]) {
  ... on Container { compliance(since: "${new Date(t0).toISOString()}", until: "${new Date(now).toISOString()}") { readings mktC } } } }`;
// The live state is the store's alone: an archive outage must not take it down.
const fromStore = `{ _entities(representations: [{ __typename: "Container", code: "${box.code}" }]) {
  ... on Container { live { temperatureC at } } } }`;

describe('the twin while its archive (Postgres) is away', () => {
  let database: Awaited<ReturnType<typeof relayedTestDatabase>>;
  let archiveDatabase: ArchiveDatabase;
  let store: TwinStore;
  let twin: TwinSubgraph;

  beforeAll(async () => {
    // The twin reaches Postgres through a relay the test can cut or freeze; the machine's Postgres is never touched.
    database = await relayedTestDatabase('twin_archive_outage');
    archiveDatabase = await openArchiveDatabase({ url: database.url, max: 4 });
    const archive = new ArchiveRepository(archiveDatabase, { retentionMs: 365 * 24 * HOUR, now: () => now });
    store = createMemoryTwinStore({ prefix: uniqueName('archive-outage'), retention: { maxAgeMs: 6 * HOUR } });
    await store.cacheCatalog(catalog, 3600);
    const readings: TwinReading[] = [];
    for (let at = t0; at < now; at += 5 * MINUTE)
      readings.push({ at, receivedAt: at, temperatureC: 5, humidityPct: null });
    await ingestInto(store, catalog)(box, readings);
    await archiveAll(store, archive, catalog);
    twin = await startTwinSubgraph({ store, archive, gatewaySecret: secret, now: () => now });
  }, 120_000);
  afterAll(async () => {
    database?.proxy.thaw();
    await twin?.stop();
    await store?.close();
    await archiveDatabase?.close();
    await database?.drop();
  });

  const ask = async (query: string) =>
    graphqlOutcome(
      twin.url,
      { [GATEWAY_IDENTITY_HEADER]: await sealIdentity({ subject: 'auditor', roles: ['viewer'] }, secret) },
      query,
    );
  const readiness = () => readinessOutcome(twin.url);

  it.each(relayOutages)(
    'Postgres $outage: archive reads SERVICE_UNAVAILABLE within seconds, live state still answers, recovered',
    async ({ down, up }) => {
      await expect
        .poll(async () => [await ask(fromArchive), await ask(fromStore), await readiness()], { timeout: 10_000 })
        .toEqual(['data', 'data', 'ready']);

      const { during, recoveryMs } = await probeThroughOutage({
        down: () => down(database.proxy),
        up: () => up(database.proxy),
        // Two archive reads at once: a pool whose connections all hang must not queue them past the bound.
        probes: () => [
          timedProbe('archive', () => ask(fromArchive)),
          timedProbe('archive', () => ask(fromArchive)),
          timedProbe('store', () => ask(fromStore)),
          timedProbe('/ready', readiness),
        ],
        recovered: async () => {
          const [asked, ready] = await Promise.all([ask(fromArchive), readiness()]);
          return asked === 'data' && ready === 'ready';
        },
      });
      const outcomes = (what: string) => during.filter((a) => a.what === what).map((a) => a.outcome);
      expect(outcomes('archive')).toEqual(outcomes('archive').map(() => 'unavailable'));
      expect(outcomes('store')).toEqual(outcomes('store').map(() => 'data'));
      expect(outcomes('/ready')).toEqual(outcomes('/ready').map(() => 'not-ready'));
      expect(Math.max(...during.map((a) => a.ms))).toBeLessThan(answerWithinMs);
      expect(recoveryMs).toBeLessThan(recoverWithinMs);
    },
    60_000,
  );
});
