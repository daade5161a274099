import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { createTestDatabase, type TestDatabase } from '../createTestDatabase.ts';
import { uniqueTopicPrefix } from '../mqttDevice.ts';
import { createRedisTestPrefix } from '../redisPrefix.ts';
import { services } from '../services.ts';
import { repositoryRoot } from '../spawnService.ts';
import { uniqueName } from '../uniqueName.ts';
import { answersOk, freePort } from './freePort.ts';
import { type MosquittoBroker, startMosquitto } from './startMosquitto.ts';
import { type RedisServer, startRedisServer } from './startRedisServer.ts';
import { type ServiceProcess, startServiceProcess } from './startServiceProcess.ts';

export type StackServiceName = 'core' | 'twin' | 'bridge' | 'archiver' | 'gateway';

/** A process of the stack that serves a graph (core, twin, a gateway): its GraphQL URL. */
export type ServedProcess = ServiceProcess & { url: string };

export interface StackOptions {
  /** Names the database, key prefix and topic prefix (and shows in leftovers, if any). */
  label: string;
  /** `shared` (default): the machine's Redis under a fresh key prefix. `own`: a redis-server of the stack's own, AOF on. */
  redis?: 'shared' | 'own';
  /** `shared` (default): the machine's broker under a fresh topic prefix. `own`: a Mosquitto with the project's settings. */
  mqtt?: 'shared' | 'own';
  /** How many gateways (each its own process on its own port, sharing Redis); default 1, 0 for a bench's own. */
  gateways?: number;
  /** Start the bridge (default true). */
  bridge?: boolean;
  /** The durable archive in the stack's database, read by twin and bridge and fed by an archiver process (default true). */
  archive?: boolean;
  /** Core and the archive reach Postgres at this address instead (a relay a test cuts or freezes), same database. */
  postgresVia?: { host: string; port: number };
  /** Core seeds the demo data (SEED_DEMO=1); default false. */
  seed?: boolean;
  /** More settings per service, on top of the stack's (a gateway's limits, the bridge's commit size). */
  env?: Partial<Record<StackServiceName, Record<string, string>>>;
  /** Writes each process's output to `<logDir>/<name>.log` as well (kept after `stop()`: a long run's post-mortem). */
  logDir?: string;
  /** Another build of the gateway (e.g. a copy of an earlier commit) for an A/B comparison; path from the repository root. */
  gatewayMain?: string;
}

export interface Stack {
  database: TestDatabase;
  /** Where the twin store lives: the URL, its key prefix, and the server process when it is the stack's own. */
  redis: { url: string; prefix: string; server: RedisServer | null };
  /** Where devices publish: the broker URL, the bridge's topic prefix, and the broker process when it is the stack's own. */
  mqtt: { url: string; topicPrefix: string; bridgeClientId: string; broker: MosquittoBroker | null };
  /** The shared secret the subgraphs trust and the gateway's token key (sign tokens with `signToken` of @bst/gateway). */
  secret: string;
  jwtSecret: string;
  core: ServedProcess;
  twin: ServedProcess;
  bridge: (ServiceProcess & { healthUrl: string }) | null;
  archiver: (ServiceProcess & { healthUrl: string }) | null;
  gateways: ServedProcess[];
  /** The first gateway (throws with `gateways: 0`). */
  readonly gateway: ServedProcess;
  /** Every process the stack runs (Redis and Mosquitto too when they are its own), for RSS sampling and faults. */
  processes(): ServiceProcess[];
  /** Stops every process and removes what the stack made: database, keys, broker session, temporary directories. */
  stop(): Promise<void>;
}

const tsx = (main: string) => ['--import', 'tsx', join(repositoryRoot, main)];

/**
 * The platform as real processes, the way `npm run start:*` runs them in production (NODE_ENV=production, real
 * secrets): core on a fresh database, the twin subgraph, the bridge, the archiver and one or more gateways, over the
 * machine's Redis and Mosquitto (fresh prefixes) or the stack's own. Every process can be killed and restarted on its
 * port; `stop()` leaves nothing behind.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const logFile = (name: string) => (options.logDir ? { logFile: join(options.logDir, `${name}.log`) } : {});
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    cleanups.length = 0;
  };
  try {
    const database = await createTestDatabase(options.label);
    cleanups.push(() => database.drop());
    const databaseUrl = new URL(database.url);
    if (options.postgresVia) {
      databaseUrl.hostname = options.postgresVia.host;
      databaseUrl.port = String(options.postgresVia.port);
    }
    const redisServer = options.redis === 'own' ? await startRedisServer(logFile('redis')) : null;
    if (redisServer) cleanups.push(() => redisServer.stop());
    const redisPrefix = createRedisTestPrefix(options.label);
    if (!redisServer) cleanups.push(() => redisPrefix.cleanup());
    const redisUrl = redisServer?.url ?? services.redisUrl;
    const broker =
      options.mqtt === 'own' ? await startMosquitto({ settings: 'project', ...logFile('mosquitto') }) : null;
    if (broker) cleanups.push(() => broker.stop());
    const mqttUrl = broker?.url ?? services.mqttUrl;
    const topicPrefix = broker ? 'bio_supply' : uniqueTopicPrefix(options.label);
    const bridgeClientId = uniqueName('bridge');
    // The bridge keeps a persistent session; on the shared broker a clean connection with its id removes it.
    if (!broker) cleanups.push(() => removeSession(mqttUrl, bridgeClientId));

    const secret = randomBytes(24).toString('base64url');
    const jwtSecret = randomBytes(24).toString('base64url');
    const base = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      GATEWAY_SHARED_SECRET: secret,
      HOST: '127.0.0.1',
    };
    const store = { REDIS_URL: redisUrl, TWIN_STORE_PREFIX: redisPrefix.prefix };
    const node = async (
      name: string,
      main: string,
      env: Record<string, string>,
      health: string,
    ): Promise<ServiceProcess> => {
      const service = await startServiceProcess({
        name,
        command: process.execPath,
        args: tsx(main),
        cwd: repositoryRoot,
        env: { ...base, ...env },
        ready: () => answersOk(health),
        ...logFile(name),
      });
      cleanups.push(() => service.stop());
      return service;
    };
    const served = async (name: string, main: string, env: Record<string, string>, more: Record<string, string>) => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/graphql`;
      const service = await node(
        name,
        main,
        { ...env, PORT: String(port), ...more },
        `http://127.0.0.1:${port}/health`,
      );
      return Object.assign(service, { url });
    };
    const withHealthPort = async (
      name: string,
      main: string,
      portVariable: string,
      env: Record<string, string>,
      more: Record<string, string> = {},
    ) => {
      const port = await freePort();
      const healthUrl = `http://127.0.0.1:${port}/health`;
      const service = await node(name, main, { ...env, [portVariable]: String(port), ...more }, healthUrl);
      return Object.assign(service, { healthUrl });
    };

    const core = await served(
      'core',
      'subgraphs/core/src/main.ts',
      { DATABASE_URL: databaseUrl.toString(), SEED_DEMO: options.seed ? '1' : '0' },
      options.env?.core ?? {},
    );
    const archive: Record<string, string> =
      options.archive === false ? {} : { ARCHIVE_DATABASE_URL: databaseUrl.toString() };
    const twin = await served(
      'twin',
      'subgraphs/twin/src/subgraph/main.ts',
      { ...store, ...archive, CORE_GRAPH_URL: core.url },
      options.env?.twin ?? {},
    );
    // The twin migrated the archive; the rest only connect, so they start side by side.
    const startBridge = () =>
      withHealthPort(
        'bridge',
        'subgraphs/twin/src/bridge/main.ts',
        'BRIDGE_HEALTH_PORT',
        {
          ...store,
          ...archive,
          CORE_GRAPH_URL: core.url,
          MQTT_URL: mqttUrl,
          MQTT_TOPIC_PREFIX: topicPrefix,
          BRIDGE_CLIENT_ID: bridgeClientId,
          CATALOG_POLL_MS: '1000',
          SCHEDULER_INTERVAL_MS: '1000',
        },
        options.env?.bridge,
      );
    const startArchiver = () =>
      withHealthPort(
        'archiver',
        'subgraphs/twin/src/archive/main.ts',
        'ARCHIVER_HEALTH_PORT',
        { ...store, ...archive, CORE_GRAPH_URL: core.url, ARCHIVER_CONSUMER: uniqueName('archiver') },
        options.env?.archiver,
      );
    const startGateway = (i: number) =>
      served(
        `gateway-${i}`,
        options.gatewayMain ?? 'apps/gateway/src/main.ts',
        {
          JWT_SECRET: jwtSecret,
          SUPERGRAPH_PATH: join(repositoryRoot, 'schema/supergraph.graphql'),
          SUPERGRAPH_WATCH: 'false',
          SUBGRAPH_CORE_URL: core.url,
          SUBGRAPH_TWIN_URL: twin.url,
          // Rate limit and caps shared across the stack's gateways, as compose runs them.
          REDIS_URL: redisUrl,
          GATEWAY_REDIS_PREFIX: `${redisPrefix.prefix}:gateway`,
        },
        options.env?.gateway ?? {},
      );
    // All settled before a failure is thrown, so the clean-up sees every process that did start.
    const settled = await Promise.allSettled([
      options.bridge === false ? null : startBridge(),
      options.archive === false ? null : startArchiver(),
      ...Array.from({ length: options.gateways ?? 1 }, (_, i) => startGateway(i + 1)),
    ]);
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure) throw failure.reason;
    const [bridge, archiver, ...gateways] = settled.map((s) => (s.status === 'fulfilled' ? s.value : null));
    const stack: Stack = {
      database,
      redis: { url: redisUrl, prefix: redisPrefix.prefix, server: redisServer },
      mqtt: { url: mqttUrl, topicPrefix, bridgeClientId, broker },
      secret,
      jwtSecret,
      core,
      twin,
      bridge: bridge as (ServiceProcess & { healthUrl: string }) | null,
      archiver: archiver as (ServiceProcess & { healthUrl: string }) | null,
      gateways: gateways as ServedProcess[],
      get gateway() {
        const first = gateways[0];
        if (!first) throw new Error('this stack runs no gateway');
        return first as ServedProcess;
      },
      processes: () =>
        [core, twin, bridge, archiver, ...gateways, redisServer?.process, broker?.process].filter(
          (p): p is ServiceProcess => Boolean(p),
        ),
      stop: cleanUp,
    };
    return stack;
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

async function removeSession(url: string, clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0, connectTimeout: 5000 });
  await client.endAsync();
}
