/// <reference lib="dom" />
// page.evaluate callbacks run in the browser.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../src/index.ts';
import { freePorts } from './support/spawnPlatform.ts';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
// DASHBOARD_SCREENSHOTS=docs writes the README's screenshots; by default they go to a temporary folder.
const screenshotDir =
  process.env.DASHBOARD_SCREENSHOTS === 'docs'
    ? resolve(import.meta.dirname, '../../../docs')
    : join(tmpdir(), 'bst-dashboard-screenshots');

/** Share of the element's pixels that differ from its most common colour: 0 for a blank rectangle. */
async function nonBackgroundShare(page: Page, selector: string): Promise<number> {
  const png = (await page.locator(selector).screenshot()).toString('base64');
  return page.evaluate(async (data) => {
    const image = new Image();
    image.src = `data:image/png;base64,${data}`;
    await image.decode();
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, image.width, image.height).data;
    const counts = new Map<number, number>();
    for (let i = 0; i < pixels.length; i += 4) {
      const key = (pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const total = pixels.length / 4;
    return 1 - Math.max(...counts.values()) / total;
  }, png);
}

/** Whether the page scrolls sideways at this width (it must not, from a phone to a wide desktop). */
function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

describe('the dashboard on the real platform, offline, in Chromium', () => {
  let platform: Platform;
  let startedAt: number;
  let ports: { gateway: number; core: number; twin: number; mqtt: number };
  let pgliteDir: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const offsite: string[] = [];

  beforeAll(async () => {
    pgliteDir = await mkdtemp(join(tmpdir(), 'bst-dashboard-'));
    const [gateway, core, twin, mqtt] = (await freePorts(4)) as [number, number, number, number];
    ports = { gateway, core, twin, mqtt };
    // A fresh start: empty twin, so the simulator back-fills 24 h and plays the demo's opening.
    platform = await startPlatform({ ports, pgliteDir, bridgeClientId: `bst-dashboard-test-${gateway}` });
    startedAt = Date.now();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // No internet: anything not served by this platform is refused, as on a machine without a network.
    await page.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => {
        offsite.push(route.request().url());
        return route.abort('internetdisconnected');
      },
    );
    await page.addInitScript(`localStorage.setItem('bst.token', ${JSON.stringify(platform.tokens.operator)})`);
    await page.goto(platform.urls.dashboard);
    await mkdir(screenshotDir, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await rm(pgliteDir, { recursive: true, force: true });
  });

  it('raises a temperature alert within 60 s of a fresh start, and the page shows it', async () => {
    const alert = page.locator('#alerts li[data-kind="TEMPERATURE_HIGH"][data-severity]', { hasText: 'BOX-0002' });
    await alert.first().waitFor({ timeout: 60_000 - (Date.now() - startedAt) });
    expect(Date.now() - startedAt).toBeLessThan(60_000);
    expect(await alert.first().textContent()).toContain('active unacknowledged');
    expect(await page.locator('tr[data-code="BOX-0002"]').getAttribute('data-status')).toBe('excursion');
  }, 70_000);

  it('draws the country outlines without tiles: the map is not a blank rectangle', async () => {
    await expect.poll(() => page.locator('#map').getAttribute('data-basemap'), { timeout: 10_000 }).toBe('outlines');
    await page.locator('#map').scrollIntoViewIfNeeded();
    expect(await page.locator('.leaflet-overlay-pane path').count()).toBeGreaterThan(50);
    expect(await nonBackgroundShare(page, '#map')).toBeGreaterThan(0.2);
    expect(await page.locator('.site-name', { hasText: 'Berlin Biobank' }).count()).toBe(1);
    expect(offsite.every((url) => url.startsWith('https://tile.openstreetmap.org/'))).toBe(true);
  });

  it('states time in range over the covered time with the coverage beside it, from the back-filled day', async () => {
    const cell = page.locator('tr[data-code="BOX-0005"] td[data-figure="time-in-range"]');
    // Figures loaded while the history was still arriving are reloaded once the alert events of its upload settle.
    await expect
      .poll(() => cell.locator('[data-figure="coverage"]').textContent(), { timeout: 30_000 })
      .toMatch(/with data \((9\d|100)\.\d % covered\)/);
    expect(await cell.locator('.headline').textContent()).toMatch(/^\d+\.\d %$/);
  });

  it('charts a container’s 24 h with its storage band and its excursions shaded', async () => {
    await page.locator('tr[data-code="FRZ-BER-01"]').click();
    const chart = page.locator('#detail .chart[data-drawn="true"] canvas');
    await chart.waitFor({ timeout: 15_000 });
    const colours = await chart.evaluate((canvas: HTMLCanvasElement) => {
      const context = canvas.getContext('2d')!;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let band = 0;
      let excursion = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
        if (g > r + 15 && g > b + 5 && data[i + 3]! > 0) band++;
        if (r > g + 15 && r > b + 15 && data[i + 3]! > 0) excursion++;
      }
      return { band, excursion };
    });
    expect(colours.band).toBeGreaterThan(1000);
    expect(colours.excursion).toBeGreaterThan(100);
    expect(await page.locator('#detail .figures').textContent()).toContain('Excursions');
  });

  it('shows a sample’s exposure across the containers that held it', async () => {
    await page.locator('tr[data-code="BOX-0002"]').click();
    await page.locator('#detail button[data-sample="SAMPLE-0002"]').click();
    const hops = page.locator('#detail .exposure .hops li');
    await hops.first().waitFor({ timeout: 10_000 });
    expect(await hops.first().getAttribute('data-container')).toBe('BOX-0002');
    expect(await page.locator('#detail .exposure').textContent()).toMatch(/out of range in \d+ excursions/);
  });

  it('lists the unregistered code the simulator sends, and the legend counts what the header counts', async () => {
    await page.locator('#unregistered li[data-code="BOX-0099"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('#ingest [data-stat="unregistered"] dd').textContent()).toMatch(/from 1 code$/);
    expect(await page.locator('.legend [data-status="unregistered"] .legend-count').textContent()).toBe('1');
  });

  it('acknowledges an alert with a note as an operator', async () => {
    const card = page.locator('#alerts li[data-kind="TEMPERATURE_HIGH"]', { hasText: 'BOX-0002' }).first();
    await card.locator('input').fill('lid closed, contents checked');
    await card.locator('button.acknowledge').click();
    await expect.poll(() => card.locator('.alert-state').textContent(), { timeout: 10_000 }).toMatch(/acknowledged$/);
    expect(await card.textContent()).toContain('lid closed, contents checked');
    expect(await card.locator('button.acknowledge').count()).toBe(0);
  });

  it('tells an anonymous visitor how to acknowledge without speaking of a token they do not have', async () => {
    const anonymous = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await anonymous.route(
        (url) => url.hostname !== '127.0.0.1',
        (route) => route.abort('internetdisconnected'),
      );
      await anonymous.goto(platform.urls.dashboard);
      const button = anonymous.locator('#alerts li button.acknowledge').first();
      await button.waitFor({ timeout: 30_000 });
      await button.click();
      const notice = anonymous.locator('#notice');
      await expect.poll(() => notice.isVisible(), { timeout: 10_000 }).toBe(true);
      const text = (await notice.textContent()) ?? '';
      expect(text).toContain('operator token');
      expect(text.toLowerCase()).not.toContain('your token');
    } finally {
      await anonymous.close();
    }
  });

  it('fits a phone (390 px) and a desktop (1440 px) without scrolling sideways', async () => {
    // The freezer's day, with its failures shaded, is the chart the screenshots show.
    await page.locator('tr[data-code="FRZ-BER-01"]').click();
    await page.locator('#detail .chart[data-drawn="true"]').waitFor({ timeout: 15_000 });
    for (const [width, height, name, fullPage] of [
      [390, 844, 'dashboard-phone.png', false],
      [1440, 900, 'dashboard-desktop.png', true],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(500);
      expect(await overflowsHorizontally(page), `${width} px`).toBe(false);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(screenshotDir, name), fullPage });
    }
    for (const width of [1280, 1920, 768]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(300);
      expect(await overflowsHorizontally(page), `${width} px`).toBe(false);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('says unmistakably that the backend is offline, then recovers after a restart without ghost alerts', async () => {
    expect(await page.locator('#alerts li').count()).toBeGreaterThan(0);
    await platform.stop();
    const banner = page.locator('#backend-banner');
    await expect.poll(() => banner.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await banner.textContent()).toContain('Backend offline');
    expect(await page.locator('#connection').textContent()).toBe('backend offline');
    expect(await page.locator('body').getAttribute('data-backend')).toBe('offline');

    // The twin store is in memory: the restarted backend knows no alerts, so none may linger on the page.
    platform = await startPlatform({
      ports,
      pgliteDir,
      simulator: false,
      bridgeClientId: `bst-dashboard-test-${ports.gateway}`,
    });
    await expect.poll(() => banner.isVisible(), { timeout: 20_000 }).toBe(false);
    await expect.poll(() => page.locator('#connection').textContent(), { timeout: 10_000 }).toBe('live');
    await expect.poll(() => page.locator('#alerts li').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.locator('#alerts-empty').isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
