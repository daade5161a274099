// The twin store's commit path alone: one `commitReading` per reading (awaited one by one, and 32 in flight) against
// `commitReadings` batches, on one Redis and on a 3-master Redis Cluster started for the run. Prints one JSON line.
import { initialState } from '@bst/coldchain';
import { services, startRedisCluster, uniqueName } from '@bst/testing';
import { createRedisTwinStore, type ReadingCommit, type RedisTarget, type TwinStore } from '@bst/twin';

const entities = 200;
const readingsPerMode = 6000;
const batchSizes = [50, 250];

/** Readings for `entities` boxes, each entity's versions counting up from `versions` (the store's engine CAS). */
function commits(count: number, versions: Map<string, number>, start: number): ReadingCommit[] {
  return Array.from({ length: count }, (_, i) => {
    const code = `BOX-${i % entities}`;
    const entity = { entityType: 'CONTAINER' as const, code };
    const at = start + Math.floor(i / entities) * 60_000;
    const version = versions.get(code) ?? 0;
    versions.set(code, version + 1);
    const reading = { at, receivedAt: at, temperatureC: 4 + (i % 7) * 0.3, humidityPct: 50 };
    return {
      entity,
      reading,
      live: { ...entity, ...reading, lat: 52.52, lng: 13.405, status: null, registered: true },
      monitor: {
        expectedVersion: version,
        state: { ...initialState(), latestAt: at },
        events: [],
        nextCheckAt: at + 900_000,
      },
    };
  });
}

async function measure(run: (all: ReadingCommit[]) => Promise<unknown>) {
  const versions = new Map<string, number>();
  const started = performance.now();
  await run(commits(readingsPerMode, versions, Date.UTC(2026, 0, 1)));
  return Math.round((readingsPerMode / (performance.now() - started)) * 1000);
}

async function modes(target: RedisTarget) {
  const figures: Record<string, number> = {};
  const each = async (name: string, run: (store: TwinStore, all: ReadingCommit[]) => Promise<unknown>) => {
    const store = createRedisTwinStore({ redis: target, prefix: uniqueName('bench_store'), outbox: true });
    try {
      await store.ready();
      figures[name] = await measure((all) => run(store, all));
    } finally {
      await store.clear();
      await store.close();
    }
  };
  await each('oneByOne', async (store, all) => {
    for (const commit of all) await store.commitReading(commit);
  });
  await each('oneByOne32InFlight', async (store, all) => {
    // 32 lanes, each keeping one entity's commits in order (what the bridge's per-topic lanes do).
    const lanes = Array.from({ length: 32 }, (_, lane) =>
      all.filter((c) => Number(c.entity.code.slice(4)) % 32 === lane),
    );
    await Promise.all(
      lanes.map(async (lane) => {
        for (const commit of lane) await store.commitReading(commit);
      }),
    );
  });
  for (const size of batchSizes) {
    await each(`batch${size}`, async (store, all) => {
      for (let i = 0; i < all.length; i += size) await store.commitReadings(all.slice(i, i + size));
    });
  }
  return figures;
}

const single = await modes({ url: services.redisUrl });
const cluster = await startRedisCluster();
let onCluster: Record<string, number>;
try {
  onCluster = await modes({ clusterNodes: cluster.nodes });
} finally {
  await cluster.stop();
}
console.log(
  JSON.stringify({
    bench: 'storeCommit',
    readingsPerMode,
    entities,
    singleRedis: single,
    cluster: onCluster,
    batch250VsOneByOne: Number(((single.batch250 ?? 0) / (single.oneByOne ?? 1)).toFixed(2)),
    clusterVsSingleBatch250: Number(((onCluster.batch250 ?? 0) / (single.batch250 ?? 1)).toFixed(2)),
  }),
);
