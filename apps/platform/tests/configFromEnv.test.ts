import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv, defaultPorts } from '../src/index.ts';

const dev = { AUTH_MODE: 'dev' };
const devConfig = (env: Record<string, string>) => configFromEnv({ ...dev, ...env });

describe('npm start reads its adapters from the environment', () => {
  it('without DATABASE_URL, REDIS_URL or MQTT_URL everything is embedded: PGlite under .data/core, standard ports', () => {
    const options = devConfig({});
    expect(options).toMatchObject({
      pgliteDir: resolve('.data/core'),
      twinDataDir: resolve('.data/twin'),
      archiveDir: resolve('.data/archive'),
      archiveRetentionYears: 10,
      ports: defaultPorts,
      simulator: {},
    });
    // One DATA_DIR moves everything the platform keeps; PGLITE_DIR, TWIN_DATA_DIR and ARCHIVE_DIR move one piece each.
    expect(devConfig({ DATA_DIR: '/srv/bst' })).toMatchObject({
      pgliteDir: '/srv/bst/core',
      twinDataDir: '/srv/bst/twin',
      archiveDir: '/srv/bst/archive',
    });
    expect(devConfig({ ARCHIVE_DIR: '/srv/archive' }).archiveDir).toBe('/srv/archive');
    expect(devConfig({ TWIN_ARCHIVE_RETENTION_YEARS: '7' }).archiveRetentionYears).toBe(7);
    expect(() => devConfig({ TWIN_ARCHIVE_RETENTION_YEARS: 'forever' })).toThrow(/TWIN_ARCHIVE_RETENTION_YEARS/);
    expect(devConfig({ PGLITE_DIR: '/srv/pg' })).toMatchObject({
      pgliteDir: '/srv/pg',
      twinDataDir: resolve('.data/twin'),
    });
    expect(devConfig({ TWIN_DATA_DIR: '/srv/twin-store' }).twinDataDir).toBe('/srv/twin-store');
    expect(options.databaseUrl).toBeUndefined();
    expect(options.redisUrl).toBeUndefined();
    expect(options.mqttUrl).toBeUndefined();
    expect(defaultPorts).toEqual({ gateway: 4000, core: 4001, twin: 4002, mqtt: 1884 });
  });

  it('each real service URL replaces its embedded adapter', () => {
    const options = devConfig({
      DATABASE_URL: 'postgres://postgres@db:5432/bst',
      REDIS_URL: 'redis://cache:6379',
      MQTT_URL: 'mqtt://broker:1883',
    });
    expect(options).toMatchObject({
      databaseUrl: 'postgres://postgres@db:5432/bst',
      redisUrl: 'redis://cache:6379',
      mqttUrl: 'mqtt://broker:1883',
    });
    expect(options.pgliteDir).toBeUndefined();
    expect(options.twinDataDir).toBeUndefined();
    // With a real Postgres the archive is its `twin` schema there.
    expect(options.archiveDir).toBeUndefined();
  });

  it('ports, the simulator and its pace are configurable, and nonsense is refused', () => {
    const options = devConfig({ GATEWAY_PORT: '0', MQTT_PORT: '11884', SIM_INTERVAL_MS: '250' });
    expect(options.ports).toMatchObject({ gateway: 0, mqtt: 11884, core: 4001 });
    expect(options.simulator).toEqual({ intervalMs: 250 });
    expect(devConfig({ SIMULATOR: 'off' }).simulator).toBe(false);
    expect(() => devConfig({ GATEWAY_PORT: 'http' })).toThrow(/GATEWAY_PORT/);
    expect(() => devConfig({ SIM_INTERVAL_MS: '0' })).toThrow(/SIM_INTERVAL_MS/);
    expect(devConfig({ SIM_BACKFILL_HOURS: '6' }).simulator).toEqual({ backfillHours: 6 });
    expect(() => devConfig({ SIM_BACKFILL_HOURS: '9999' })).toThrow(/SIM_BACKFILL_HOURS/);
  });

  it('runs only in an explicit dev auth mode, and says so', () => {
    expect(() => configFromEnv({})).toThrow('platform refuses to start: AUTH_MODE must be dev');
    expect(() => configFromEnv({ AUTH_MODE: 'jwt' })).toThrow(/AUTH_MODE must be dev/);
  });
});
