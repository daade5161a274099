import {
  defineConfig,
  type GatewayTrust,
  gatewayTrust,
  gatewayTrustVariables,
  integer,
  loadConfig,
  port,
  text,
  url,
} from '@bst/service-kit';

export interface TwinSubgraphConfig {
  port: number;
  host: string;
  redisUrl: string;
  /** Key prefix of the twin store; the store's default when unset. */
  storePrefix?: string;
  /** Core's endpoint, asked for the catalog when the store has none cached. */
  coreGraphUrl: string;
  /** Largest graphql-ws message the subscription server accepts (the gateway forwards client operations). */
  wsMaxPayloadBytes: number;
  trust: GatewayTrust;
}

export const twinSubgraphConfig = defineConfig({
  service: 'twin-subgraph',
  variables: {
    PORT: port(4002),
    HOST: text().default('0.0.0.0'),
    REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
    TWIN_STORE_PREFIX: text().optional(),
    CORE_GRAPH_URL: url(['http', 'https']).default('http://127.0.0.1:4001/graphql'),
    WS_MAX_PAYLOAD_BYTES: integer({ min: 1024, max: 16 * 1024 * 1024, fallback: 256 * 1024 }),
    ...gatewayTrustVariables,
  },
  requiredUnlessDev: ['GATEWAY_SHARED_SECRET'],
  build: (env): TwinSubgraphConfig => ({
    port: env.PORT,
    host: env.HOST,
    redisUrl: env.REDIS_URL,
    ...(env.TWIN_STORE_PREFIX ? { storePrefix: env.TWIN_STORE_PREFIX } : {}),
    coreGraphUrl: env.CORE_GRAPH_URL,
    wsMaxPayloadBytes: env.WS_MAX_PAYLOAD_BYTES,
    trust: gatewayTrust(env),
  }),
});

/** `npm run start:twin` settings, validated once at start. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): TwinSubgraphConfig {
  return loadConfig(twinSubgraphConfig, env);
}
