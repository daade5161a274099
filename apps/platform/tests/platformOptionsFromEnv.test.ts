import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPorts, platformOptionsFromEnv } from '../src/index.ts';

describe('npm start reads its adapters from the environment', () => {
  it('without DATABASE_URL, REDIS_URL or MQTT_URL everything is embedded: PGlite under .data/core, standard ports', () => {
    const options = platformOptionsFromEnv({});
    expect(options).toMatchObject({
      pgliteDir: resolve('.data/core'),
      twinDataDir: resolve('.data/twin'),
      archiveDir: resolve('.data/archive'),
      ports: defaultPorts,
      simulator: {},
    });
    expect(platformOptionsFromEnv({ PGLITE_DIR: '/srv/bst/core' }).twinDataDir).toBe('/srv/bst/twin');
    expect(platformOptionsFromEnv({ TWIN_DATA_DIR: '/srv/twin-store' }).twinDataDir).toBe('/srv/twin-store');
    expect(platformOptionsFromEnv({ PGLITE_DIR: '/srv/bst/core' }).archiveDir).toBe('/srv/bst/archive');
    expect(platformOptionsFromEnv({ TWIN_ARCHIVE_RETENTION_YEARS: '7' }).archiveRetentionYears).toBe(7);
    expect(() => platformOptionsFromEnv({ TWIN_ARCHIVE_RETENTION_YEARS: 'forever' })).toThrow(
      /TWIN_ARCHIVE_RETENTION_YEARS/,
    );
    expect(options.databaseUrl).toBeUndefined();
    expect(options.redisUrl).toBeUndefined();
    expect(options.mqttUrl).toBeUndefined();
    expect(defaultPorts).toEqual({ gateway: 4000, core: 4001, twin: 4002, dashboard: 5173, mqtt: 1884 });
  });

  it('each real service URL replaces its embedded adapter', () => {
    const options = platformOptionsFromEnv({
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
    const options = platformOptionsFromEnv({ GATEWAY_PORT: '0', MQTT_PORT: '11884', SIM_INTERVAL_MS: '250' });
    expect(options.ports).toMatchObject({ gateway: 0, mqtt: 11884, core: 4001 });
    expect(options.simulator).toEqual({ intervalMs: 250 });
    expect(platformOptionsFromEnv({ SIMULATOR: 'off' }).simulator).toBe(false);
    expect(() => platformOptionsFromEnv({ GATEWAY_PORT: 'http' })).toThrow(/GATEWAY_PORT/);
    expect(() => platformOptionsFromEnv({ SIM_INTERVAL_MS: '0' })).toThrow(/SIM_INTERVAL_MS/);
  });
});
