import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { gatewaySecretFromEnv } from '@bst/identity';
import { handleShutdownSignals } from '@bst/subgraph-kit';
import { sql } from 'drizzle-orm';
import { coreCatalogSource } from '../bridge/index.ts';
import { openTwinStore, twinStoreConfigFromEnv } from '../store/index.ts';
import { ArchiveRepository } from './ArchiveRepository.ts';
import { archiveConfigFromEnv, archiverSettingsFromEnv, retentionMsOf } from './archiveConfigFromEnv.ts';
import { openArchiveDatabase } from './db/openArchiveDatabase.ts';
import { createArchiveMetrics } from './metrics.ts';
import { type ArchiveService, startArchiveService } from './startArchiveService.ts';

const env = process.env;
const config = archiveConfigFromEnv(env);
if (!config) throw new Error('ARCHIVE_DATABASE_URL: required by the archiver (a postgres:// URL)');
const settings = archiverSettingsFromEnv(env);
// REDIS_URL or REDIS_CLUSTER_NODES, TWIN_STORE_*: see store/README.md.
const store = await openTwinStore(twinStoreConfigFromEnv(env, { redisUrl: 'redis://127.0.0.1:6379' }));
const database = await openArchiveDatabase({ url: config.url });
const archive = new ArchiveRepository(database, { retentionMs: retentionMsOf(config) });
let service: ArchiveService | null = null;
const metrics = createArchiveMetrics(store, () => service?.archiver ?? null);
service = await startArchiveService({
  store,
  archive,
  catalogSource: coreCatalogSource({
    url: env.CORE_GRAPH_URL ?? 'http://127.0.0.1:4001/graphql',
    secret: gatewaySecretFromEnv(),
  }),
  consumer: settings.consumer ?? `archiver-${hostname()}`,
  batchSize: settings.batchSize,
  idleMs: settings.idleMs,
  claimIdleMs: settings.claimIdleMs,
  onBatch: metrics.observeBatch,
});

// The archiver serves no graph: its health (Redis and Postgres reachable) and figures live here.
const health = createServer(async (request, response) => {
  if (request.url === '/metrics') {
    try {
      const text = await metrics.render();
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(text);
    } catch {
      response.writeHead(503).end();
    }
    return;
  }
  if (request.url !== '/health') {
    response.writeHead(404).end();
    return;
  }
  try {
    const [lag] = await Promise.all([store.outbox.lag(), database.db.execute(sql`select 1`)]);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'ok', lag, ...service?.archiver.stats() }));
  } catch (error) {
    response.writeHead(503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'unavailable', error: error instanceof Error ? error.message : 'error' }));
  }
});
health.listen(settings.healthPort, env.HOST ?? '0.0.0.0');
console.log(
  JSON.stringify({
    service: 'twin-archiver',
    ready: true,
    consumer: service.archiver.stats().consumer,
    pid: process.pid,
  }),
);

handleShutdownSignals(async () => {
  health.close();
  await service?.stop();
  await store.close();
  await database.close();
});
