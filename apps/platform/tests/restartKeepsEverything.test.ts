import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repository = fileURLToPath(new URL('../../..', import.meta.url));
const MINUTE = 60_000;

interface Started {
  child: ChildProcess;
  output: () => string;
  tokens: { viewer: string; operator: string };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `npm start` as a user runs it: the real entry point in its own process, on embedded adapters in `dataDir`. */
async function npmStart(dataDir: string, ports: Record<string, number>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/platform/src/main.ts'], {
    cwd: repository,
    env: {
      ...process.env,
      PGLITE_DIR: join(dataDir, 'core'),
      SIMULATOR: 'off',
      GATEWAY_PORT: String(ports.gateway),
      CORE_PORT: String(ports.core),
      TWIN_PORT: String(ports.twin),
      DASHBOARD_PORT: String(ports.dashboard),
      MQTT_PORT: String(ports.mqtt),
      DATABASE_URL: '',
      REDIS_URL: '',
      MQTT_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const deadline = Date.now() + 100_000;
  while (!output.includes('Ctrl-C stops everything')) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const token = (role: string) => new RegExp(`^\\s+${role}\\s+(\\S+)$`, 'm').exec(output)?.[1] ?? '';
  return { child, output: () => output, tokens: { viewer: token('viewer'), operator: token('operator') } };
}

/** Ctrl-C: SIGINT, and the platform must stop cleanly (exit code 0). */
async function ctrlC(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  started.child.kill('SIGINT');
  return exited;
}

describe('npm start, an excursion, an acknowledgement with a note, Ctrl-C, npm start: all of it still there', () => {
  let dataDir: string;
  let ports: Record<string, number>;
  let running: Started | null = null;
  // The last reading a minute ago: recent enough that no SENSOR_OFFLINE comes while the test runs.
  const base = Math.floor((Date.now() - 62 * MINUTE) / MINUTE) * MINUTE;
  const iso = (m: number) => new Date(base + m * MINUTE).toISOString();

  const graph = async <T>(query: string, variables: Record<string, unknown>, token: string) => {
    const response = await fetch(`http://127.0.0.1:${ports.gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: T; errors?: { message: string }[] };
  };

  const record = `query ($since: DateTime, $until: DateTime) { container(code: "BOX-0004") {
    live { temperatureC at }
    alerts(kinds: [TEMPERATURE_HIGH]) { id kind state startedAt endedAt acknowledgedBy note }
    readings(since: $since, until: $until) { at temperatureC }
    compliance(since: $since, until: $until) { readings excursionCount excursionMinutes budgetUsedMinutes }
  } }`;
  const window = { since: iso(0), until: iso(60) };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bst-restart-'));
    ports = {
      gateway: await freePort(),
      core: await freePort(),
      twin: await freePort(),
      dashboard: await freePort(),
      mqtt: await freePort(),
    };
  });
  afterAll(async () => {
    if (running && running.child.exitCode === null) await ctrlC(running);
    await rm(dataDir, { recursive: true, force: true });
  });

  let before: unknown;

  it('keeps an excursion, its acknowledgement and note, the readings and compliance across Ctrl-C and npm start', async () => {
    running = await npmStart(dataDir, ports);
    const device = await connectAsync(`mqtt://127.0.0.1:${ports.mqtt}`, { reconnectPeriod: 0 });
    // An hour of readings a minute apart, twenty minutes of them too warm.
    for (let m = 0; m <= 60; m++) {
      await device.publishAsync(
        'bio_supply/telemetry/box/BOX-0004',
        JSON.stringify({ temperature: m >= 20 && m < 40 ? 11.5 : 5, timestamp: iso(m) }),
        { qos: 1 },
      );
    }
    await device.endAsync();

    let answer: { data?: { container: { alerts: { id: string; endedAt: string | null }[]; readings: unknown[] } } } =
      {};
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      answer = await graph(record, window, running.tokens.viewer);
      if (answer.data?.container.readings.length === 61 && answer.data.container.alerts[0]?.endedAt) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const id = answer.data!.container.alerts[0]!.id;
    const acknowledged = await graph(
      'mutation ($id: ID!) { acknowledgeAlert(id: $id, note: "compressor restarted, product quarantined") { state note } }',
      { id },
      running.tokens.operator,
    );
    expect(acknowledged.errors).toBeUndefined();
    // Give the archiver a moment to take the acknowledgement into the archive (it would also do so after the restart).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    before = (await graph(record, window, running.tokens.viewer)).data;
    expect(before).toMatchObject({
      container: {
        live: { temperatureC: 5, at: iso(60) },
        alerts: [
          {
            kind: 'TEMPERATURE_HIGH',
            state: 'CLEARED_ACKNOWLEDGED',
            startedAt: iso(20),
            endedAt: iso(40),
            note: 'compressor restarted, product quarantined',
          },
        ],
        compliance: { readings: 61, excursionCount: 1, excursionMinutes: 20, budgetUsedMinutes: 20 },
      },
    });

    expect(await ctrlC(running)).toBe(0);
    running = await npmStart(dataDir, ports);
    const after = await graph(record, window, running.tokens.viewer);
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual(before);
    const audit = await graph<{ container: { temperatureRecord: { csv: string } } }>(
      'query ($since: DateTime, $until: DateTime) { container(code: "BOX-0004") { temperatureRecord(since: $since, until: $until) { csv } } }',
      window,
      running.tokens.viewer,
    );
    expect(audit.data?.container.temperatureRecord.csv).toContain('compressor restarted, product quarantined');
    expect(await ctrlC(running)).toBe(0);
  }, 240_000);
});
