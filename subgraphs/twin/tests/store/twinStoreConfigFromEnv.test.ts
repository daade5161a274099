import { describe, expect, it } from 'vitest';
import { twinStoreConfigFromEnv } from '../../src/store/index.ts';

describe('the twin store settings from the environment', () => {
  it('picks a Redis Cluster over one Redis, one Redis over the fallback, and the memory store last', () => {
    expect(
      twinStoreConfigFromEnv({ REDIS_CLUSTER_NODES: 'r1:7000, r2:7001', REDIS_URL: 'redis://single:6379' }).redis,
    ).toEqual({
      clusterNodes: [
        { host: 'r1', port: 7000 },
        { host: 'r2', port: 7001 },
      ],
    });
    expect(twinStoreConfigFromEnv({ REDIS_URL: 'redis://single:6379' }).redis).toEqual({ url: 'redis://single:6379' });
    expect(twinStoreConfigFromEnv({}, { redisUrl: 'redis://fallback:6379' }).redis).toEqual({
      url: 'redis://fallback:6379',
    });
    expect(twinStoreConfigFromEnv({}, { dataDir: '/srv/twin' })).toMatchObject({ dataDir: '/srv/twin' });
    expect(twinStoreConfigFromEnv({}).redis).toBeUndefined();
  });

  it('reads partitions, the hot window, the alert stream retention, the ended alerts keep and the outbox switch', () => {
    expect(
      twinStoreConfigFromEnv({
        TWIN_STORE_PREFIX: 'site-a',
        TWIN_STORE_PARTITIONS: '32',
        TWIN_HOT_WINDOW_HOURS: '48',
        TWIN_HISTORY_MAX_READINGS: '5000',
        TWIN_ALERT_STREAM_HOURS: '24',
        TWIN_ALERT_STREAM_MAX_LENGTH: '1000',
        TWIN_ENDED_ALERT_MINUTES: '90',
        TWIN_OUTBOX: 'off',
      }),
    ).toEqual({
      prefix: 'site-a',
      partitions: 32,
      retention: { maxAgeMs: 48 * 3600_000, maxReadings: 5000 },
      alertStream: { maxAgeMs: 24 * 3600_000, maxLength: 1000 },
      endedAlerts: { keepMs: 90 * 60_000 },
      outbox: false,
    });
  });

  it('refuses a malformed value, naming the variable', () => {
    expect(() => twinStoreConfigFromEnv({ REDIS_CLUSTER_NODES: 'r1' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => twinStoreConfigFromEnv({ REDIS_CLUSTER_NODES: 'r1:http' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => twinStoreConfigFromEnv({ TWIN_STORE_PARTITIONS: '0' })).toThrow(/TWIN_STORE_PARTITIONS/);
    expect(() => twinStoreConfigFromEnv({ TWIN_STORE_PARTITIONS: '2.5' })).toThrow(/TWIN_STORE_PARTITIONS/);
    expect(() => twinStoreConfigFromEnv({ TWIN_STORE_PARTITIONS: '4096' })).toThrow(/TWIN_STORE_PARTITIONS/);
    expect(() => twinStoreConfigFromEnv({ TWIN_HOT_WINDOW_HOURS: 'a day' })).toThrow(/TWIN_HOT_WINDOW_HOURS/);
    expect(() => twinStoreConfigFromEnv({ TWIN_OUTBOX: 'maybe' })).toThrow(/TWIN_OUTBOX/);
    expect(() => twinStoreConfigFromEnv({ TWIN_ENDED_ALERT_MINUTES: '0' })).toThrow(/TWIN_ENDED_ALERT_MINUTES/);
  });
});
