import { configOrExit, createLogger } from '@bst/service-kit';
import { handleShutdownSignals } from '@bst/subgraph-kit';
import { configFromEnv } from './configFromEnv.ts';
import { startCoreSubgraph } from './startCoreSubgraph.ts';

const config = configOrExit(() => configFromEnv());
const logger = createLogger('core', config.logLevel);
const core = await startCoreSubgraph({
  port: config.port,
  host: config.host,
  databaseUrl: config.databaseUrl,
  pgliteDir: config.databaseUrl ? undefined : config.pgliteDir,
  gatewaySecret: config.trust.secret,
  identityMaxAgeSeconds: config.trust.identityMaxAgeSeconds,
  seed: config.seed,
  logger,
});
logger.info(
  { url: core.url, driver: core.database.driver },
  `core subgraph ready at ${core.url} (${core.database.driver})`,
);
handleShutdownSignals(core.stop);
