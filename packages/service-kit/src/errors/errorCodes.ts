/**
 * Codes whose message was written for the client (it describes the client's own request): kept as they are.
 * Every other error reaches a client as a code and an error id only.
 */
export const clientErrorCodes: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_LIMIT_EXCEEDED',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'SUBSCRIPTION_LIMIT_EXCEEDED',
  'SUPERGRAPH_CHANGED',
  'SERVICE_RESTART',
]);

/** Codes clients act on (retry later, partial data) whose detail is internal: the code stays, the message is ours. */
export const opaqueErrorMessages: Readonly<Record<string, string>> = {
  SERVICE_UNAVAILABLE: 'a backing service is unavailable; retry shortly',
  SUBGRAPH_UNAVAILABLE: 'a subgraph is unavailable; the fields it owns are null',
  SUBGRAPH_ERROR: 'a subgraph failed to answer; the fields it owns are null',
  SUBGRAPH_OUTCOME_UNKNOWN:
    'the connection to a subgraph dropped after the mutation was sent; it was not repeated and may have been applied',
};

/** Extension keys a client may see; anything else (stack traces, driver fields, SQL) stays in the logs. */
export const exposedExtensions: readonly string[] = [
  'code',
  'errorId',
  'field',
  'limit',
  'actual',
  'max',
  'retryAfterSeconds',
  'serviceName',
];
