import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../src/index.ts';
import { query } from './support/graph.ts';
import { platformContract } from './support/platformContract.ts';

describe('npm start: the whole platform in one process on embedded adapters (PGlite, memory store, aedes)', () => {
  let platform: Platform;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bst-platform-'));
    platform = await startPlatform({
      ports: { gateway: 0, core: 0, twin: 0, mqtt: 0 },
      pgliteDir: join(dataDir, 'core'),
      twinDataDir: join(dataDir, 'twin'),
      archiveDir: join(dataDir, 'archive'),
      simulator: false,
    });
  });
  afterAll(async () => {
    await platform?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('needs no external service: every adapter is the embedded one, every port its own', () => {
    expect(platform.adapters).toEqual({ database: 'pglite', twinStore: 'memory', mqtt: 'embedded' });
    for (const url of [platform.urls.graph, platform.urls.dashboard, platform.urls.mqtt, platform.urls.core]) {
      expect(url).toMatch(/^\w+:\/\/127\.0\.0\.1:\d+/);
      expect(url).not.toMatch(/:(4000|4001|4002|1883|1884)\b/);
    }
    expect(platform.running).toEqual(
      expect.arrayContaining(['mqtt-broker', 'core', 'twin-store', 'twin-subgraph', 'twin-bridge', 'gateway']),
    );
  });

  it('prints dev tokens for every role that the gateway accepts, and still refuses a forged one', async () => {
    expect(Object.keys(platform.tokens).sort()).toEqual(['admin', 'operator', 'viewer']);
    for (const token of Object.values(platform.tokens)) {
      expect((await query(platform, '{ container(code: "BOX-0002") { code } }', token)).errors).toBeUndefined();
    }
    const forged = await query(platform, '{ container(code: "BOX-0002") { code } }', `${platform.tokens.admin}x`);
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('serves the dashboard from the gateway, so the page and /graphql are one origin without a proxy', async () => {
    expect(new URL(platform.urls.dashboard).origin).toBe(new URL(platform.urls.graph).origin);
    const page = await fetch(platform.urls.dashboard);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Bio Supply Twin');
    const proxied = await fetch(new URL('/graphql', platform.urls.dashboard), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${platform.tokens.viewer}` },
      body: JSON.stringify({ query: '{ container(code: "BOX-0001") { code } }' }),
    });
    expect(await proxied.json()).toEqual({ data: { container: { code: 'BOX-0001' } } });
  });

  platformContract(() => platform, '/tmp/bst-platform-embedded.png');

  const twinRecord =
    '{ container(code: "BOX-0001") { live { temperatureC at } } alerts { id kind state startedAt container { code } } }';
  let before: unknown;

  it('stops everything it started and frees its ports', async () => {
    before = (await query(platform, twinRecord, platform.tokens.viewer)).data;
    await platform.stop();
    await expect(fetch(platform.urls.graph)).rejects.toThrow();
    await expect(fetch(platform.urls.dashboard)).rejects.toThrow();
    await expect(fetch(platform.urls.core)).rejects.toThrow();
    await expect(connectAsync(platform.urls.mqtt, { reconnectPeriod: 0, connectTimeout: 1000 })).rejects.toThrow();
  });

  it('finds after a restart the live state and alerts the twin had (the memory store kept on disk)', async () => {
    platform = await startPlatform({
      ports: { gateway: 0, core: 0, twin: 0, mqtt: 0 },
      pgliteDir: join(dataDir, 'core'),
      twinDataDir: join(dataDir, 'twin'),
      archiveDir: join(dataDir, 'archive'),
      simulator: false,
    });
    const after = await query<{ container: { live: unknown }; alerts: unknown[] }>(
      platform,
      twinRecord,
      platform.tokens.viewer,
    );
    expect(after.errors).toBeUndefined();
    expect(after.data?.container.live).not.toBeNull();
    expect(after.data?.alerts.length).toBeGreaterThan(0);
    expect(after.data).toEqual(before);
  });
});
