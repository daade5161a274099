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
import { extractResumePoint, type ResumableStream } from './resumableStream.ts';

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
  /**
   * Set when the root field is resumable (`after` argument, `cursor` field): `after` is then taken out of `document`
   * and `variables` (clients share whatever their resume point) and travels here.
   */
  resume?: ResumableStream;
}

export type PreparedOperation =
  | { kind: 'subscription'; plan: SubscriptionPlan }
  | { kind: 'execute'; document: DocumentNode; operation: OperationDefinitionNode }
  | { kind: 'invalid'; errors: GraphQLError[] };

const invalid = (message: string, code = 'GRAPHQL_VALIDATION_FAILED'): PreparedOperation => ({
  kind: 'invalid',
  errors: [new GraphQLError(message, { extensions: { code } })],
});

/** What a document is against one supergraph, whatever the variables: parsed and validated, a subscription planned. */
type DocumentAnalysis =
  | { kind: 'invalid'; errors: GraphQLError[] }
  | { kind: 'execute'; document: DocumentNode; operation: OperationDefinitionNode }
  | {
      kind: 'subscription';
      document: DocumentNode;
      operation: OperationDefinitionNode;
      /** Planned at the first request (for a resumable field, without `after`, which is the same for every request). */
      plan?: PlannedDocument | GraphQLError;
    };

/** The part of a subscription plan that depends only on the document: shared by every client that sends it. */
type PlannedDocument = Omit<SubscriptionPlan, 'request' | 'variables' | 'resume'>;

// Clients of one dashboard send the same few documents: parse, validate and plan them once, not once per socket.
const documentsPerSupergraph = 500;
const analyses = new WeakMap<LoadedSupergraph, Map<string, DocumentAnalysis>>();

function analyse(supergraph: LoadedSupergraph, request: OperationRequest & { query: string }): DocumentAnalysis {
  let cache = analyses.get(supergraph);
  if (!cache) {
    cache = new Map();
    analyses.set(supergraph, cache);
  }
  const key = `${request.operationName ?? ''}\n${request.query}`;
  const known = cache.get(key);
  if (known) {
    // Least recently used goes first: move a hit to the back.
    cache.delete(key);
    cache.set(key, known);
    return known;
  }
  const analysis = analyseDocument(supergraph, request);
  if (cache.size >= documentsPerSupergraph) cache.delete(cache.keys().next().value as string);
  cache.set(key, analysis);
  return analysis;
}

function analyseDocument(
  supergraph: LoadedSupergraph,
  request: OperationRequest & { query: string },
): DocumentAnalysis {
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    return {
      kind: 'invalid',
      errors: [
        new GraphQLError(error instanceof GraphQLError ? error.message : String(error), {
          extensions: { code: 'GRAPHQL_PARSE_FAILED' },
        }),
      ],
    };
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
  if (!operation) {
    return {
      kind: 'invalid',
      errors: [
        new GraphQLError('the document does not name exactly one operation to run', {
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
      ],
    };
  }
  if (operation.operation !== 'subscription') return { kind: 'execute', document, operation };
  return { kind: 'subscription', document, operation };
}

/**
 * Limits (before parsing: tokens, then depth, aliases and cost from the cached measure), parses and validates an
 * operation; a subscription is also planned with the federation query planner. All but the limits and what depends
 * on the variables is done once per document and supergraph.
 */
export function prepareOperation(
  supergraph: LoadedSupergraph,
  request: OperationRequest,
  guard: OperationGuard,
): PreparedOperation {
  if (typeof request.query !== 'string') return invalid('the request has no query', 'BAD_REQUEST');
  const exceeded = guard.check(supergraph.apiGraphQLSchema, request);
  if (exceeded) return { kind: 'invalid', errors: [exceeded] };
  const analysis = analyse(supergraph, request as OperationRequest & { query: string });
  if (analysis.kind !== 'subscription') return analysis;
  const { document, operation } = analysis;
  const variables = request.variables ?? {};
  const resumable = extractResumePoint(supergraph.apiGraphQLSchema, document, operation, variables);
  if (resumable.kind === 'invalid') return { kind: 'invalid', errors: [resumable.error] };
  const shared = resumable.kind === 'plain' ? { document, operation } : resumable;
  // Taking `after` out gives an equal document for every request of this text: plan the first one, reuse the plan.
  let planned = analysis.plan;
  if (!planned) {
    try {
      planned = planSubscription(supergraph, request, shared.document, shared.operation);
    } catch (error) {
      planned = new GraphQLError(
        `could not plan the subscription: ${error instanceof Error ? error.message : String(error)}`,
        { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      );
    }
    analysis.plan = planned;
  }
  if (planned instanceof GraphQLError) return { kind: 'invalid', errors: [planned] };
  if (resumable.kind === 'plain') return { kind: 'subscription', plan: { ...planned, request, variables } };
  return {
    kind: 'subscription',
    plan: { ...planned, request, variables: resumable.variables, resume: resumable.stream },
  };
}

function planSubscription(
  supergraph: LoadedSupergraph,
  request: OperationRequest,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): PlannedDocument {
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
    document,
    operation,
    supergraph,
    queryPlan,
    primary: node.primary,
    rest: node.rest,
    owner,
    fingerprint: `${owner.url}\n${prettyFormatQueryPlan(queryPlan)}`,
  };
}
