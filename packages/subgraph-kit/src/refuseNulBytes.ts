import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { type DocumentNode, GraphQLError, visit } from 'graphql';

function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulPath(item, `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulPath(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

function literalWithNul(document: DocumentNode): string | null {
  let argument = 'query';
  let found: string | null = null;
  visit(document, {
    Argument: {
      enter(node) {
        argument = node.name.value;
      },
    },
    StringValue(node) {
      if (!found && node.value.includes('\u0000')) found = argument;
    },
  });
  return found;
}

/**
 * No text a client sends may carry a NUL character: Postgres refuses it deep inside a statement (with the SQL in its
 * message), so it is refused here first, as BAD_USER_INPUT naming the variable or argument.
 */
export function refuseNulBytes<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const field = nulPath(request.variables ?? {}, 'variables') ?? literalWithNul(document);
          if (!field) return;
          // 200, as for any BAD_USER_INPUT: a gateway treats a non-2xx subgraph answer as a failed subgraph.
          throw new GraphQLError(`${field} must not contain a NUL character`, {
            extensions: { code: 'BAD_USER_INPUT', field, http: { status: 200 } },
          });
        },
      };
    },
  };
}
