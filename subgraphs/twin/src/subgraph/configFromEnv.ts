import {
  defineConfig,
  type GatewayTrust,
  gatewayTrust,
  gatewayTrustVariables,
  integer,
  type LogLevel,
  loadConfig,
  logLevelVariables,
  port,
  text,
  url,
} from '@bst/service-kit';
import { type ArchiveConfig, archiveConfig, archiveVariables } from '../archive/configFromEnv.ts';
import { type TwinStoreConfig, twinStoreConfig, twinStoreVariables } from '../store/index.ts';

export interface TwinSubgraphConfig {
  port: number;
  host: string;
  /** REDIS_URL or REDIS_CLUSTER_NODES and the TWIN_STORE_* settings (store/README.md). */
  store: TwinStoreConfig;
  /** ARCHIVE_DATABASE_URL: history, compliance and records read the archive too; null = the hot window alone. */
  archive: ArchiveConfig | null;
  /** Core's endpoint, asked for the catalog when the store has none cached. */
  coreGraphUrl: string;
  /** Largest graphql-ws message the subscription server accepts (the gateway forwards client operations). */
  wsMaxPayloadBytes: number;
  trust: GatewayTrust;
  /** LOG_LEVEL: the least severe level written (pino). */
  logLevel: LogLevel;
}

export const twinSubgraphConfig = defineConfig({
  service: 'twin-subgraph',
  variables: {
    ...logLevelVariables,
    PORT: port(4002),
    HOST: text().default('0.0.0.0'),
    ...twinStoreVariables,
    ...archiveVariables,
    CORE_GRAPH_URL: url(['http', 'https']).default('http://127.0.0.1:4001/graphql'),
    WS_MAX_PAYLOAD_BYTES: integer({ min: 1024, max: 16 * 1024 * 1024, fallback: 256 * 1024 }),
    ...gatewayTrustVariables,
  },
  requiredUnlessDev: ['GATEWAY_SHARED_SECRET'],
  build: (env): TwinSubgraphConfig => ({
    logLevel: env.LOG_LEVEL,
    port: env.PORT,
    host: env.HOST,
    store: twinStoreConfig(env, { redisUrl: 'redis://127.0.0.1:6379' }),
    archive: archiveConfig(env),
    coreGraphUrl: env.CORE_GRAPH_URL,
    wsMaxPayloadBytes: env.WS_MAX_PAYLOAD_BYTES,
    trust: gatewayTrust(env),
  }),
});

/** `npm run start:twin` settings, validated once at start. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): TwinSubgraphConfig {
  return loadConfig(twinSubgraphConfig, env);
}
