import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt, { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultReplayWindowMs, publishWithReplay } from '../src/index.ts';

const mosquittoDir = resolve(import.meta.dirname, '../../../mosquitto');
const passwords = {
  bridge: 'bridge-pw',
  simulator: 'simulator-pw',
  health: 'health-pw',
  'BOX-0001': 'one',
  'BOX-0002': 'two',
};

function makePasswords(dir: string, devices: string) {
  execFileSync('sh', [join(mosquittoDir, 'make-passwords.sh'), dir], {
    env: {
      ...process.env,
      MQTT_BRIDGE_PASSWORD: passwords.bridge,
      MQTT_SIMULATOR_PASSWORD: passwords.simulator,
      MQTT_HEALTH_PASSWORD: passwords.health,
      MQTT_DEVICES: devices,
    },
    stdio: 'pipe',
  });
}

/**
 * A second Mosquitto on ephemeral ports, running the repository's mosquitto.conf, ACLs and make-passwords.sh: `url`
 * is the devices' listener (1883 in production), `bridgeUrl` the bridge's (1885).
 */
async function startBroker(): Promise<{
  url: string;
  bridgeUrl: string;
  crash(): Promise<void>;
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'bst-mosquitto-'));
  makePasswords(dir, `BOX-0001:${passwords['BOX-0001']} BOX-0002:${passwords['BOX-0002']}`);
  // The broker reads the ACLs after dropping to its own user, which may not see into the checkout: give it copies.
  for (const acl of ['acl', 'bridge-acl']) {
    copyFileSync(join(mosquittoDir, acl), join(dir, acl));
    chmodSync(join(dir, acl), 0o644);
  }
  const port = await freePort();
  const bridgePort = await freePort();
  const conf = readFileSync(join(mosquittoDir, 'mosquitto.conf'), 'utf8')
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
    .replace(/^listener 1885$/m, `listener ${bridgePort} 127.0.0.1`)
    .replace('/mosquitto/auth/passwords', join(dir, 'passwords'))
    .replace('/mosquitto/auth/bridge-passwords', join(dir, 'bridge-passwords'))
    .replace('/mosquitto/config/acl', join(dir, 'acl'))
    .replace('/mosquitto/config/bridge-acl', join(dir, 'bridge-acl'))
    .replace('/mosquitto/data/', `${dir}/`);
  expect(conf).toContain(`listener ${port} 127.0.0.1`);
  expect(conf).toContain(`listener ${bridgePort} 127.0.0.1`);
  writeFileSync(join(dir, 'mosquitto.conf'), conf);
  // Started as root, Mosquitto drops to its own user, which must be able to write its persistence file.
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'mosquitto'])), 0);

  const run = async () => {
    const broker: ChildProcess = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const started = new Promise<void>((ready, fail) => {
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes(' running')) ready();
      };
      broker.stdout?.on('data', onData);
      broker.stderr?.on('data', onData);
      broker.once('exit', (code) => fail(new Error(`mosquitto exited with ${code}:\n${log}`)));
      setTimeout(() => fail(new Error(`mosquitto did not start:\n${log}`)), 5000);
    });
    // A broker that never said it was running must not outlive the suite.
    await started.catch((error: unknown) => {
      broker.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      throw error;
    });
    return broker;
  };
  const halt = async (broker: ChildProcess, signal: NodeJS.Signals) => {
    const exited = new Promise((resolveExit) => broker.once('exit', resolveExit));
    broker.kill(signal);
    await exited;
  };
  let broker = await run();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    bridgeUrl: `mqtt://127.0.0.1:${bridgePort}`,
    /** Kills the broker the hard way (no save on the way out) and starts it again on its persistence file. */
    async crash() {
      await halt(broker, 'SIGKILL');
      broker = await run();
    },
    async stop() {
      // Mosquitto writes its persistence file on the way out: remove the directory only once it has exited.
      await halt(broker, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('mosquitto/ (auth and ACL of the production broker)', () => {
  let broker: Awaited<ReturnType<typeof startBroker>>;
  const clients: MqttClient[] = [];
  // The bridge has its own listener; everyone else uses the devices' one.
  const login = async (username?: keyof typeof passwords, options: IClientOptions = {}, url?: string) => {
    const client = await connectAsync(url ?? (username === 'bridge' ? broker.bridgeUrl : broker.url), {
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 3000,
      ...(username ? { username, password: passwords[username] } : {}),
      ...options,
    });
    clients.push(client);
    return client;
  };
  const inbox = (client: MqttClient) => {
    const topics: string[] = [];
    client.on('message', (topic) => topics.push(topic));
    return topics;
  };

  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await broker?.stop();
  });

  it('refuses anonymous clients', async () => {
    await expect(login()).rejects.toThrow(/not authorized|not authorised/i);
  });

  it('refuses a device with the wrong password', async () => {
    await expect(login('BOX-0001', { password: 'guess' })).rejects.toThrow(/bad user name or password|not authori/i);
  });

  it("lets a device publish its own readings but not another device's", async () => {
    const bridge = await login('bridge');
    const heard = inbox(bridge);
    await bridge.subscribeAsync('bio_supply/#', { qos: 1 });
    const box1 = await login('BOX-0001');

    await expect(
      box1.publishAsync('bio_supply/telemetry/box/BOX-0002', '{"temperature":4}', { qos: 1 }),
    ).rejects.toThrow(/not authorized/i);
    await box1.publishAsync('bio_supply/telemetry/sample/SAMPLE-0001', '{"temperature":4}', { qos: 1 }).catch(() => {});
    await box1.publishAsync('bio_supply/telemetry/box/BOX-0001', '{"temperature":4}', { qos: 1 });
    await box1.publishAsync('bio_supply/updates/box/BOX-0001', '{"status":"idle"}', { qos: 1 });

    await expect.poll(() => heard.length).toBe(2);
    expect(heard).toEqual(['bio_supply/telemetry/box/BOX-0001', 'bio_supply/updates/box/BOX-0001']);
  });

  it('lets only the bridge read all telemetry, also as a shared subscription', async () => {
    // Mosquitto grants a wildcard subscription, then withholds every message the ACL does not let the user read.
    const box2 = await login('BOX-0002');
    const overheard = inbox(box2);
    await box2.subscribeAsync('bio_supply/#', { qos: 1 });

    const bridge = await login('bridge');
    const heard = inbox(bridge);
    const [granted] = await bridge.subscribeAsync('$share/bridge/bio_supply/#', { qos: 1 });
    expect(granted?.qos).toBe(1);
    const box1 = await login('BOX-0001');
    await box1.publishAsync('bio_supply/telemetry/box/BOX-0001', '{"temperature":5}', { qos: 1 });
    await box2.publishAsync('bio_supply/telemetry/box/BOX-0002', '{"temperature":5}', { qos: 1 });

    await expect.poll(() => heard).toEqual(['bio_supply/telemetry/box/BOX-0001', 'bio_supply/telemetry/box/BOX-0002']);
    expect(overheard).toEqual([]);
  });

  it("lets the simulator publish every sensor's telemetry, and nothing else", async () => {
    const bridge = await login('bridge');
    const heard = inbox(bridge);
    await bridge.subscribeAsync('bio_supply/#', { qos: 1 });
    const simulator = await login('simulator');
    await simulator.publishAsync('bio_supply/telemetry/box/BOX-0002', '{"temperature":5}', { qos: 1 });
    await simulator.publishAsync('bio_supply/updates/sample/SAMPLE-0009', '{"temperature":5}', { qos: 1 });
    await expect(simulator.publishAsync('bio_supply/commands/box/BOX-0002', '{}', { qos: 1 })).rejects.toThrow(
      /not authorized/i,
    );
    await expect
      .poll(() => heard)
      .toEqual(['bio_supply/telemetry/box/BOX-0002', 'bio_supply/updates/sample/SAMPLE-0009']);
  });

  it('acknowledges the healthcheck user', async () => {
    const health = await login('health');
    await expect(health.publishAsync('health/ping', '', { qos: 1 })).resolves.toBeDefined();
  });

  it('keeps devices and the bridge on their own listeners: neither can log in on the other', async () => {
    await expect(login('BOX-0001', {}, broker.bridgeUrl)).rejects.toThrow(/not authori|bad user name/i);
    await expect(login('simulator', {}, broker.bridgeUrl)).rejects.toThrow(/not authori|bad user name/i);
    await expect(login('bridge', {}, broker.url)).rejects.toThrow(/not authori|bad user name/i);
  });

  it("gives a device asking for the bridge's client id its own: the bridge stays connected and keeps its queued readings", async () => {
    const bridgeId = 'bst-twin-bridge-acl-test';
    const bridgeOptions = { clientId: bridgeId, clean: false, properties: { sessionExpiryInterval: 600 } };
    const bridge = await login('bridge', bridgeOptions);
    await bridge.subscribeAsync('bio_supply/#', { qos: 1 });
    let dropped = false;
    bridge.on('close', () => {
      dropped = true;
    });
    const box1 = await login('BOX-0001', { clientId: bridgeId, clean: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(dropped).toBe(false);

    // The bridge goes away for a while, readings queue in its session, and a device tries the bridge's id with a
    // clean start (which, had it been the bridge's session, would have deleted them).
    await bridge.endAsync();
    for (let i = 0; i < 20; i++)
      await box1.publishAsync('bio_supply/telemetry/box/BOX-0001', `{"seq":${i}}`, { qos: 1 });
    await (await login('BOX-0002', { clientId: bridgeId, clean: true })).endAsync();

    const heard: string[] = [];
    const back = mqtt.connect(broker.bridgeUrl, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      username: 'bridge',
      password: passwords.bridge,
      ...bridgeOptions,
      manualConnect: true,
    });
    clients.push(back);
    back.on('message', (_topic, payload) => heard.push(String(payload)));
    back.connect();
    await expect.poll(() => heard.length, { timeout: 5000 }).toBe(20);
    // Leave no persistent session behind.
    await (await login('bridge', { clientId: bridgeId, clean: true })).endAsync();
  });

  it('refuses to create a device whose code would be a client id the platform reserves', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bst-mosquitto-reserved-'));
    try {
      for (const code of ['bridge', 'bst-twin-bridge-1', 'bst-anything']) {
        expect(() => makePasswords(dir, `${code}:pw`), code).toThrow(/reserved/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps every reading acknowledged to a device through a SIGKILL: what the broker saved, and the device replays the rest', async () => {
    const conf = readFileSync(join(mosquittoDir, 'mosquitto.conf'), 'utf8');
    // Saved by time, not per change (a per-change rewrite of a backlog starves the broker), and well inside the
    // devices' replay window: what a crash loses since the last save, the devices publish again.
    expect(conf).toMatch(/^autosave_on_changes false$/m);
    const saveEverySeconds = Number(/^autosave_interval (\d+)$/m.exec(conf)?.[1]);
    expect(saveEverySeconds * 1000 * 3).toBeLessThanOrEqual(defaultReplayWindowMs);
    const bridgeOptions = {
      clientId: 'bst-twin-bridge-persistence-test',
      clean: false,
      properties: { sessionExpiryInterval: 600 },
    };
    const bridge = await login('bridge', bridgeOptions);
    await bridge.subscribeAsync('bio_supply/#', { qos: 1 });
    await bridge.endAsync();
    // The bridge's session is older than a save in production: let one pass.
    await new Promise((resolveSave) => setTimeout(resolveSave, (saveEverySeconds + 1) * 1000));
    // The bridge is away; a thousand readings queue in its session, each acknowledged to the simulator, and the broker
    // is killed before its next save.
    const simulator = await login('simulator', { reconnectPeriod: 100 });
    const device = publishWithReplay(simulator);
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) => device.publish('bio_supply/telemetry/box/BOX-0001', `{"seq":${i}}`)),
    );
    await broker.crash();
    await expect.poll(() => device.stats().replayed, { timeout: 10_000 }).toBeGreaterThanOrEqual(1000);
    await expect.poll(() => device.stats().window, { timeout: 10_000 }).toBeGreaterThanOrEqual(1000);
    await simulator.endAsync(true);

    const heard = new Set<string>();
    const back = mqtt.connect(broker.bridgeUrl, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      username: 'bridge',
      password: passwords.bridge,
      ...bridgeOptions,
      manualConnect: true,
    });
    clients.push(back);
    back.on('message', (_topic, payload) => heard.add(String(payload)));
    back.connect();
    await expect.poll(() => heard.size, { timeout: 10_000 }).toBe(1000);
    await (await login('bridge', { clientId: bridgeOptions.clientId, clean: true })).endAsync();
  });
});
