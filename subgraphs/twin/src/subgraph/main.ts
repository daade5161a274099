import { configOrExit } from '@bst/service-kit';
import { handleShutdownSignals } from '@bst/subgraph-kit';
import { coreCatalogSource } from '../bridge/index.ts';
import { openTwinStore } from '../store/index.ts';
import { configFromEnv } from './configFromEnv.ts';
import { startTwinSubgraph } from './startTwinSubgraph.ts';

const config = configOrExit(() => configFromEnv());
const store = await openTwinStore(config.store);
const subgraph = await startTwinSubgraph({
  store,
  port: config.port,
  host: config.host,
  gatewaySecret: config.trust.secret,
  identityMaxAgeSeconds: config.trust.identityMaxAgeSeconds,
  wsMaxPayloadBytes: config.wsMaxPayloadBytes,
  catalogSource: coreCatalogSource({ url: config.coreGraphUrl, secret: config.trust.secret }),
});
console.log(JSON.stringify({ service: 'twin-subgraph', ready: true, url: subgraph.url, pid: process.pid }));

handleShutdownSignals(async () => {
  await subgraph.stop();
  await store.close();
});
