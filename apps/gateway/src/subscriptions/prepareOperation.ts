import { operationFromDocument } from '@apollo/federation-internals';
import { buildOperationContext } from '@apollo/gateway';
import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import { prettyFormatQueryPlan } from '@apollo/query-planner';
import {
  type DocumentNode,
  GraphQLError,
  getOperationAST,
  type OperationDefinitionNode,
  parse,
  validate,
} from 'graphql';
import type { OperationGuard } from '../limits/index.ts';
import type { LoadedSupergraph, SubgraphEndpoint } from '../supergraph/loadSupergraph.ts';

export interface OperationRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** A subscription planned against one supergraph: the primary fetch to open upstream and the rest to run per event. */
export interface SubscriptionPlan {
  request: OperationRequest;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
  supergraph: LoadedSupergraph;
  queryPlan: QueryPlan;
  primary: FetchNode;
  rest: PlanNode | undefined;
  /** What executeQueryPlan needs to shape each hydrated event against this supergraph. */
  operationContext: ReturnType<typeof buildOperationContext>;
  /** The subgraph that owns the root field. */
  owner: SubgraphEndpoint;
  /** Equal fingerprints mean the same upstream operation and the same hydration: kept across a supergraph reload. */
  fingerprint: string;
}

export type PreparedOperation =
  | { kind: 'subscription'; plan: SubscriptionPlan }
  | { kind: 'execute'; document: DocumentNode; operation: OperationDefinitionNode }
  | { kind: 'invalid'; errors: GraphQLError[] };

const invalid = (message: string, code = 'GRAPHQL_VALIDATION_FAILED'): PreparedOperation => ({
  kind: 'invalid',
  errors: [new GraphQLError(message, { extensions: { code } })],
});

/**
 * Limits (before parsing: tokens, then depth, aliases and cost from the cached measure), parses and validates an
 * operation; a subscription is also planned with the federation query planner.
 */
export function prepareOperation(
  supergraph: LoadedSupergraph,
  request: OperationRequest,
  guard: OperationGuard,
): PreparedOperation {
  if (typeof request.query !== 'string') return invalid('the request has no query', 'BAD_REQUEST');
  const exceeded = guard.check(supergraph.apiGraphQLSchema, request);
  if (exceeded) return { kind: 'invalid', errors: [exceeded] };
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    return error instanceof GraphQLError
      ? { kind: 'invalid', errors: [new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })] }
      : invalid(String(error), 'GRAPHQL_PARSE_FAILED');
  }
  const validationErrors = validate(supergraph.apiGraphQLSchema, document);
  if (validationErrors.length > 0) {
    return {
      kind: 'invalid',
      errors: validationErrors.map(
        (e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
      ),
    };
  }
  const operation = getOperationAST(document, request.operationName ?? undefined);
  if (!operation) return invalid('the document does not name exactly one operation to run');
  const variables = request.variables ?? {};
  if (operation.operation !== 'subscription') return { kind: 'execute', document, operation };
  try {
    return { kind: 'subscription', plan: planSubscription(supergraph, request, document, operation, variables) };
  } catch (error) {
    return invalid(`could not plan the subscription: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function planSubscription(
  supergraph: LoadedSupergraph,
  request: OperationRequest,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): SubscriptionPlan {
  const federationOperation = operationFromDocument(supergraph.apiSchema, document, {
    operationName: request.operationName ?? undefined,
  });
  const queryPlan = supergraph.planner.buildQueryPlan(federationOperation);
  const node = queryPlan.node;
  if (node?.kind !== 'Subscription') throw new Error('the planner produced no subscription node');
  const owner = supergraph.subgraphs.find((s) => s.name === node.primary.serviceName);
  if (!owner) throw new Error(`the supergraph has no URL for subgraph "${node.primary.serviceName}"`);
  return {
    operationContext: buildOperationContext({
      schema: supergraph.apiGraphQLSchema,
      operationDocument: document,
      operationName: request.operationName ?? undefined,
    }),
    request,
    document,
    operation,
    variables,
    supergraph,
    queryPlan,
    primary: node.primary,
    rest: node.rest,
    owner,
    fingerprint: `${owner.url}\n${prettyFormatQueryPlan(queryPlan)}`,
  };
}
