import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, startDashboard } from '../src/index.ts';
import { demoWorld, type FakeWorld, startFakeGateway } from './fakeGateway.ts';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// CI installs Debian's chromium (.ci/run); there a missing browser is a failure, not a skip.
const runnable = existsSync(chromiumPath) || process.env.CI === 'true';

describe.skipIf(!runnable)('the operator page in headless Chromium (needs /usr/bin/chromium)', () => {
  let world: FakeWorld;
  let gateway: Awaited<ReturnType<typeof startFakeGateway>>;
  let dashboard: Dashboard;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    world = demoWorld();
    gateway = await startFakeGateway(world);
    dashboard = await startDashboard({ port: 0, gatewayUrl: gateway.url });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Offline: the map tiles fail fast instead of waiting for the network.
    await page.route('https://tile.openstreetmap.org/**', (route) => route.abort());
    await page.addInitScript("localStorage.setItem('bst.token', 'operator-token')");
    await page.goto(dashboard.url);
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await gateway?.stop();
  });

  it('lists every container with its status colour and compliance, and puts each on the map', async () => {
    const rows = page.locator('#containers tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await page.locator('tr[data-code="BOX-0001"]').getAttribute('data-status')).toBe('in-range');
    expect(await page.locator('tr[data-code="BOX-0002"]').getAttribute('data-status')).toBe('excursion');
    expect(await page.locator('tr[data-code="FRG-LON-01"]').getAttribute('data-status')).toBe('offline');
    const box1 = await page.locator('tr[data-code="BOX-0001"]').textContent();
    expect(box1).toContain('4.2 °C');
    expect(box1).toContain('97.5 %');
    expect(box1).toContain('5.12 °C');
    await expect.poll(() => page.locator('path.leaflet-interactive').count()).toBe(3);
    expect(await page.locator('#ingest').textContent()).toContain('1234');
    expect(pageErrors).toEqual([]);
  });

  it('sends the stored token as a bearer header and in connection_init', async () => {
    await expect.poll(() => gateway.subscribers()).toBe(2);
    expect(gateway.connectionParams).toContainEqual({ authorization: 'Bearer operator-token' });
    expect(await page.locator('#connection').textContent()).toBe('live: connected');
  });

  it('updates live temperature from the liveState subscription', async () => {
    gateway.push({
      liveState: {
        containerCode: 'BOX-0001',
        live: {
          temperatureC: 9.7,
          humidityPct: 50,
          location: null,
          status: 'in_transit',
          at: new Date().toISOString(),
          stale: false,
        },
      },
    });
    const row = page.locator('tr[data-code="BOX-0001"]');
    await expect.poll(() => row.textContent()).toContain('9.7 °C');
    expect(await row.getAttribute('data-status')).toBe('excursion');
  });

  it('shows alerts as they are raised and acknowledges one with a note', async () => {
    gateway.push({
      alertEvents: {
        transition: 'RAISED',
        alert: {
          id: 'A-2',
          kind: 'SENSOR_OFFLINE',
          severity: 'CRITICAL',
          state: 'ACTIVE_UNACKNOWLEDGED',
          container: { code: 'FRG-LON-01' },
          startedAt: new Date().toISOString(),
          endedAt: null,
          acknowledgedAt: null,
          message: 'No reading for 10 min',
        },
      },
    });
    await expect.poll(() => page.locator('#alerts li').count()).toBe(2);
    const first = page.locator('#alerts li[data-id="A-1"]');
    await first.locator('input').fill('door closed, product moved');
    await first.locator('button.acknowledge').click();
    await expect
      .poll(() => world.acknowledged)
      .toEqual([{ id: 'A-1', note: 'door closed, product moved', authorization: 'Bearer operator-token' }]);
    await expect.poll(() => page.locator('#alerts li[data-id="A-1"] button').count()).toBe(0);
    expect(await page.locator('#alerts li[data-id="A-1"]').textContent()).toContain('active acknowledged');
    await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT ?? '/tmp/bst-dashboard.png' });
    expect(pageErrors).toEqual([]);
  });
});
