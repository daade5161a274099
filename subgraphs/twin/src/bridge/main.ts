import { configOrExit, createLogger, serveProbes, warnOf } from '@bst/service-kit';
import { ArchiveRepository } from '../archive/ArchiveRepository.ts';
import { retentionMsOf } from '../archive/configFromEnv.ts';
import { openArchiveDatabase } from '../archive/db/openArchiveDatabase.ts';
import { openTwinStore } from '../store/index.ts';
import { coreCatalogSource } from './catalog/coreCatalogSource.ts';
import { configFromEnv } from './configFromEnv.ts';
import { startBridge } from './startBridge.ts';

const config = configOrExit(() => configFromEnv());
const logger = createLogger('twin-bridge', config.logLevel);
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
  onError: warnOf(logger, 'bridge: a step failed and is retried'),
  logger,
});

// The bridge serves no graph: /health (liveness) and /ready (Redis and the broker) are what probes read.
const probes = await serveProbes({
  port: config.healthPort,
  host: config.host,
  dependencies: {
    [config.store.redis ? 'redis' : 'store']: () => store.ping(),
    mqtt: () => {
      if (!bridge.connected()) throw new Error('the broker connection is down');
    },
  },
  details: () => ({ messagesHandled: bridge.messagesHandled(), retainedIgnored: bridge.retainedIgnored() }),
});
logger.info({ ready: true, clientId: bridge.clientId, probes: `http://${config.host}:${probes.port}` }, 'ready');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await probes.close();
    await bridge.stop();
    await store.close();
    await archiveDatabase?.close();
    process.exit(0);
  });
}
