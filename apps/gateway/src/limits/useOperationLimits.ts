import type { RequestHandler } from 'express';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { OperationGuard } from './createOperationGuard.ts';

/** The request as Apollo Server reads it: a JSON body for POST, the query string for GET. */
function operationOf(body: unknown, query: Record<string, unknown>, method: string) {
  const source = method === 'GET' ? query : (body as Record<string, unknown> | null);
  if (!source || typeof source.query !== 'string') return null;
  let variables: unknown = source.variables;
  if (typeof variables === 'string') {
    try {
      variables = JSON.parse(variables);
    } catch {
      variables = null;
    }
  }
  return {
    query: source.query,
    operationName: typeof source.operationName === 'string' ? source.operationName : null,
    variables: variables && typeof variables === 'object' ? (variables as Record<string, unknown>) : null,
  };
}

/**
 * Express middleware on /graphql for plain HTTP: an operation over a limit is answered 400 before Apollo parses it
 * or any subgraph is called; one within passes on. (graphql-ws and SSE run the same guard in prepareOperation.)
 */
export function useOperationLimits(
  guard: OperationGuard,
  schema: () => GraphQLSchema,
  format: (error: GraphQLError) => GraphQLFormattedError,
): RequestHandler {
  return (req, res, next) => {
    const request = operationOf(req.body, req.query as Record<string, unknown>, req.method);
    const refusal = request ? guard.check(schema(), request) : null;
    if (!refusal) {
      next();
      return;
    }
    res.status(400).json({ errors: [format(refusal)] });
  };
}
