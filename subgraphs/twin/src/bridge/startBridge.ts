import { hostname } from 'node:os';
import type { Logger } from '@bst/service-kit';
import mqtt, { type IPublishPacket } from 'mqtt';
import type { ArchiveRepository } from '../archive/ArchiveRepository.ts';
import { createHistory } from '../archive/createHistory.ts';
import { readingEventId, type TwinStore } from '../store/index.ts';
import type { CatalogSource } from './catalog/coreCatalogSource.ts';
import { type CatalogFollower, followCatalog } from './catalog/followCatalog.ts';
import { acknowledgeInOrder } from './delivery/acknowledgeInOrder.ts';
import { handleDeviceMessage } from './handlers/index.ts';
import { createGroupCommit, type GroupCommitStats, type IngestContext } from './ingest/createGroupCommit.ts';
import { createMonitorCache } from './ingest/monitorCache.ts';
import { replayFrom } from './ingest/replayVeryLate.ts';
import { startScheduler } from './scheduler/startScheduler.ts';

export interface BridgeOptions {
  mqttUrl: string;
  store: TwinStore;
  /** Where a reading older than the hot window is replayed from (its series and checkpoints); null = hot window only. */
  archive?: ArchiveRepository | null;
  catalogSource: CatalogSource;
  /** Topic root, `bio_supply` for the original's devices. */
  topicPrefix?: string;
  /** Instances with the same group share one subscription (`$share/{group}/{prefix}/#`); null = a plain subscription. */
  group?: string | null;
  /** Fixed per instance so the broker keeps its persistent session (and unacknowledged messages) across restarts. */
  clientId?: string;
  mqttUsername?: string;
  mqttPassword?: string;
  catalogPollMs?: number;
  catalogTtlSeconds?: number;
  /** How long the broker keeps a disconnected lane's session and queued messages. */
  sessionExpirySeconds?: number;
  /**
   * MQTT 5 by default (session expiry, receive maximum); 4 = MQTT 3.1.1 for brokers that speak only that, such as
   * the embedded aedes broker, with the same persistent session (clean: false) and QoS 1 acknowledgements.
   */
  protocolVersion?: 4 | 5;
  /**
   * MQTT 5 receive maximum: how many unacknowledged messages the broker may have out to this instance. It bounds the
   * messages in hand, so it must cover the batches being committed and the one forming (default 1000).
   */
  receiveMaximum?: number;
  /** Group commit: readings per batch (default 256) and batches committed at once (default 2); see README. */
  groupCommit?: { maxBatch?: number; maxInFlight?: number };
  /** Readings whose event time is older than this before receipt are dead-lettered `too_old` (default a year). */
  maxEventAgeMs?: number;
  /** Scheduler interval; false = this instance does not tick (another one does). */
  schedulerIntervalMs?: number | false;
  onError?: (error: unknown) => void;
  /** At debug, one line per committed reading with its event id (`readingEventId`); nothing per reading above. */
  logger?: Logger;
}

export interface Bridge {
  clientId: string;
  catalog: CatalogFollower;
  /** MQTT messages this instance has stored and acknowledged. */
  messagesHandled(): number;
  /** Retained copies the broker replayed at subscribe time: acknowledged, never stored again as new readings. */
  retainedIgnored(): number;
  /** Batches and readings the group commit has sent so far. */
  commitStats(): GroupCommitStats;
  /** Whether the MQTT connection is up right now (the health check reads it). */
  connected(): boolean;
  /** Stops, lets the messages in hand be stored and acknowledged, then disconnects (the session is kept). */
  stop(): Promise<void>;
}

const retryDelaysMs = [50, 100, 250, 500, 1000, 2000];

/**
 * Subscribes at QoS 1 with a persistent session and acknowledges each message only after its effects are stored
 * (a crash before the commit means redelivery, not loss); one entity's readings are stored in arrival order.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const topicPrefix = options.topicPrefix ?? 'bio_supply';
  const validationLimits = options.maxEventAgeMs === undefined ? {} : { maxEventAgeMs: options.maxEventAgeMs };
  const clientId = options.clientId ?? `bst-twin-bridge-${hostname()}`;
  const onError = options.onError ?? ((error: unknown) => console.error('[bridge]', error));
  const catalog = await followCatalog({
    source: options.catalogSource,
    store: options.store,
    onError,
    ...(options.catalogPollMs === undefined ? {} : { pollMs: options.catalogPollMs }),
    ...(options.catalogTtlSeconds === undefined ? {} : { ttlSeconds: options.catalogTtlSeconds }),
  });
  const monitors = createMonitorCache();
  const archive = options.archive ?? null;
  const commits = createGroupCommit({
    store: options.store,
    catalog: () => catalog.current(),
    monitors,
    onError,
    replay: replayFrom(options.store, createHistory(options.store, archive), archive, (entity, reading, error) =>
      onError(new Error(`very late reading of ${entity.code} at ${reading.at} kept in history only: ${error.message}`)),
    ),
    ...options.groupCommit,
  });
  const { logger } = options;
  // Decided once: above debug, readings go straight to the group commit with no wrapper and no object per reading.
  const ingest: IngestContext['ingest'] =
    logger?.isLevelEnabled('debug') === true
      ? async (entity, reading) => {
          const outcome = await commits.ingest(entity, reading);
          logger.debug({ eventId: readingEventId(entity, reading.at), outcome: outcome.status }, 'reading committed');
          return outcome;
        }
      : commits.ingest;
  const context: IngestContext = { store: options.store, ingest };
  let stopping = false;
  let handled = 0;
  let retainedIgnored = 0;

  const counted = () => {
    handled++;
  };

  function store(packet: IPublishPacket): Promise<void> {
    // A retained copy is a replay of what the broker last kept, not a new reading: its live delivery was stored.
    if (packet.retain) {
      retainedIgnored++;
      return Promise.resolve();
    }
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    return handle(packet.topic, payload, Date.now(), 0);
  }

  function handle(topic: string, payload: Uint8Array, receivedAt: number, attempt: number): Promise<void> {
    let handling: Promise<unknown>;
    try {
      handling = handleDeviceMessage(context, topicPrefix, topic, payload, receivedAt, validationLimits);
    } catch (error) {
      handling = Promise.reject(error);
    }
    return handling.then(counted, async (error: unknown) => {
      // A dead letter could not be stored (readings are retried by the group commit): keep the message
      // unacknowledged and retry; on stop it is redelivered.
      onError(error);
      if (stopping) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelaysMs[Math.min(attempt, retryDelaysMs.length - 1)]));
      return handle(topic, payload, receivedAt, attempt + 1);
    });
  }

  const protocolVersion = options.protocolVersion ?? 5;
  const subscription = options.group ? `$share/${options.group}/${topicPrefix}/#` : `${topicPrefix}/#`;
  const client = mqtt.connect(options.mqttUrl, {
    clientId,
    clean: false,
    ...(protocolVersion === 5
      ? {
          protocolVersion,
          properties: {
            sessionExpiryInterval: options.sessionExpirySeconds ?? 7 * 24 * 3600,
            receiveMaximum: options.receiveMaximum ?? 1000,
          },
        }
      : { protocolVersion }),
    reconnectPeriod: 1000,
    manualConnect: true,
    // MQTT.js logs through \`debug\`, which builds an argument array per call even when off: ten and more per message.
    ...(process.env.DEBUG ? {} : { log: () => {} }),
    ...(options.mqttUsername === undefined ? {} : { username: options.mqttUsername }),
    ...(options.mqttPassword === undefined ? {} : { password: options.mqttPassword }),
  });
  const delivery = acknowledgeInOrder(client, store);
  client.on('error', onError);
  client.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    // MQTT 5: the broker does not send retained messages at all (rh 2); 3.1.1 brokers do, and they are skipped.
    await client.subscribeAsync(subscription, { qos: 1, ...(protocolVersion === 5 ? { rh: 2 } : {}) });
  } catch (error) {
    // A bridge that could not start leaves no poller or reconnect loop behind.
    catalog.stop();
    await client.endAsync(true);
    throw error;
  }

  const scheduler =
    options.schedulerIntervalMs === false
      ? null
      : startScheduler({
          store: options.store,
          catalog: () => catalog.current(),
          monitors,
          onError,
          ...(options.schedulerIntervalMs === undefined ? {} : { intervalMs: options.schedulerIntervalMs }),
        });

  return {
    clientId,
    catalog,
    messagesHandled: () => handled,
    retainedIgnored: () => retainedIgnored,
    commitStats: () => commits.stats(),
    connected: () => client.connected,
    async stop() {
      stopping = true;
      catalog.stop();
      await scheduler?.stop();
      commits.close();
      await delivery.drain();
      await client.endAsync(false);
    },
  };
}
