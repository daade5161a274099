import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { configOrExit } from '@bst/service-kit';
import { handleShutdownSignals } from '@bst/subgraph-kit';
import { coreCatalogSource } from '../bridge/index.ts';
import { openTwinStore } from '../store/index.ts';
import { ArchiveRepository } from './ArchiveRepository.ts';
import { configFromEnv, retentionMsOf } from './configFromEnv.ts';
import { openArchiveDatabase } from './db/openArchiveDatabase.ts';
import { createArchiveMetrics } from './metrics.ts';
import { type ArchiveService, startArchiveService } from './startArchiveService.ts';

const config = configOrExit(() => configFromEnv());
const store = await openTwinStore(config.store);
const database = await openArchiveDatabase({ url: config.archive.url });
const archive = new ArchiveRepository(database, { retentionMs: retentionMsOf(config.archive) });
let service: ArchiveService | null = null;
const metrics = createArchiveMetrics(store, () => service?.archiver ?? null);
service = await startArchiveService({
  store,
  archive,
  catalogSource: coreCatalogSource({ url: config.coreGraphUrl, secret: config.trust.secret }),
  consumer: config.consumer ?? `archiver-${hostname()}`,
  batchSize: config.batchSize,
  idleMs: config.idleMs,
  claimIdleMs: config.claimIdleMs,
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
    const [lag] = await Promise.all([store.outbox.lag(), archive.ping()]);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'ok', lag, ...service?.archiver.stats() }));
  } catch (error) {
    response.writeHead(503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'unavailable', error: error instanceof Error ? error.message : 'error' }));
  }
});
health.listen(config.healthPort, config.host);
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
