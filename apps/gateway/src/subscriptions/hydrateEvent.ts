import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { Identity } from '@bst/identity';
import { type ExecutionResult, GraphQLError } from 'graphql';
import type { SubscriptionPlan } from './prepareOperation.ts';

/** One event as a subgraph sent it over graphql-ws (errors are plain JSON there). */
export interface UpstreamEvent {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
}

// The primary fetch is replayed from the event under a name no subgraph can have, so `rest` may still call the owner.
const eventService = '\u0000subscription-event';

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
 * Resolves one upstream event into the client's full result: the event stands in for the plan's primary fetch, then
 * the rest of the plan runs through federation (entity fetches to the other subgraphs) exactly as a query would.
 */
export async function hydrateEvent(
  plan: SubscriptionPlan,
  event: UpstreamEvent,
  identity: Identity,
  serviceMap: ServiceMap,
): Promise<ExecutionResult> {
  const upstreamErrors = toGraphQLErrors(event.errors, plan.owner.name);
  if (!event.data) return { data: null, errors: upstreamErrors };
  const replay: GraphQLDataSource = { process: async () => ({ data: structuredClone(event.data) }) };
  const primary = { ...plan.primary, serviceName: eventService };
  const node = plan.rest ? { kind: 'Sequence' as const, nodes: [primary, plan.rest] } : primary;
  const requestContext = {
    request: { query: plan.request.query, variables: plan.variables, operationName: plan.request.operationName },
    context: { identity },
    metrics: {},
    logger: { debug() {}, info() {}, warn: console.warn, error: console.error },
    document: plan.document,
    operation: plan.operation,
    operationName: plan.operation.name?.value ?? null,
  };
  const result = await executeQueryPlan(
    { kind: 'QueryPlan', node },
    { ...serviceMap, [eventService]: replay },
    // executeQueryPlan reads only request, context, metrics and logger from the Apollo Server request context.
    requestContext as unknown as Parameters<typeof executeQueryPlan>[2],
    plan.operationContext,
    plan.supergraph.supergraphSchema,
    plan.supergraph.apiSchema,
  );
  const errors = [...upstreamErrors, ...(result.errors ?? [])];
  return errors.length > 0 ? { data: result.data ?? null, errors } : { data: result.data ?? null };
}
