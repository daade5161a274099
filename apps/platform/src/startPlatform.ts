import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startCoreSubgraph } from '@bst/core';
import { buildDashboard } from '@bst/dashboard';
import { createGateway, issueDevTokens } from '@bst/gateway';
import { devSecrets, type Role } from '@bst/identity';
import { startSimulator } from '@bst/simulator';
import {
  ArchiveRepository,
  coreCatalogSource,
  openArchiveDatabase,
  openTwinStore,
  startArchiveService,
  startBridge,
  startTwinSubgraph,
} from '@bst/twin';
import { startEmbeddedBroker } from './broker/startEmbeddedBroker.ts';
import { PortInUseError, portInUse } from './PortInUseError.ts';

export interface PlatformPorts {
  gateway: number;
  core: number;
  twin: number;
  /** The embedded broker's port (ignored when `mqttUrl` points at a real broker). */
  mqtt: number;
}

export interface PlatformOptions {
  /** Interface every service binds; default 127.0.0.1. */
  host?: string;
  /** Defaults: gateway 4000 (which serves the dashboard at `/`), core 4001, twin 4002, MQTT 1884; 0 picks a free port. */
  ports?: Partial<PlatformPorts>;
  /** A real Postgres; without it core runs on PGlite. */
  databaseUrl?: string;
  /** PGlite data directory; omitted means in memory. */
  pgliteDir?: string;
  /** A real Redis for the twin store; without it the in-memory store is used. */
  redisUrl?: string;
  /** Where the in-memory twin store keeps its journal and snapshot (so a restart loses nothing); omitted = memory only. */
  twinDataDir?: string;
  /**
   * The twin's archive on PGlite when there is no `databaseUrl` (with one, the archive is the `twin` schema in that
   * Postgres): its own directory, not core's PGlite, so the archiver's batches never queue behind core's queries on
   * PGlite's single connection; omitted = in memory.
   */
  archiveDir?: string;
  /** The archive keeps this many years of event time (default 10). */
  archiveRetentionYears?: number;
  /** A real MQTT broker; without it an embedded aedes broker is started. */
  mqttUrl?: string;
  /** Namespace before the devices' `bio_supply/...` topics, so a test on a shared broker hears only itself. */
  topicPrefix?: string;
  /** Key prefix of the twin store, so a test on a shared Redis touches only its own keys. */
  twinStorePrefix?: string;
  /** Seed the demo data (idempotent); default true. */
  seed?: boolean;
  /** The virtual fleet; false runs none. On a first start (no live state yet) it back-fills `backfillHours` (24). */
  simulator?: false | { intervalMs?: number; scenario?: string; backfillHours?: number };
  /** Default: the repository's schema/supergraph.graphql. */
  supergraphPath?: string;
  /** Signs and verifies the dev tokens; default the public dev secret (the platform runs in dev auth mode only). */
  jwtSecret?: string;
  /** Seals identities from the gateway to the subgraphs; default the public dev secret. */
  gatewaySecret?: string;
  /** Reload the gateway when the supergraph file changes. */
  watchSupergraph?: boolean;
  /** The bridge's MQTT client id: fixed, so a restarted platform gets what the broker queued meanwhile. */
  bridgeClientId?: string;
  /** The bridge's scheduler interval (SENSOR_OFFLINE ticks). */
  schedulerIntervalMs?: number;
  /** How often the bridge asks core whether profiles or bindings changed. */
  catalogPollMs?: number;
  log?: (line: string) => void;
}

/** The processes-in-one-process that make up the platform, in start order. */
export type PlatformPiece =
  | 'mqtt-broker'
  | 'core'
  | 'twin-store'
  | 'twin-archive'
  | 'twin-subgraph'
  | 'twin-bridge'
  | 'twin-archiver'
  | 'gateway'
  | 'simulator';

export interface PlatformUrls {
  /** The federated graph, HTTP. */
  graph: string;
  /** The same path over WebSocket (graphql-ws). */
  graphWs: string;
  /** The operator page, served by the gateway at `/`. */
  dashboard: string;
  mqtt: string;
  core: string;
  twin: string;
}

export interface Platform {
  urls: PlatformUrls;
  /** Where devices publish: `{mqttTopicRoot}/telemetry/box/{code}` (`bio_supply` unless namespaced). */
  mqttTopicRoot: string;
  /** Ready-made bearer tokens, one per role (explicit dev auth mode). */
  tokens: Record<Role, string>;
  /** Which adapter runs behind each port: the code paths are the production ones either way. */
  adapters: { database: 'pglite' | 'postgres'; twinStore: 'memory' | 'redis'; mqtt: 'embedded' | 'external' };
  /** What is running, in start order. */
  running: PlatformPiece[];
  /** Pieces of the platform not started, each with the reason. */
  missing: string[];
  /** Stops everything in the reverse order of starting; safe to call twice. */
  stop(): Promise<void>;
}

export const defaultPorts: PlatformPorts = { gateway: 4000, core: 4001, twin: 4002, mqtt: 1884 };
export const devJwtSecret = devSecrets.jwt;
const repositorySupergraph = fileURLToPath(new URL('../../../schema/supergraph.graphql', import.meta.url));

/**
 * Whether the embedded archiver should wait: more than `perSecond` readings a second being committed (a burst such as
 * the simulator's back-fill), or this process's event loop more than half busy since the last look (the gateway
 * delivering a burst of events). Asked after each of the archiver's pauses, so its own work is not what it sees.
 */
function busy(committed: () => number, perSecond = 100): () => boolean {
  let last = committed();
  let lastAt = Date.now();
  let utilization = performance.eventLoopUtilization();
  return () => {
    const now = Date.now();
    const count = committed();
    const ingesting = ((count - last) * 1000) / Math.max(1, now - lastAt) > perSecond;
    const loop = performance.eventLoopUtilization(utilization);
    last = count;
    lastAt = now;
    utilization = performance.eventLoopUtilization();
    return ingesting || loop.utilization > 0.5;
  };
}

/**
 * Starts the whole platform in this process: broker, core, twin store, bridge, gateway (serving the dashboard),
 * simulator. A port already taken rejects with PortInUseError, after stopping what had started.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const ports = { ...defaultPorts, ...options.ports };
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  // The platform is the explicit dev mode (its gateway admits anonymous viewers): its secrets may be the public ones.
  const gatewaySecret = options.gatewaySecret ?? devSecrets.gateway;
  const jwtSecret = options.jwtSecret ?? devJwtSecret;
  const stack: { name: PlatformPiece; stop: () => Promise<void> }[] = [];
  const missing: string[] = [];

  const stopAll = async () => {
    for (const { name, stop } of stack.splice(0).reverse()) {
      const startedAt = Date.now();
      try {
        await stop();
        log(`stopped ${name} (${Date.now() - startedAt} ms)`);
      } catch (error) {
        log(`stopping ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  try {
    // Fail in a second rather than after PGlite's start when a port is taken.
    await assertPortsFree(host, { ...ports, ...(options.mqttUrl ? { mqtt: 0 } : {}) });
    let mqttUrl = options.mqttUrl;
    if (!mqttUrl) {
      const broker = await listening('mqtt', ports.mqtt, () => startEmbeddedBroker({ port: ports.mqtt, host }));
      stack.push({ name: 'mqtt-broker', stop: broker.stop });
      mqttUrl = broker.url;
    }
    log(`MQTT broker ${mqttUrl}`);

    const core = await listening('core', ports.core, () =>
      startCoreSubgraph({
        port: ports.core,
        host,
        databaseUrl: options.databaseUrl,
        pgliteDir: options.databaseUrl ? undefined : options.pgliteDir,
        gatewaySecret,
        seed: options.seed ?? true,
      }),
    );
    stack.push({ name: 'core', stop: core.stop });
    log(`core subgraph ${core.url} (${core.database.driver})`);

    const store = await openTwinStore({
      ...(options.twinStorePrefix ? { prefix: options.twinStorePrefix } : {}),
      ...(options.redisUrl ? { redis: { url: options.redisUrl } } : {}),
      ...(!options.redisUrl && options.twinDataDir ? { dataDir: options.twinDataDir } : {}),
    });
    stack.push({ name: 'twin-store', stop: () => store.close() });
    const archiveDatabase = await openArchiveDatabase(
      options.databaseUrl ? { url: options.databaseUrl, max: 4 } : { pgliteDir: options.archiveDir },
    );
    stack.push({ name: 'twin-archive', stop: () => archiveDatabase.close() });
    const archive = new ArchiveRepository(archiveDatabase, {
      retentionMs: (options.archiveRetentionYears ?? 10) * 365.25 * 24 * 3600_000,
    });
    log(`twin archive (${archiveDatabase.driver})`);
    const mqttTopicRoot = options.topicPrefix ? `${options.topicPrefix}/bio_supply` : 'bio_supply';
    const catalogSource = coreCatalogSource({ url: core.url, secret: gatewaySecret });

    const twin = await listening('twin', ports.twin, () =>
      startTwinSubgraph({ store, archive, port: ports.twin, host, gatewaySecret, catalogSource }),
    );
    stack.push({ name: 'twin-subgraph', stop: twin.stop });
    log(`twin subgraph ${twin.url}`);

    const bridge = await startBridge({
      mqttUrl,
      store,
      archive,
      catalogSource,
      topicPrefix: mqttTopicRoot,
      clientId: options.bridgeClientId ?? `bst-platform-bridge-${hostname()}`,
      group: null,
      // aedes, the embedded broker, speaks MQTT 3.1.1; a real broker gets MQTT 5 (session expiry, receive maximum).
      protocolVersion: options.mqttUrl ? 5 : 4,
      ...(options.schedulerIntervalMs === undefined ? {} : { schedulerIntervalMs: options.schedulerIntervalMs }),
      ...(options.catalogPollMs === undefined ? {} : { catalogPollMs: options.catalogPollMs }),
    });
    stack.push({ name: 'twin-bridge', stop: bridge.stop });
    log(`twin bridge ${bridge.clientId}`);

    const archiver = await startArchiveService({
      store,
      archive,
      catalogSource,
      consumer: `platform-archiver-${hostname()}`,
      // PGlite works on this process's thread: short batches, a breath between them, and none while ingest or the
      // gateway is busy (the simulator's back-fill and its events), so neither waits on the archive; the outbox holds
      // the backlog meanwhile.
      ...(options.databaseUrl
        ? {}
        : { batchSize: 100, pauseMs: 20, yieldWhile: busy(() => bridge.commitStats().readings) }),
      ...(options.catalogPollMs === undefined ? {} : { catalogPollMs: options.catalogPollMs }),
      onError: (error) => log(`archiver: ${error instanceof Error ? error.message : String(error)}`),
    });
    stack.push({ name: 'twin-archiver', stop: archiver.stop });

    const dashboard = await buildDashboard();
    const gateway = await listening('gateway', ports.gateway, () =>
      createGateway({
        supergraphPath: options.supergraphPath ?? repositorySupergraph,
        port: ports.gateway,
        host,
        subgraphUrls: { core: core.url, twin: twin.url },
        auth: { mode: 'dev', jwtSecret },
        sharedSecret: gatewaySecret,
        watchSupergraph: options.watchSupergraph ?? false,
        staticDir: dashboard.dir,
      }),
    );
    stack.push({ name: 'gateway', stop: gateway.stop });
    const tokens = await issueDevTokens(jwtSecret);
    log(`gateway ${gateway.url}, dashboard at /`);

    if (options.simulator !== false) {
      const backfillHours = options.simulator?.backfillHours ?? 24;
      // History already there (a persistent store) is never rewritten: the demo only back-fills an empty twin.
      const firstStart = (await store.liveEntities(1)).length === 0;
      const simulator = startSimulator({
        mqttUrl,
        clientId: `bst-platform-simulator-${process.pid}`,
        ...(options.topicPrefix ? { topicPrefix: options.topicPrefix } : {}),
        ...(options.simulator?.intervalMs === undefined ? {} : { intervalMs: options.simulator.intervalMs }),
        ...(options.simulator?.scenario === undefined ? {} : { scenario: options.simulator.scenario }),
        ...(firstStart && backfillHours > 0 ? { backfill: { hours: backfillHours } } : {}),
      });
      stack.push({ name: 'simulator', stop: simulator.stop });
      log(`simulator publishing${firstStart && backfillHours > 0 ? `, after ${backfillHours} h of history` : ''}`);
    }

    let stopping: Promise<void> | undefined;
    return {
      urls: {
        graph: gateway.url,
        graphWs: gateway.url.replace(/^http/, 'ws'),
        dashboard: new URL('/', gateway.url).href,
        mqtt: mqttUrl,
        core: core.url,
        twin: twin.url,
      },
      mqttTopicRoot,
      tokens,
      adapters: {
        database: core.database.driver,
        twinStore: options.redisUrl ? 'redis' : 'memory',
        mqtt: options.mqttUrl ? 'external' : 'embedded',
      },
      running: stack.map((entry) => entry.name),
      missing,
      stop() {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function assertPortsFree(host: string, ports: PlatformPorts): Promise<void> {
  for (const [role, number] of Object.entries(ports) as [keyof PlatformPorts, number][]) {
    if (number === 0) continue;
    await listening(role, number, async () => {
      const probe = createServer();
      await new Promise<void>((listened, fail) => {
        probe.once('error', fail);
        probe.listen(number, host, () => listened());
      });
      await new Promise((closed) => probe.close(closed));
    });
  }
}

/** Runs a piece's start and turns "address in use" into a PortInUseError naming the port the piece wanted. */
async function listening<T>(port: keyof PlatformPorts, number: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (portInUse(error)) throw new PortInUseError(port, number, { cause: error });
    throw error;
  }
}
