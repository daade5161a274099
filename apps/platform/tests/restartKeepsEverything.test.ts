import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { type SpawnedPlatform, spawnPlatform } from './support/spawnPlatform.ts';

const MINUTE = 60_000;

describe('npm start, an excursion, an acknowledgement with a note, Ctrl-C, npm start: all of it still there', () => {
  let dataDir: string;
  let running: SpawnedPlatform | null = null;
  // The last reading a minute ago: recent enough that no SENSOR_OFFLINE comes while the test runs.
  const base = Math.floor((Date.now() - 62 * MINUTE) / MINUTE) * MINUTE;
  const iso = (m: number) => new Date(base + m * MINUTE).toISOString();
  const window = { since: iso(0), until: iso(60) };
  const record = `query ($since: DateTime, $until: DateTime) { container(code: "BOX-0004") {
    live { temperatureC at }
    alerts(kinds: [TEMPERATURE_HIGH]) { id kind state startedAt endedAt acknowledgedBy note }
    readings(since: $since, until: $until) { at temperatureC }
    compliance(since: $since, until: $until) { readings excursionCount excursionMinutes budgetUsedMinutes }
  } }`;

  const graph = async <T>(
    platform: SpawnedPlatform,
    query: string,
    variables: Record<string, unknown>,
    token: string,
  ) => {
    const response = await fetch(platform.urls.graph, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: T; errors?: { message: string }[] };
  };

  afterAll(async () => {
    await running?.cleanup();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps an excursion, its acknowledgement and note, the readings and compliance across Ctrl-C and npm start', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bst-restart-'));
    running = await spawnPlatform({ SIMULATOR: 'off' }, { dataDir });
    const device = await connectAsync(running.urls.mqtt, { reconnectPeriod: 0 });
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
      answer = await graph(running, record, window, running.tokens.viewer);
      if (answer.data?.container.readings.length === 61 && answer.data.container.alerts[0]?.endedAt) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const id = answer.data!.container.alerts[0]!.id;
    const acknowledged = await graph(
      running,
      'mutation ($id: ID!) { acknowledgeAlert(id: $id, note: "compressor restarted, product quarantined") { state note } }',
      { id },
      running.tokens.operator,
    );
    expect(acknowledged.errors).toBeUndefined();
    // Give the archiver a moment to take the acknowledgement in (it would also do so after the restart).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = (await graph(running, record, window, running.tokens.viewer)).data;
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

    expect((await running.stop('SIGINT')).code).toBe(0);
    running = await spawnPlatform({ SIMULATOR: 'off' }, { dataDir });
    const after = await graph(running, record, window, running.tokens.viewer);
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual(before);
    const audit = await graph<{ container: { temperatureRecord: { csv: string } } }>(
      running,
      'query ($since: DateTime, $until: DateTime) { container(code: "BOX-0004") { temperatureRecord(since: $since, until: $until) { csv } } }',
      window,
      running.tokens.viewer,
    );
    expect(audit.data?.container.temperatureRecord.csv).toContain('compressor restarted, product quarantined');
    expect((await running.stop('SIGINT')).code).toBe(0);
  }, 240_000);
});
