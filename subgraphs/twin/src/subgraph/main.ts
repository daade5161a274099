import { configOrExit, createLogger } from '@bst/service-kit';
import { handleShutdownSignals } from '@bst/subgraph-kit';
import { ArchiveRepository, openArchiveDatabase, retentionMsOf } from '../archive/index.ts';
import { coreCatalogSource } from '../bridge/index.ts';
import { openTwinStore } from '../store/index.ts';
import { configFromEnv } from './configFromEnv.ts';
import { startTwinSubgraph } from './startTwinSubgraph.ts';

const config = configOrExit(() => configFromEnv());
const logger = createLogger('twin-subgraph', config.logLevel);
const store = await openTwinStore(config.store);
// History, compliance and records read the durable archive too (else the hot window alone).
const archiveDatabase = config.archive ? await openArchiveDatabase({ url: config.archive.url }) : null;
const archive =
  config.archive && archiveDatabase
    ? new ArchiveRepository(archiveDatabase, { retentionMs: retentionMsOf(config.archive) })
    : null;
const subgraph = await startTwinSubgraph({
  store,
  storeName: config.store.redis ? 'redis' : 'store',
  archive,
  port: config.port,
  host: config.host,
  gatewaySecret: config.trust.secret,
  identityMaxAgeSeconds: config.trust.identityMaxAgeSeconds,
  wsMaxPayloadBytes: config.wsMaxPayloadBytes,
  catalogSource: coreCatalogSource({ url: config.coreGraphUrl, secret: config.trust.secret }),
  logger,
});
logger.info({ ready: true, url: subgraph.url }, 'ready');

handleShutdownSignals(async () => {
  await subgraph.stop();
  await store.close();
  await archiveDatabase?.close();
});
