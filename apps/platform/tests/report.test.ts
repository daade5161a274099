import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../src/index.ts';
import { eventually, publishReading, query } from './support/graph.ts';

const repository = fileURLToPath(new URL('../../..', import.meta.url));
const MINUTE = 60_000;

/** `npm run report -- …` in its own process, as an auditor runs it. */
function report(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/twin/src/report/main.ts', ...args], {
      cwd: repository,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run report: the auditor’s record from the graph', () => {
  let platform: Platform;
  let dir: string;
  let env: Record<string, string>;
  const base = Math.floor((Date.now() - 70 * MINUTE) / MINUTE) * MINUTE;
  const iso = (m: number) => new Date(base + m * MINUTE).toISOString();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bst-report-'));
    platform = await startPlatform({
      ports: { gateway: 0, core: 0, twin: 0, mqtt: 0 },
      simulator: false,
    });
    env = { BST_GATEWAY_URL: platform.urls.graph, BST_TOKEN: platform.tokens.viewer };
    for (let m = 0; m <= 60; m += 5) {
      await publishReading(platform, 'BOX-0004', { temperature: m >= 20 && m < 40 ? 12 : 5, timestamp: iso(m) });
    }
    await eventually(async () => {
      const answer = await query<{ container: { alerts: { endedAt: string | null }[] } }>(
        platform,
        '{ container(code: "BOX-0004") { alerts(kinds: [TEMPERATURE_HIGH]) { endedAt } } }',
        platform.tokens.viewer,
      );
      return answer.data?.container.alerts[0]?.endedAt ? true : undefined;
    }, 20_000);
  });
  afterAll(async () => {
    await platform?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the record as CSV with its SHA-256, and --verify catches a changed copy', async () => {
    const out = join(dir, 'box-0004.csv');
    const run = await report(['--container', 'BOX-0004', '--since', iso(0), '--until', iso(60), '--out', out], env);
    expect(run.code, run.stderr).toBe(0);
    const text = await readFile(out, 'utf8');
    const digest = createHash('sha256').update(text, 'utf8').digest('hex');
    expect(run.stderr).toContain(`sha256 ${digest}`);
    expect(text).toMatch(/^record,format,subject_type,subject_code/);
    expect(text).toContain('excursion,BOX-0004,TEMPERATURE_HIGH');
    expect((await report(['--verify', out, '--sha256', digest], env)).code).toBe(0);
    await writeFile(out, text.replace('12', '7'), 'utf8');
    const tampered = await report(['--verify', out, '--sha256', digest], env);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('MISMATCH');
  });

  it('names the option for an unknown code, a reversed window, and a window beyond retention; nothing written', async () => {
    const out = join(dir, 'never.json');
    const unknown = await report(['--container', 'BOX-NOPE', '--format', 'json', '--out', out], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^NOT_FOUND \(--container\)/);
    const reversed = await report(
      ['--container', 'BOX-0004', '--since', iso(60), '--until', iso(0), '--out', out],
      env,
    );
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toMatch(/^BAD_USER_INPUT \(--since\)/);
    const ancient = await report(['--container', 'BOX-0004', '--since', '1990-01-01T00:00:00Z', '--out', out], env);
    expect(ancient.code).toBe(2);
    expect(ancient.stderr).toMatch(/^BAD_USER_INPUT \(--since\)/);
    await expect(readFile(out)).rejects.toThrow();
  });

  it('gives a sample’s record across its custody hops and a shipment’s across its containers', async () => {
    const sample = await report(
      ['--sample', 'SAMPLE-0001', '--format', 'json', '--since', iso(0), '--until', iso(60)],
      env,
    );
    expect(sample.code, sample.stderr).toBe(0);
    expect(JSON.parse(sample.stdout)).toMatchObject({ subject: { type: 'SAMPLE', code: 'SAMPLE-0001' } });
    const shipment = await report(['--shipment', 'SHIP-BER-AMS-001', '--since', iso(0), '--until', iso(60)], env);
    expect(shipment.code, shipment.stderr).toBe(0);
    expect(shipment.stdout).toMatch(/^record,bst-temperature-record\/1,SHIPMENT,SHIP-BER-AMS-001/m);
  });
});
