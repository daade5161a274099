import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { checkOperationLimits, type OperationLimits } from './checkOperationLimits.ts';

/** Apollo Server plugin: refuses an operation over the limits after parsing, before any subgraph is called. */
export function useOperationLimits<TContext extends BaseContext>(
  limits: OperationLimits,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request }) {
          const violation = checkOperationLimits(document, limits, operationName, request.variables ?? {});
          if (violation) throw violation;
        },
      };
    },
  };
}
