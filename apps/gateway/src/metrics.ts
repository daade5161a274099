import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<'operation_type'>;
  errors: Counter<'operation_type'>;
  latency: Histogram<'operation_type'>;
  activeSubscriptions: Gauge<'transport'>;
  upstreamSubscriptions: Gauge;
  upstreamSockets: Gauge;
  sharedLimitsDegraded: Gauge;
  subgraphFetches: Counter<'outcome'>;
}

/** One registry per gateway instance, so two gateways in one process (tests) never share counters. */
export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['operation_type'] as const;
  return {
    registry,
    requests: new Counter({
      name: 'bst_gateway_requests_total',
      help: 'GraphQL operations',
      labelNames,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'bst_gateway_errors_total',
      help: 'GraphQL operations answered with errors',
      labelNames,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'bst_gateway_request_duration_seconds',
      help: 'Time to answer a GraphQL operation',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    activeSubscriptions: new Gauge({
      name: 'bst_gateway_subscriptions',
      help: 'Client subscriptions currently open',
      labelNames: ['transport'] as const,
      registers: [registry],
    }),
    upstreamSubscriptions: new Gauge({
      name: 'bst_gateway_upstream_subscriptions',
      help: 'Subscriptions open to subgraphs (shared by clients with the same operation and scope)',
      registers: [registry],
    }),
    upstreamSockets: new Gauge({
      name: 'bst_gateway_upstream_sockets',
      help: 'WebSockets open to subgraphs (one per subgraph and scope, every upstream subscription multiplexed on it)',
      registers: [registry],
    }),
    sharedLimitsDegraded: new Gauge({
      name: 'bst_gateway_shared_limits_degraded',
      help: '1 while Redis is unreachable and rate limit and caps are counted per instance, else 0',
      registers: [registry],
    }),
    subgraphFetches: new Counter({
      name: 'bst_gateway_subgraph_fetches_total',
      help: 'Subgraph requests: sent, merged into an identical query already in flight, or retried after a reset socket',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

/** Apollo Server plugin counting operations, errors and latency by operation type (unknown when parsing failed). */
export function useMetrics<TContext extends BaseContext>(metrics: GatewayMetrics): ApolloServerPlugin<TContext> {
  // The few operation types, each bound to its label once: no label hashing per request.
  const byType = new Map<
    string,
    { requests: Counter.Internal; errors: Counter.Internal; latency: Histogram.Internal<'operation_type'> }
  >();
  const metricsOf = (operationType: string) => {
    let bound = byType.get(operationType);
    if (!bound) {
      bound = {
        requests: metrics.requests.labels(operationType),
        errors: metrics.errors.labels(operationType),
        latency: metrics.latency.labels(operationType),
      };
      byType.set(operationType, bound);
    }
    return bound;
  };
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      let operationType = 'unknown';
      return {
        async didResolveOperation({ operation }) {
          operationType = operation?.operation ?? 'unknown';
        },
        async willSendResponse({ response, errors }) {
          const bound = metricsOf(operationType);
          bound.requests.inc();
          const failed =
            (errors?.length ?? 0) > 0 ||
            (response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0);
          if (failed) bound.errors.inc();
          bound.latency.observe((performance.now() - startedAt) / 1000);
        },
      };
    },
  };
}
