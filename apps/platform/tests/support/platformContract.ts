import { createClient } from 'graphql-ws';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Platform } from '../../src/index.ts';
import { eventually, publishReading, query } from './graph.ts';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why a behaviour cannot be shown on this platform yet (a piece is not running), or null when it can. */
/** What the platform does whatever adapters run behind it; `screenshot` is where the dashboard is photographed. */
export function platformContract(current: () => Platform, screenshot: string): void {
  describe('the platform contract', () => {
    it('answers the seeded BOX-0001 with its site, through the gateway', async () => {
      const { data, errors } = await query<{ container: { code: string; site: { name: string } } }>(
        current(),
        '{ container(code: "BOX-0001") { code site { name } } }',
        current().tokens.viewer,
      );
      expect(errors).toBeUndefined();
      expect(data?.container).toEqual({ code: 'BOX-0001', site: { name: 'Berlin Biobank' } });
    });

    it('shows a reading published over MQTT as live state through the gateway within a second', async () => {
      const platform = current();
      expect(platform.missing).toEqual([]);
      const published = Date.now();
      await publishReading(platform, 'BOX-0001', {
        temperature: 5.5,
        humidity: 50,
        timestamp: new Date().toISOString(),
      });
      const live = await eventually(async () => {
        const { data } = await query<{ container: { live: { temperatureC: number } | null } }>(
          platform,
          '{ container(code: "BOX-0001") { live { temperatureC } } }',
          platform.tokens.viewer,
        );
        return data?.container.live?.temperatureC === 5.5 ? data.container.live : undefined;
      }, 1000);
      expect(live).toEqual({ temperatureC: 5.5 });
      expect(Date.now() - published).toBeLessThan(1000);
    });

    it('delivers the alert an out-of-range reading raises to a graphql-ws client of the gateway, with core fields', async () => {
      const platform = current();
      expect(platform.missing).toEqual([]);
      const client = createClient({
        url: platform.urls.graphWs,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${platform.tokens.viewer}` },
        retryAttempts: 0,
      });
      try {
        const events = client.iterate<{ alertEvents: unknown }>({
          query: `subscription { alertEvents(filter: { containerCodes: ["BOX-0002"] }) {
            transition alert { kind state container { code site { name } } } } }`,
        });
        const first = events.next();
        // An excursion is raised once out of range for the profile's delay, so the run starts that long ago.
        const { data } = await query<{ container: { storageProfile: { excursionDelaySeconds: number } } }>(
          platform,
          '{ container(code: "BOX-0002") { storageProfile { excursionDelaySeconds } } }',
          platform.tokens.viewer,
        );
        const delayMs = (data?.container.storageProfile.excursionDelaySeconds ?? 0) * 1000;
        // The gateway opens its upstream subscription asynchronously; a reading sent before it would raise unseen.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const now = Date.now();
        for (const at of [now - delayMs - 60_000, now]) {
          await publishReading(platform, 'BOX-0002', {
            temperature: 30,
            humidity: 50,
            timestamp: new Date(at).toISOString(),
          });
        }
        const { value } = await Promise.race([
          first,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no alert event within 5 s')), 5000)),
        ]);
        expect(value?.errors).toBeUndefined();
        expect(value?.data?.alertEvents).toEqual({
          transition: 'RAISED',
          alert: {
            kind: 'TEMPERATURE_HIGH',
            state: 'ACTIVE_UNACKNOWLEDGED',
            container: { code: 'BOX-0002', site: { name: 'London Clinical Hub' } },
          },
        });
        await events.return?.();
      } finally {
        await client.dispose();
      }
    });

    describe('in a browser (Debian chromium)', () => {
      let browser: Browser;
      beforeAll(async () => {
        browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
      });
      afterAll(async () => {
        await browser?.close();
      });

      it('an operator pastes a token and sees BOX-0001 with a live temperature', async () => {
        const platform = current();
        await publishReading(platform, 'BOX-0001', {
          temperature: 4.2,
          humidity: 55,
          timestamp: new Date().toISOString(),
        });
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        try {
          await page.goto(platform.urls.dashboard);
          await page.fill('#token', platform.tokens.operator);
          await page.click('#token-form button[type="submit"]');
          const row = page.locator('#containers tbody tr[data-code="BOX-0001"]');
          await row.waitFor({ timeout: 15_000 });
          expect(await row.textContent()).toContain('Berlin Biobank');
          await expect.poll(() => row.textContent(), { timeout: 5000 }).toContain('4.2 °C');
          await expect.poll(() => page.locator('#connection').textContent(), { timeout: 5000 }).toBe('live');
        } finally {
          await page.screenshot({ path: screenshot, fullPage: true });
          await page.close();
        }
      });
    });
  });
}
