import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../../schema/composeSupergraph.ts';
import { gatewayClient, waitFor } from './fixtures/gatewayClient.ts';
import { startShelfPlatform } from './fixtures/startShelfPlatform.ts';

describe('supergraph reload', () => {
  it('keeps subscriptions whose plans are unchanged and ends, with a reason, those whose plans changed', async () => {
    const platform = await startShelfPlatform({ watchSupergraph: true });
    const c = gatewayClient(platform.gateway.url, await platform.token('viewer'));
    try {
      const kept = c.subscribe('subscription { shelfReadings(codes: ["SHELF-1"]) { temperatureC shelf { label } } }');
      const changed = c.subscribe('subscription { shelfReadings(codes: ["SHELF-1"]) { shelf { checkedBy } } }');
      await waitFor(() => platform.graph.readings.subscribers() === 2, 'both upstreams');

      // The new supergraph adds a query field to one subgraph and drops `checkedBy` from the other.
      const { shelvesSubgraph, gaugesSubgraph } = platform.graph;
      writeFileSync(
        platform.supergraphPath,
        composeSupergraph([
          {
            name: 'shelves',
            url: platform.shelves.url,
            sdl: shelvesSubgraph.typeDefs.replace('viewer: Viewer!', 'viewer: Viewer! shelfCount: Int'),
          },
          {
            name: 'gauges',
            url: platform.gauges.url,
            sdl: gaugesSubgraph.typeDefs.replace('checkedBy: String!', ''),
          },
        ]),
      );
      await waitFor(() => changed.completed, 'the changed subscription to end', 5000);
      expect(JSON.stringify(changed.results)).toContain('SUPERGRAPH_CHANGED');
      expect(kept.completed).toBe(false);
      expect(platform.graph.readings.subscribers()).toBe(1);

      platform.graph.readings.publish({ code: 'SHELF-1', temperatureC: 2.5 });
      await waitFor(() => kept.results.length === 1, 'an event after the reload');
      expect(kept.results[0]).toEqual({
        data: { shelfReadings: { temperatureC: 2.5, shelf: { label: 'Top shelf' } } },
      });
      const token = await platform.token('viewer');
      expect(
        (await platform.post({ query: '{ __type(name: "Query") { fields { name } } }' }, token)).body,
      ).toMatchObject({
        data: { __type: { fields: expect.arrayContaining([{ name: 'shelfCount' }]) } },
      });
    } finally {
      await c.dispose();
      await platform.stop();
    }
  });
});
