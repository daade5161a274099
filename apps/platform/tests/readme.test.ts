import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpawnedPlatform, spawnPlatform } from './support/spawnPlatform.ts';

const readme = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8');
const run = promisify(execFile);
const box0002 =
  /"transition":"RAISED","alert":\{"id":"([^"]+)","kind":"TEMPERATURE_HIGH","state":"ACTIVE_UNACKNOWLEDGED","container":\{"code":"BOX-0002","site":\{"name":"London Clinical Hub"\}/;

/** The bash blocks of the README's "Your first ten minutes", in order: the commands a new user types. */
function firstTenMinutes(): string[] {
  const section = readme.split(/^## Your first ten minutes$/m)[1]?.split(/^## /m)[0] ?? '';
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]!.trim());
}

describe('a new user’s first ten minutes, with the README’s own commands', () => {
  const steps = firstTenMinutes();
  let platform: SpawnedPlatform;
  let subscription: ChildProcess | undefined;
  let events = '';

  /** A README command as written, pointed at this test's ports instead of the defaults. */
  const onTestPorts = (command: string) =>
    command
      .replaceAll('127.0.0.1:4000', `127.0.0.1:${platform.ports.gateway}`)
      .replaceAll('-p 1884', `-p ${platform.ports.mqtt}`);

  beforeAll(async () => {
    expect(steps[0]).toBe('npm install\nnpm start');
    // `npm start`'s own command (package.json's scripts.start), on free ports: the user's 4000 may be taken here.
    platform = await spawnPlatform();
  }, 120_000);

  afterAll(async () => {
    subscription?.kill('SIGINT');
    if (platform) {
      const { code } = await platform.stop('SIGINT');
      await platform.cleanup();
      expect(code).toBe(0);
    }
  });

  it('walks through five steps: start, subscribe, publish, query, acknowledge', () => {
    expect(steps).toHaveLength(5);
    expect(steps[1]).toMatch(/^curl -sN .*text\/event-stream/);
    expect(steps[2]).toMatch(/^mosquitto_pub -p 1884 -q 1 -t bio_supply\/telemetry\/box\//);
    expect(steps[3]).toMatch(/^curl -s /);
    expect(steps[4]).toContain('acknowledgeAlert');
  });

  it('step 2: the SSE subscription receives the demo’s first alert within a minute', async () => {
    subscription = spawn('bash', ['-c', onTestPorts(steps[1]!)], { stdio: ['ignore', 'pipe', 'inherit'] });
    subscription.stdout?.on('data', (chunk: Buffer) => {
      events += chunk.toString();
    });
    // The back-filled history's alerts come first; then the opening excursion, live.
    await expect
      .poll(() => box0002.exec(events)?.[1], { timeout: 60_000, interval: 500 })
      .toMatch(/^container:BOX-0002:TEMPERATURE_HIGH:/);
  }, 70_000);

  it('step 3 and 4: a reading published with mosquitto_pub is the container’s live state in the graph', async () => {
    await run('bash', ['-c', onTestPorts(steps[2]!)]);
    await expect
      .poll(
        async () => {
          const { stdout } = await run('bash', ['-c', onTestPorts(steps[3]!)]);
          return JSON.parse(stdout) as { data: { container: { live: { temperatureC: number } | null } } };
        },
        { timeout: 5000, interval: 200 },
      )
      .toMatchObject({
        data: {
          container: {
            label: 'Dry-ice shipper',
            site: { name: 'Berlin Biobank' },
            storageProfile: { name: 'Frozen' },
            live: { temperatureC: -18.5 },
          },
        },
      });
  });

  it('step 5: the operator acknowledges the alert the subscription announced', async () => {
    const alertId = box0002.exec(events)?.[1];
    expect(alertId).toBeDefined();
    // The two placeholders the README asks the user to fill in, filled in from what npm start and step 2 printed.
    const command = onTestPorts(steps[4]!)
      .split('\n')
      .filter((line) => !/^(OPERATOR_TOKEN|ALERT_ID)=/.test(line))
      .join('\n');
    const { stdout } = await run('bash', ['-c', command], {
      env: { ...process.env, OPERATOR_TOKEN: platform.tokens.operator, ALERT_ID: alertId },
    });
    expect(JSON.parse(stdout)).toEqual({
      data: { acknowledgeAlert: { state: expect.stringMatching(/_ACKNOWLEDGED$/), acknowledgedBy: 'dev-operator' } },
    });
  });
});
