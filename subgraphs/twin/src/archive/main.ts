import { hostname } from 'node:os';
import { configOrExit, createLogger, serveProbes, warnOf } from '@bst/service-kit';
import { handleShutdownSignals } from '@bst/subgraph-kit';
import { coreCatalogSource } from '../bridge/index.ts';
import { openTwinStore } from '../store/index.ts';
import { ArchiveRepository } from './ArchiveRepository.ts';
import { configFromEnv, retentionMsOf } from './configFromEnv.ts';
import { openArchiveDatabase } from './db/openArchiveDatabase.ts';
import { createArchiveMetrics } from './metrics.ts';
import { type ArchiveService, startArchiveService } from './startArchiveService.ts';

const config = configOrExit(() => configFromEnv());
const logger = createLogger('twin-archiver', config.logLevel);
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
  onError: warnOf(logger, 'archiver: a step failed and is retried'),
});

// The archiver serves no graph: /health (liveness), /ready (Redis and Postgres answer) and /metrics live here.
const probes = await serveProbes({
  port: config.healthPort,
  host: config.host,
  dependencies: {
    [config.store.redis ? 'redis' : 'store']: () => store.ping(),
    postgres: () => archive.ping(),
  },
  details: async () => ({ lag: await store.outbox.lag().catch(() => null), ...service?.archiver.stats() }),
  route: async (request, response) => {
    if (request.url !== '/metrics') return false;
    try {
      const text = await metrics.render();
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(text);
    } catch {
      response.writeHead(503).end();
    }
    return true;
  },
});
logger.info(
  { ready: true, consumer: service.archiver.stats().consumer, probes: `http://${config.host}:${probes.port}` },
  'ready',
);

handleShutdownSignals(async () => {
  await probes.close();
  await service?.stop();
  await store.close();
  await database.close();
});
