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
    await expect.poll(() => rows.count()).toBe(4);
    expect(await page.locator('tr[data-code="BOX-0001"]').getAttribute('data-status')).toBe('in-range');
    expect(await page.locator('tr[data-code="BOX-0002"]').getAttribute('data-status')).toBe('excursion');
    expect(await page.locator('tr[data-code="FRG-LON-01"]').getAttribute('data-status')).toBe('offline');
    const box1 = await page.locator('tr[data-code="BOX-0001"]').textContent();
    expect(box1).toContain('4.2 °C');
    expect(box1).toContain('97.5 %');
    expect(box1).toContain('5.12 °C');
    await expect.poll(() => page.locator('path.leaflet-interactive').count()).toBe(4);
    expect(await page.locator('#ingest').textContent()).toContain('1234');
    expect(pageErrors).toEqual([]);
  });

  it('headlines time in range, and shows no figure for a container without readings, never 100 %', async () => {
    const figures = (code: string) => page.locator(`tr[data-code="${code}"] td[data-figure]`).allTextContents();
    expect(await figures('BOX-0001')).toEqual(['96.3 %', '97.5 % of 120']);
    const [timeInRange, readings] = await figures('BOX-0003');
    expect(timeInRange).toBe('— no data');
    expect(readings).toBe('0 readings');
    expect(await page.locator('tr[data-code="BOX-0003"]').textContent()).not.toContain('100');
    // The headline comes first in the table.
    const headers = await page.locator('#containers thead th').allTextContents();
    expect(headers.indexOf('Time in range')).toBeLessThan(headers.indexOf('Readings in range'));
  });

  it('fans out markers of containers at the same site instead of stacking them', async () => {
    const centre = async (code: string) => {
      const box = (await page.locator(`path.leaflet-interactive[data-code="${code}"]`).boundingBox())!;
      return { x: box.x + box.width / 2, y: box.y + box.height / 2, size: box.width };
    };
    const gap = async (one: string, other: string) => {
      const [a, b] = [await centre(one), await centre(other)];
      return Math.hypot(a.x - b.x, a.y - b.y) - a.size;
    };
    // Both Berlin boxes stand at one site: each is drawn clear of the other.
    await expect.poll(() => gap('BOX-0001', 'BOX-0003')).toBeGreaterThan(0);
    // London's two containers are 2 km apart: one spot at this zoom, so they fan out too.
    await expect.poll(() => gap('BOX-0002', 'FRG-LON-01')).toBeGreaterThan(0);
    expect(await page.locator('.legend').textContent()).toContain('offline (no recent reading) 2');
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
        at: new Date().toISOString(),
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
    expect(pageErrors).toEqual([]);
  });

  it('puts a critical alert on top and writes its times in local time with their age', async () => {
    const first = page.locator('#alerts li').first();
    expect(await first.getAttribute('data-id')).toBe('A-2');
    expect(await first.getAttribute('data-severity')).toBe('CRITICAL');
    const since = first.locator('time').first();
    const startedAt = await since.getAttribute('datetime');
    const local = await page.evaluate(
      (iso) => new Date(iso!).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }),
      startedAt,
    );
    expect(await since.textContent()).toBe(`since ${local} · just now`);
  });

  it('corrects an announced alert in place when a late reading UPDATES it', async () => {
    const startedAt = new Date(Date.now() - 20 * 60_000).toISOString();
    pushAlert('UPDATED', { ...alertA1(), severity: 'CRITICAL', peakValue: 12.8, startedAt });
    const card = page.locator('#alerts li[data-id="A-1"]');
    await expect.poll(() => card.getAttribute('data-severity')).toBe('CRITICAL');
    expect(await card.count()).toBe(1);
    expect(await page.locator('#alerts li').count()).toBe(2);
    const text = await card.textContent();
    expect(text).toContain('peak 12.8 °C');
    expect(text).toContain('Corrected by a late reading');
    expect(text).toContain('20 min. ago');
  });

  it('greys out a WITHDRAWN alert with its reason, and it no longer counts against the container', async () => {
    pushLive('BOX-0001', 5.1);
    await expect.poll(() => page.locator('tr[data-code="BOX-0001"]').getAttribute('data-status')).toBe('in-range');
    pushAlert('RAISED', alertA3('ACTIVE_UNACKNOWLEDGED'));
    const card = page.locator('#alerts li[data-id="A-3"]');
    await expect.poll(() => card.count()).toBe(1);
    expect(await page.locator('tr[data-code="BOX-0001"]').getAttribute('data-status')).toBe('excursion');
    pushAlert('WITHDRAWN', alertA3('ACTIVE_UNACKNOWLEDGED'));
    await expect.poll(() => card.getAttribute('class')).toContain('withdrawn');
    expect(await card.textContent()).toContain('Withdrawn: a late reading showed this excursion never happened');
    expect(await card.locator('button.acknowledge').count()).toBe(0);
    expect(await card.locator('.alert-state').textContent()).toBe('withdrawn');
    expect(await page.locator('#alerts li').last().getAttribute('data-id')).toBe('A-3');
    await expect.poll(() => page.locator('tr[data-code="BOX-0001"]').getAttribute('data-status')).toBe('in-range');
  });

  it('marks an offline container in the table and on the map, and lifts the mark when it reports again', async () => {
    const row = page.locator('tr[data-code="FRG-LON-01"]');
    expect(await row.getAttribute('class')).toContain('offline');
    expect(await row.locator('.status-label').textContent()).toBe('offline');
    expect(await row.textContent()).toContain('25 min. ago');
    const marker = page.locator('path.leaflet-interactive[data-code="FRG-LON-01"]');
    expect(await marker.getAttribute('stroke-dasharray')).toBe('3 3');

    pushLive('BOX-0002', 11.2, true);
    const box2 = page.locator('tr[data-code="BOX-0002"]');
    await expect.poll(() => box2.getAttribute('data-status')).toBe('offline');
    expect(await box2.locator('.status-label').textContent()).toBe('offline');
    pushLive('BOX-0002', 11.4);
    await expect.poll(() => box2.getAttribute('data-status')).toBe('excursion');
    expect(await page.locator('path.leaflet-interactive[data-code="BOX-0002"]').getAttribute('stroke-dasharray')).toBe(
      null,
    );

    await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT ?? '/tmp/bst-dashboard.png' });
    expect(pageErrors).toEqual([]);
  });

  function pushLive(containerCode: string, temperatureC: number, stale = false) {
    const at = new Date(Date.now() - (stale ? 30 * 60_000 : 0)).toISOString();
    gateway.push({
      liveState: { containerCode, live: { temperatureC, humidityPct: 50, location: null, status: 'idle', at, stale } },
    });
  }

  function pushAlert(transition: string, alert: Record<string, unknown>) {
    gateway.push({ alertEvents: { transition, at: new Date().toISOString(), alert } });
  }

  function alertA1() {
    return { ...world.alerts.find((alert) => alert.id === 'A-1')!, container: { code: 'BOX-0002' } };
  }

  function alertA3(state: string) {
    return {
      ...alertA1(),
      id: 'A-3',
      container: { code: 'BOX-0001' },
      state,
      acknowledgedAt: null,
      peakValue: 8.6,
      message: 'Temperature 8.6 °C above 8 °C for 5 min',
    };
  }
});
