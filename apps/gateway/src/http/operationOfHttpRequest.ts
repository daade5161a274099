import type { OperationRequestLike } from '../limits/index.ts';

/** The operation as Apollo Server reads it: a JSON body for POST, the query string for GET; null when there is none. */
export function operationOfHttpRequest(body: unknown, search: string, method: string): OperationRequestLike | null {
  const source: Record<string, unknown> | null =
    method === 'GET' ? Object.fromEntries(new URLSearchParams(search)) : (body as Record<string, unknown> | null);
  if (!source || typeof source !== 'object' || typeof source.query !== 'string') return null;
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
