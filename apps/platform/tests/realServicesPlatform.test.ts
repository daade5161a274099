import { createRedisTestPrefix, createTestDatabase, services, uniqueName, uniqueTopicPrefix } from '@bst/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../src/index.ts';
import { platformContract } from './support/platformContract.ts';

describe('the same platform on real Postgres, Redis and Mosquitto, chosen the way DATABASE_URL, REDIS_URL, MQTT_URL choose them', () => {
  let platform: Platform;
  const redis = createRedisTestPrefix('platform');
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    database = await createTestDatabase('platform');
    platform = await startPlatform({
      ports: { gateway: 0, core: 0, twin: 0, mqtt: 0 },
      databaseUrl: database.url,
      redisUrl: redis.url,
      twinStorePrefix: redis.prefix,
      mqttUrl: services.mqttUrl,
      topicPrefix: uniqueTopicPrefix('platform'),
      bridgeClientId: uniqueName('platform-bridge'),
      simulator: false,
    });
  });
  afterAll(async () => {
    await platform?.stop();
    await redis.cleanup();
    await database?.drop();
  });

  it('runs every piece, on the production adapters', () => {
    expect(platform.adapters).toEqual({ database: 'postgres', twinStore: 'redis', mqtt: 'external' });
    expect(platform.missing).toEqual([]);
    // The archive is the `twin` schema in the same Postgres, drained by an archiver in this process.
    expect(platform.running).toEqual([
      'core',
      'twin-store',
      'twin-archive',
      'twin-subgraph',
      'twin-bridge',
      'twin-archiver',
      'gateway',
    ]);
  });

  platformContract(() => platform, '/tmp/bst-platform-real-services.png');
});
