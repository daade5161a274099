import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { gatewaySecretFromEnv } from '@bst/identity';
import { ArchiveRepository } from '../archive/ArchiveRepository.ts';
import { archiveConfigFromEnv, retentionMsOf } from '../archive/archiveConfigFromEnv.ts';
import { openArchiveDatabase } from '../archive/db/openArchiveDatabase.ts';
import { openTwinStore, twinStoreConfigFromEnv } from '../store/index.ts';
import { coreCatalogSource } from './catalog/coreCatalogSource.ts';
import { startBridge } from './startBridge.ts';

const env = process.env;
// REDIS_URL or REDIS_CLUSTER_NODES, TWIN_STORE_* and TWIN_HOT_WINDOW_HOURS…: see store/README.md.
const store = await openTwinStore(twinStoreConfigFromEnv(env, { redisUrl: 'redis://127.0.0.1:6379' }));
// ARCHIVE_DATABASE_URL: a very late reading older than the hot window is replayed from the archive.
const archiveConfig = archiveConfigFromEnv(env);
const archiveDatabase = archiveConfig ? await openArchiveDatabase({ url: archiveConfig.url, max: 4 }) : null;
const archive =
  archiveConfig && archiveDatabase
    ? new ArchiveRepository(archiveDatabase, { retentionMs: retentionMsOf(archiveConfig) })
    : null;
const bridge = await startBridge({
  archive,
  mqttUrl: env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
  store,
  catalogSource: coreCatalogSource({
    url: env.CORE_GRAPH_URL ?? 'http://127.0.0.1:4001/graphql',
    secret: gatewaySecretFromEnv(),
  }),
  topicPrefix: env.MQTT_TOPIC_PREFIX ?? 'bio_supply',
  group: env.BRIDGE_GROUP || null,
  clientId: env.BRIDGE_CLIENT_ID ?? `bst-twin-bridge-${hostname()}`,
  ...(env.MQTT_USERNAME ? { mqttUsername: env.MQTT_USERNAME } : {}),
  ...(env.MQTT_PASSWORD ? { mqttPassword: env.MQTT_PASSWORD } : {}),
  ...(env.CATALOG_POLL_MS ? { catalogPollMs: Number(env.CATALOG_POLL_MS) } : {}),
  ...(env.SCHEDULER_INTERVAL_MS ? { schedulerIntervalMs: Number(env.SCHEDULER_INTERVAL_MS) } : {}),
  ...(env.MQTT_PROTOCOL_VERSION === '4' ? { protocolVersion: 4 as const } : {}),
});

// The bridge serves no graph; this is what compose's healthcheck and an orchestrator's liveness probe read.
const health = createServer((request, response) => {
  const ok = request.url === '/health' && bridge.connected();
  response.writeHead(request.url === '/health' ? (ok ? 200 : 503) : 404, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ status: ok ? 'ok' : 'mqtt-disconnected', messagesHandled: bridge.messagesHandled() }));
});
health.listen(Number(env.BRIDGE_HEALTH_PORT ?? 4003), env.HOST ?? '0.0.0.0');
console.log(JSON.stringify({ service: 'twin-bridge', ready: true, clientId: bridge.clientId, pid: process.pid }));

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    health.close();
    await bridge.stop();
    await store.close();
    await archiveDatabase?.close();
    process.exit(0);
  });
}
