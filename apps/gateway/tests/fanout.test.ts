import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperationGuard, defaultOperationLimits } from '../src/limits/index.ts';
import { createClientBuffer, type Delivery } from '../src/subscriptions/createClientBuffer.ts';
import { prepareOperation, type SubscriptionPlan } from '../src/subscriptions/index.ts';
import { loadSupergraph } from '../src/supergraph/loadSupergraph.ts';
import { gatewayClient, waitFor } from './fixtures/gatewayClient.ts';
import { type ShelfPlatform, startShelfPlatform } from './fixtures/startShelfPlatform.ts';

const delivery = (n: number, bytes = 10): Delivery => ({ result: { data: { n } }, json: `{"data":{"n":${n}}}`, bytes });

describe('fan-out: work per event is shared, work per client is a write', () => {
  const supergraph = loadSupergraph(
    readFileSync(join(import.meta.dirname, '../../../schema/supergraph.graphql'), 'utf8'),
  );
  const guard = createOperationGuard(defaultOperationLimits);
  const alerts = `subscription Alerts($filter: AlertFilter, $after: String) {
    alertEvents(filter: $filter, after: $after) { cursor transition alert { id container { code site { name } } } }
  }`;
  const planOf = (variables: Record<string, unknown>): SubscriptionPlan => {
    const prepared = prepareOperation(supergraph, { query: alerts, variables, operationName: 'Alerts' }, guard);
    if (prepared.kind !== 'subscription') throw new Error(`not a subscription: ${JSON.stringify(prepared)}`);
    return prepared.plan;
  };

  it('a document is parsed, validated and planned once: every client of it shares the plan, each with its own variables and resume point', () => {
    const first = planOf({ filter: { containerCodes: ['BOX-0001'] }, after: null });
    const second = planOf({ filter: { containerCodes: ['BOX-0002'] }, after: 'a1.cursor' });
    expect(second.document).toBe(first.document);
    expect(second.queryPlan).toBe(first.queryPlan);
    expect(second.operationContext).toBe(first.operationContext);
    expect(first.variables).toEqual({ filter: { containerCodes: ['BOX-0001'] } });
    expect(second.variables).toEqual({ filter: { containerCodes: ['BOX-0002'] } });
    expect(first.resume?.after).toBeNull();
    expect(second.resume?.after).toBe('a1.cursor');
    // What is shared is the document without `after`: no client's resume point is in it.
    expect(JSON.stringify(first.document)).not.toContain('"after"');
    // Limits still apply per request, and an invalid document is refused every time, not only the first.
    const invalid = { query: 'subscription { alertEvents { nope } }' };
    expect(prepareOperation(supergraph, invalid, guard).kind).toBe('invalid');
    expect(prepareOperation(supergraph, invalid, guard).kind).toBe('invalid');
    const deep = createOperationGuard({ ...defaultOperationLimits, maxDepth: 2 });
    expect(prepareOperation(supergraph, { query: alerts, operationName: 'Alerts' }, deep).kind).toBe('invalid');
  });

  it('push mode: a result is written in the turn it is delivered, the next once the previous was written, the end after the last', async () => {
    const writes: { n: number; written: () => void }[] = [];
    let closed = 0;
    const buffer = createClientBuffer(
      { maxEvents: 3, maxBytes: 1000 },
      {
        leave: () => {},
        overflow: () => {},
        close: () => closed++,
        write: (d, written) => writes.push({ n: (d.result.data as { n: number }).n, written }),
      },
    );
    const ended = buffer.results.next();
    buffer.deliver(delivery(1));
    expect(writes.map((w) => w.n)).toEqual([1]);
    buffer.deliver(delivery(2));
    buffer.deliver(delivery(3));
    expect(writes.map((w) => w.n)).toEqual([1]);
    buffer.end();
    writes[0]?.written();
    expect(writes.map((w) => w.n)).toEqual([1, 2]);
    writes[1]?.written();
    expect(writes.map((w) => w.n)).toEqual([1, 2, 3]);
    let done = false;
    void ended.then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    writes[2]?.written();
    expect(await ended).toEqual({ done: true, value: undefined });
    expect(closed).toBe(1);
  });

  it('push mode: a client with more waiting than its limits allow is dropped at once, and nothing more is written to it', () => {
    const writes: number[] = [];
    let left = 0;
    let overflows = 0;
    const buffer = createClientBuffer(
      { maxEvents: 2, maxBytes: 25 },
      {
        leave: () => left++,
        overflow: () => overflows++,
        write: (d) => writes.push((d.result.data as { n: number }).n),
      },
    );
    buffer.deliver(delivery(1));
    buffer.deliver(delivery(2));
    buffer.deliver(delivery(3));
    expect([left, overflows]).toEqual([0, 0]);
    buffer.deliver(delivery(4, 10));
    expect([left, overflows]).toEqual([1, 1]);
    buffer.deliver(delivery(5));
    expect(writes).toEqual([1]);
  });
});

describe('fan-out over WebSockets keeps scopes apart', () => {
  let platform: ShelfPlatform;
  beforeAll(async () => {
    // A few clients per turn, so that an event to the 40 viewers' subscriptions is written over several turns.
    platform = await startShelfPlatform({ subscriptions: { limits: { clientsPerTurn: 7 } } });
  });
  afterAll(() => platform?.stop());

  it('two roles with the same document and variables never share an upstream or an event; each client gets its own ids, and every event in order however many turns it takes', async () => {
    const query =
      'subscription Readings($codes: [String!]) { shelfReadings(codes: $codes) { temperatureC shelf { code } } }';
    const viewers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        gatewayClient(platform.gateway.url, await platform.token('viewer', `v-${i}`)),
      ),
    );
    const operator = gatewayClient(platform.gateway.url, await platform.token('operator', 'op'));
    try {
      // Two subscriptions on one socket: their results must carry each its own id.
      const viewed = viewers.flatMap((c) => [
        c.subscribe(query, { codes: ['SHELF-1'] }),
        c.subscribe(query, { codes: ['SHELF-1'] }),
      ]);
      const operated = operator.subscribe(query, { codes: ['SHELF-1'] });
      await waitFor(() => platform.graph.readings.subscribers() === 2, 'one upstream per scope');
      const upstreams = platform.gauges.operations.filter((o) => o.transport === 'ws').slice(-2);
      expect(upstreams.map((o) => o.identity.roles[0]).sort()).toEqual(['operator', 'viewer']);
      platform.graph.readings.publish({ code: 'SHELF-1', temperatureC: 3 });
      platform.graph.readings.publish({ code: 'SHELF-1', temperatureC: 4 });
      await waitFor(
        () => [...viewed, operated].every((s) => s.results.length === 2),
        'every client to get both events',
      );
      for (const s of [...viewed, operated]) {
        expect(s.results).toEqual([
          { data: { shelfReadings: { temperatureC: 3, shelf: { code: 'SHELF-1' } } } },
          { data: { shelfReadings: { temperatureC: 4, shelf: { code: 'SHELF-1' } } } },
        ]);
      }
    } finally {
      await Promise.all([...viewers, operator].map((c) => c.dispose()));
    }
    await waitFor(() => platform.graph.readings.subscribers() === 0, 'the upstreams to close with their last clients');
  });
});
