import { createHash } from 'node:crypto';
import { GraphQLError, type GraphQLSchema, Lexer, parse, Source, TokenKind } from 'graphql';
import { evaluateCost } from './costExpression.ts';
import { introspectionListSizes } from './listSizes.ts';
import { type CostModel, measureDocument, type OperationMeasure } from './measureOperation.ts';

export interface OperationLimits {
  /** Deepest field nesting allowed (a root field is depth 1; introspection's own nesting is not counted). */
  maxDepth: number;
  /** Aliased fields allowed in one operation (aliases are how one request multiplies work). */
  maxAliases: number;
  /** Estimated cost allowed (see measureDocument): every field 1, times the size of every list around it. */
  maxCost: number;
  /** Lexical tokens allowed in a document: checked before parsing, so a huge document costs little to refuse. */
  maxTokens: number;
  /** Size assumed for a list the request gives no bound for. */
  assumedListSize: number;
}

export const defaultOperationLimits: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxCost: 50_000,
  maxTokens: 2000,
  assumedListSize: 100,
};

export interface OperationRequestLike {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

type DocumentVerdict =
  | { kind: 'too-many-tokens' }
  /** The GraphQL layer parses it again and says why it does not parse. */
  | { kind: 'unparsable' }
  | { kind: 'measured'; operations: Map<string | null, OperationMeasure> };

export interface OperationGuard {
  /**
   * The first limit the request exceeds, as a GraphQL error naming the limit (OPERATION_LIMIT_EXCEEDED, HTTP 400);
   * null when within every limit, or when the document does not parse or names no operation (the GraphQL layer
   * refuses those with its own error). The same check for HTTP, graphql-ws and SSE.
   */
  check(schema: GraphQLSchema, request: OperationRequestLike): GraphQLError | null;
  /** Documents measured so far (what the cache holds). */
  cachedDocuments(): number;
}

// Measures are small (numbers and variable names), so this many distinct documents cost a few MB at most.
const cachedDocumentsPerSchema = 2000;

function exceeded(limit: string, message: string, extra: Record<string, number>): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit, ...extra, http: { status: 400 } },
  });
}

function hasMoreTokensThan(query: string, max: number): boolean {
  const lexer = new Lexer(new Source(query));
  try {
    for (let count = 0; lexer.advance().kind !== TokenKind.EOF; ) if (++count > max) return true;
  } catch {
    // A lexical error: the document does not parse, which the GraphQL layer reports.
  }
  return false;
}

/**
 * Limits checked once per document: the verdict (tokens, depth, aliases, cost as a function of the variables) is
 * cached by the document's hash per schema, so a repeated document costs a hash and a sum, not a parse.
 */
export function createOperationGuard(limits: OperationLimits): OperationGuard {
  const perSchema = new WeakMap<GraphQLSchema, { model: CostModel; verdicts: Map<string, DocumentVerdict> }>();
  let cached = 0;

  const verdictOf = (schema: GraphQLSchema, query: string): DocumentVerdict => {
    let entry = perSchema.get(schema);
    if (!entry) {
      const model = {
        schema,
        assumedListSize: limits.assumedListSize,
        introspectionListSizes: introspectionListSizes(schema),
      };
      entry = { model, verdicts: new Map() };
      perSchema.set(schema, entry);
    }
    const key = createHash('sha256').update(query).digest('base64url');
    const known = entry.verdicts.get(key);
    if (known) {
      // Least recently used goes first: move a hit to the back.
      entry.verdicts.delete(key);
      entry.verdicts.set(key, known);
      return known;
    }
    let verdict: DocumentVerdict;
    if (hasMoreTokensThan(query, limits.maxTokens)) verdict = { kind: 'too-many-tokens' };
    else {
      try {
        verdict = {
          kind: 'measured',
          operations: measureDocument(parse(query, { noLocation: true }), entry.model),
        };
      } catch {
        verdict = { kind: 'unparsable' };
      }
    }
    if (entry.verdicts.size >= cachedDocumentsPerSchema) {
      entry.verdicts.delete(entry.verdicts.keys().next().value as string);
    } else cached++;
    entry.verdicts.set(key, verdict);
    return verdict;
  };

  return {
    check(schema, request) {
      const verdict = verdictOf(schema, request.query);
      if (verdict.kind === 'too-many-tokens') {
        return exceeded('tokens', `the document has more than ${limits.maxTokens} tokens`, { max: limits.maxTokens });
      }
      if (verdict.kind === 'unparsable') return null;
      const operations = verdict.operations;
      const measure = request.operationName
        ? operations.get(request.operationName)
        : operations.size === 1
          ? operations.values().next().value
          : undefined;
      if (!measure) return null;
      if (measure.depth > limits.maxDepth) {
        return exceeded('depth', `query depth ${measure.depth} exceeds the limit of ${limits.maxDepth}`, {
          actual: measure.depth,
          max: limits.maxDepth,
        });
      }
      if (measure.aliases > limits.maxAliases) {
        const actual = Math.min(measure.aliases, Number.MAX_SAFE_INTEGER);
        return exceeded('aliases', `number of aliases ${actual} exceeds the limit of ${limits.maxAliases}`, {
          actual,
          max: limits.maxAliases,
        });
      }
      const cost = evaluateCost(measure.cost, request.variables ?? {});
      if (!(cost <= limits.maxCost)) {
        const actual = Number.isFinite(cost)
          ? Math.min(Math.ceil(cost), Number.MAX_SAFE_INTEGER)
          : Number.MAX_SAFE_INTEGER;
        return exceeded('cost', `estimated cost ${actual} exceeds the limit of ${limits.maxCost}`, {
          actual,
          max: limits.maxCost,
        });
      }
      return null;
    },
    cachedDocuments: () => cached,
  };
}
