import { connect, type IClientOptions } from 'mqtt';
import { demoFleet } from '../fleet/demoFleet.ts';
import type { VirtualSensor } from '../fleet/virtualSensor.ts';
import type { Scenario } from '../scenarios/scenario.ts';
import { scenarioByName } from '../scenarios/scenarioByName.ts';
import { type Backfill, backfillEmissions } from '../telemetry/backfillEmissions.ts';
import { emissionsAtTick } from '../telemetry/emissionsAtTick.ts';
import type { Emission, Plan } from '../telemetry/plan.ts';
import { publishWithReplay } from './publishWithReplay.ts';

export interface SimulatorOptions {
  /** Default mqtt://127.0.0.1:1883. */
  mqttUrl?: string;
  username?: string;
  password?: string;
  /** Time between readings of one sensor; default 5000 ms, like the original's route simulator. */
  intervalMs?: number;
  /** A scenario or its name (`demo`, `steady`); default `demo`. */
  scenario?: Scenario | string;
  fleet?: readonly VirtualSensor[];
  /** Prepended as `<prefix>/bio_supply/...` so parallel test suites never hear each other. */
  topicPrefix?: string;
  clientId?: string;
  /** History to publish before going live (a first start's 24 h, say); none by default. */
  backfill?: Backfill;
  /**
   * Readings acknowledged this long before a lost connection are published again after it comes back (default 30 s,
   * well above the broker's save interval): the broker's PUBACK is not durable. See README.
   */
  replayWindowMs?: number;
  /** Injected clock, epoch milliseconds. */
  now?: () => number;
  onError?: (error: Error) => void;
}

export interface Simulator {
  /** Publishes nothing more, waits for in-flight QoS 1 acknowledgements, disconnects. */
  stop(): Promise<void>;
  /** MQTT messages acknowledged by the broker so far. */
  published(): number;
  /** Whether the MQTT connection is up right now (for a healthcheck). */
  connected(): boolean;
}

/** Catching up after a stall publishes at most this many ticks, so a sleeping laptop does not flood the broker. */
const maxCatchUpTicks = 10;

/** Runs the virtual fleet against a real MQTT broker until `stop()`. */
export function startSimulator(options: SimulatorOptions = {}): Simulator {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 5000;
  const scenario =
    typeof options.scenario === 'string' || options.scenario === undefined
      ? scenarioByName(options.scenario ?? 'demo')
      : options.scenario;
  const plan: Plan = { fleet: options.fleet ?? demoFleet, scenario, originMs: now(), intervalMs };
  const prefix = options.topicPrefix ? `${options.topicPrefix.replace(/\/+$/, '')}/` : '';
  const onError = options.onError ?? ((error: Error) => console.error(`[simulator] ${error.message}`));

  const clientOptions: IClientOptions = {
    clientId: options.clientId ?? `bst-simulator-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    reconnectPeriod: 2000,
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
  };
  const client = connect(options.mqttUrl ?? 'mqtt://127.0.0.1:1883', clientOptions);
  client.on('error', onError);
  const device = publishWithReplay(client, {
    now,
    ...(options.replayWindowMs === undefined ? {} : { windowMs: options.replayWindowMs }),
  });

  let published = 0;
  let nextTick = 0;
  let stopped = false;
  const inFlight = new Set<Promise<unknown>>();

  const publish = (emission: Emission) => {
    const sent = device.publish(prefix + emission.topic, JSON.stringify(emission.payload)).then(
      () => {
        published++;
      },
      (error: Error) => onError(error),
    );
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
  };

  const publishDue = () => {
    const dueTick = Math.floor((now() - plan.originMs) / intervalMs);
    nextTick = Math.max(nextTick, dueTick - maxCatchUpTicks + 1);
    for (; nextTick <= dueTick; nextTick++) {
      for (const emission of emissionsAtTick(plan, nextTick)) publish(emission);
    }
  };

  // Queued before the first live reading, so the bridge judges history first (it would sort it out either way).
  if (options.backfill && options.backfill.hours > 0) {
    for (const emission of backfillEmissions(plan, options.backfill)) publish(emission);
  }

  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    publishDue();
    const wait = plan.originMs + nextTick * intervalMs - now();
    timer = setTimeout(schedule, Math.max(0, wait));
  };
  schedule();

  return {
    published: () => published,
    connected: () => client.connected,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      // Give unacknowledged publishes a moment; an unreachable broker must not block shutdown.
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, 2000))]);
      await client.endAsync(true);
    },
  };
}
