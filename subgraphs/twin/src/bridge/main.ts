import { createServer } from 'node:http';
import { configOrExit } from '@bst/service-kit';
import { ArchiveRepository } from '../archive/ArchiveRepository.ts';
import { retentionMsOf } from '../archive/configFromEnv.ts';
import { openArchiveDatabase } from '../archive/db/openArchiveDatabase.ts';
import { openTwinStore } from '../store/index.ts';
import { coreCatalogSource } from './catalog/coreCatalogSource.ts';
import { configFromEnv } from './configFromEnv.ts';
import { startBridge } from './startBridge.ts';

const config = configOrExit(() => configFromEnv());
const store = await openTwinStore(config.store);
// A very late reading older than the hot window is replayed from the archive.
const archiveDatabase = config.archive ? await openArchiveDatabase({ url: config.archive.url, max: 4 }) : null;
const archive =
  config.archive && archiveDatabase
    ? new ArchiveRepository(archiveDatabase, { retentionMs: retentionMsOf(config.archive) })
    : null;
const bridge = await startBridge({
  mqttUrl: config.mqttUrl,
  store,
  archive,
  catalogSource: coreCatalogSource({ url: config.coreGraphUrl, secret: config.trust.secret }),
  topicPrefix: config.topicPrefix,
  group: config.group,
  clientId: config.clientId,
  protocolVersion: config.protocolVersion,
  ...(config.mqttUsername ? { mqttUsername: config.mqttUsername } : {}),
  ...(config.mqttPassword ? { mqttPassword: config.mqttPassword } : {}),
  ...(config.catalogPollMs === undefined ? {} : { catalogPollMs: config.catalogPollMs }),
  ...(config.schedulerIntervalMs === undefined ? {} : { schedulerIntervalMs: config.schedulerIntervalMs }),
  ...(config.receiveMaximum === undefined ? {} : { receiveMaximum: config.receiveMaximum }),
  maxEventAgeMs: config.maxEventAgeMs,
  groupCommit: config.groupCommit,
});

// The bridge serves no graph; this is what compose's healthcheck and an orchestrator's liveness probe read.
const health = createServer((request, response) => {
  const ok = request.url === '/health' && bridge.connected();
  response.writeHead(request.url === '/health' ? (ok ? 200 : 503) : 404, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      status: ok ? 'ok' : 'mqtt-disconnected',
      messagesHandled: bridge.messagesHandled(),
      retainedIgnored: bridge.retainedIgnored(),
    }),
  );
});
health.listen(config.healthPort, config.host);
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
