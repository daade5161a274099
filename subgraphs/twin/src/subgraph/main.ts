import { gatewaySecretFromEnv } from '@bst/identity';
import { handleShutdownSignals } from '@bst/subgraph-kit';
import { ArchiveRepository, archiveConfigFromEnv, openArchiveDatabase, retentionMsOf } from '../archive/index.ts';
import { coreCatalogSource } from '../bridge/index.ts';
import { openTwinStore, twinStoreConfigFromEnv } from '../store/index.ts';
import { startTwinSubgraph } from './startTwinSubgraph.ts';

const env = process.env;
const gatewaySecret = gatewaySecretFromEnv();
// REDIS_URL or REDIS_CLUSTER_NODES, TWIN_STORE_* and TWIN_HOT_WINDOW_HOURS…: see store/README.md.
const store = await openTwinStore(twinStoreConfigFromEnv(env, { redisUrl: 'redis://127.0.0.1:6379' }));
// ARCHIVE_DATABASE_URL: history, compliance and records read the durable archive too (else the hot window alone).
const archiveConfig = archiveConfigFromEnv(env);
const archiveDatabase = archiveConfig ? await openArchiveDatabase({ url: archiveConfig.url }) : null;
const archive =
  archiveConfig && archiveDatabase
    ? new ArchiveRepository(archiveDatabase, { retentionMs: retentionMsOf(archiveConfig) })
    : null;
const subgraph = await startTwinSubgraph({
  store,
  archive,
  port: Number(env.PORT ?? 4002),
  host: env.HOST ?? '0.0.0.0',
  gatewaySecret,
  catalogSource: coreCatalogSource({
    url: env.CORE_GRAPH_URL ?? 'http://127.0.0.1:4001/graphql',
    secret: gatewaySecret,
  }),
});
console.log(JSON.stringify({ service: 'twin-subgraph', ready: true, url: subgraph.url, pid: process.pid }));

handleShutdownSignals(async () => {
  await subgraph.stop();
  await store.close();
  await archiveDatabase?.close();
});
