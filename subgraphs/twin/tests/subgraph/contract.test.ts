import { createRedisTestPrefix, subgraphContract } from '@bst/testing';
import { catalogView, createGroupCommit, handleDeviceMessage } from '../../src/bridge/index.ts';
import { createRedisTwinStore } from '../../src/store/index.ts';
import { startTwinSubgraph } from '../../src/subgraph/index.ts';
import { secret } from './support.ts';

subgraphContract({
  name: 'twin',
  secret,
  async start() {
    const redis = createRedisTestPrefix('twin_contract');
    const store = createRedisTwinStore({ redis: redis.target, prefix: redis.prefix });
    const catalog = { version: 'v1', profiles: [], bindings: [] };
    const ingest = { store, ingest: createGroupCommit({ store, catalog: () => catalogView(catalog) }).ingest };
    const payload = Buffer.from(JSON.stringify({ temperature: 4.5, humidity: 50 }));
    await handleDeviceMessage(ingest, 'bio_supply', 'bio_supply/telemetry/box/BOX-0001', payload, Date.now());
    const subgraph = await startTwinSubgraph({ store, gatewaySecret: secret });
    return {
      url: subgraph.url,
      async stop() {
        await subgraph.stop();
        await store.clear();
        await store.close();
      },
    };
  },
  entity: {
    representation: { __typename: 'Container', code: 'BOX-0001' },
    selection: 'code live { temperatureC humidityPct }',
    expected: { code: 'BOX-0001', live: { temperatureC: 4.5, humidityPct: 50 } },
  },
  sdlIncludes: ['@key(fields: "code")', 'alertEvents', 'liveState', '@requires'],
});
