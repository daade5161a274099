import { DateTimeScalar } from '@bst/subgraph-kit';
import { alertMutations, alertQueries, alertResolvers } from './alerts.ts';
import { containerResolvers } from './container.ts';
import { ingestQueries } from './ingest.ts';
import { sampleResolvers } from './sample.ts';
import { shipmentResolvers } from './shipment.ts';
import { subscriptionResolvers } from './subscriptions.ts';

export const twinResolvers = {
  DateTime: DateTimeScalar,
  Query: { ...alertQueries, ...ingestQueries },
  Mutation: alertMutations,
  Subscription: subscriptionResolvers,
  Container: containerResolvers,
  Sample: sampleResolvers,
  Shipment: shipmentResolvers,
  Alert: alertResolvers,
};
