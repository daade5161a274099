import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { Identity } from '@bst/identity';
import { type ExecutionResult, GraphQLError } from 'graphql';
import type { SubscriptionPlan } from './prepareOperation.ts';

/** One event as a subgraph sent it over graphql-ws (errors are plain JSON there). */
export interface UpstreamEvent {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
  /** What the subgraph sent beside the data: the twin's `eventId` (the reading behind the event) for the logs. */
  extensions?: Record<string, unknown>;
}

/** Resolves one upstream event into a client result. */
export type EventHydrator = (event: UpstreamEvent) => Promise<ExecutionResult>;

// The primary fetch is replayed from the event under a name no subgraph can have, so `rest` may still call the owner.
const eventService = '\u0000subscription-event';

interface HydrationContext {
  identity: Identity;
  /** The event being hydrated: what the replayed primary fetch answers. */
  event: Record<string, unknown>;
}

const replay: GraphQLDataSource = {
  process: async ({ context }) => ({ data: (context as unknown as HydrationContext).event }),
};

const hydrationLogger = { debug() {}, info() {}, warn: console.warn, error: console.error };

export function toGraphQLErrors(errors: UpstreamEvent['errors'], serviceName?: string): GraphQLError[] {
  return (errors ?? []).map(
    (e) =>
      new GraphQLError(e.message, {
        path: e.path,
        extensions: { ...e.extensions, ...(serviceName ? { serviceName } : {}) },
      }),
  );
}

/**
 * Everything about hydration that does not depend on the event (query plan node, services, request context) is built
 * here once per shared upstream; per event, the event stands in for the plan's primary fetch, then the rest of the
 * plan runs through federation (entity fetches to the other subgraphs) exactly as a query would.
 */
export function createEventHydrator(plan: SubscriptionPlan, identity: Identity, serviceMap: ServiceMap): EventHydrator {
  const primary = { ...plan.primary, serviceName: eventService };
  const queryPlan = {
    kind: 'QueryPlan' as const,
    node: plan.rest ? { kind: 'Sequence' as const, nodes: [primary, plan.rest] } : primary,
  };
  const services: ServiceMap = { ...serviceMap, [eventService]: replay };
  const request = { query: plan.request.query, variables: plan.variables, operationName: plan.request.operationName };
  const operationName = plan.operation.name?.value ?? null;
  return async (event) => {
    const upstreamErrors = toGraphQLErrors(event.errors, plan.owner.name);
    if (!event.data) return { data: null, errors: upstreamErrors };
    const context: HydrationContext = { identity, event: event.data };
    // executeQueryPlan reads only request, context, metrics and logger from the Apollo Server request context.
    const requestContext = {
      request,
      context,
      metrics: {},
      logger: hydrationLogger,
      document: plan.document,
      operation: plan.operation,
      operationName,
    } as unknown as Parameters<typeof executeQueryPlan>[2];
    const result = await executeQueryPlan(
      queryPlan,
      services,
      requestContext,
      plan.operationContext,
      plan.supergraph.supergraphSchema,
      plan.supergraph.apiSchema,
    );
    const errors = result.errors?.length ? [...upstreamErrors, ...result.errors] : upstreamErrors;
    return errors.length > 0 ? { data: result.data ?? null, errors } : { data: result.data ?? null };
  };
}

/** Hydrates a single event (tools and tests); the hub keeps one hydrator per shared upstream instead. */
export function hydrateEvent(
  plan: SubscriptionPlan,
  event: UpstreamEvent,
  identity: Identity,
  serviceMap: ServiceMap,
): Promise<ExecutionResult> {
  return createEventHydrator(plan, identity, serviceMap)(event);
}
