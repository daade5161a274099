import type { ErrorLogEntry } from '@bst/service-kit';
import { describe, expect, it } from 'vitest';
import { gatewayClient, waitFor } from './fixtures/gatewayClient.ts';
import { startShelfPlatform } from './fixtures/startShelfPlatform.ts';

const leaks = ['ECONNREFUSED', '10.0.3.7', 'select', 'stacktrace', '.ts:', 'node_modules', 'at '];

describe.each([undefined, 'production'])('errors leave the gateway masked (NODE_ENV %s)', (nodeEnv) => {
  it('a subgraph internal error reaches the client as a code and an error id, over HTTP and WebSocket; the log has the detail', async () => {
    const saved = process.env.NODE_ENV;
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    const logged: ErrorLogEntry[] = [];
    // Apollo reads NODE_ENV when it is built: the subgraphs and the gateway are all started under it.
    const platform = await startShelfPlatform({ errorLog: (entry) => logged.push(entry) }).finally(() => {
      process.env.NODE_ENV = saved;
    });
    try {
      const token = await platform.token('viewer');
      const { body } = await platform.post({ query: '{ gaugeFault shelf(code: "SHELF-1") { label } }' }, token);
      expect(body.data).toEqual({ gaugeFault: null, shelf: { label: 'Top shelf' } });
      const error = body.errors?.[0];
      expect(error?.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) });
      expect(Object.keys(error?.extensions ?? {}).sort()).toEqual(['code', 'errorId', 'serviceName']);
      for (const leak of leaks) expect(JSON.stringify(body)).not.toContain(leak);
      expect(logged).toContainEqual(
        expect.objectContaining({
          errorId: error?.extensions?.errorId,
          message: expect.stringContaining('ECONNREFUSED'),
        }),
      );

      const client = gatewayClient(platform.gateway.url, token);
      const overSocket = client.subscribe('{ gaugeFault }');
      await waitFor(() => overSocket.completed, 'the query over the socket');
      const socketError = overSocket.results[0]?.errors?.[0];
      expect(socketError?.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) });
      for (const leak of leaks) expect(JSON.stringify(overSocket.results)).not.toContain(leak);
      await client.dispose();

      await platform.gauges.stop();
      const down = await platform.post({ query: '{ gaugeCount }' }, token);
      expect(down.body.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'gauges' });
      expect(JSON.stringify(down.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    } finally {
      await platform.stop();
    }
  });
});
