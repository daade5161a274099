import { gatewaySecretFromEnv } from '@bst/identity';
import { handleShutdownSignals } from '@bst/subgraph-kit';
import { startCoreSubgraph } from './startCoreSubgraph.ts';

const env = process.env;
const core = await startCoreSubgraph({
  port: Number(env.PORT ?? 4001),
  host: env.HOST ?? '0.0.0.0',
  databaseUrl: env.DATABASE_URL || undefined,
  pgliteDir: env.DATABASE_URL ? undefined : (env.PGLITE_DIR ?? '.data/core'),
  gatewaySecret: gatewaySecretFromEnv(env),
  seed: env.SEED_DEMO === '1',
});
console.log(`core subgraph ready at ${core.url} (${core.database.driver})`);
handleShutdownSignals(core.stop);
