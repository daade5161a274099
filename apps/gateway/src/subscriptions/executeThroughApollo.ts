import type { ApolloServer } from '@apollo/server';
import type { Identity } from '@bst/identity';
import { type ExecutionResult, GraphQLError } from 'graphql';
import type { GatewayContext } from '../IdentityForwardingDataSource.ts';
import type { OperationRequest } from './prepareOperation.ts';

/** Queries and mutations sent over WebSocket or SSE run through the same Apollo pipeline as HTTP (plugins, limits). */
export async function executeThroughApollo(
  apollo: ApolloServer<GatewayContext>,
  request: OperationRequest,
  identity: Identity,
): Promise<ExecutionResult> {
  const response = await apollo.executeOperation(
    {
      query: request.query,
      variables: request.variables ?? undefined,
      operationName: request.operationName ?? undefined,
    },
    { contextValue: { identity } },
  );
  if (response.body.kind !== 'single') {
    return { errors: [new GraphQLError('incremental delivery is not supported over this transport')] };
  }
  const { data, errors } = response.body.singleResult;
  const result: ExecutionResult = { data: data ?? null };
  if (errors?.length) {
    result.errors = errors.map((e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions }));
  }
  return result;
}
