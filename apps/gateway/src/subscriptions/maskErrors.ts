import { GraphQLError, type GraphQLError as GraphQLErrorType, type GraphQLFormattedError } from 'graphql';

export type ErrorMask = (formatted: GraphQLFormattedError, error?: unknown) => GraphQLFormattedError;

/** Errors as a client may see them (code, error id, message only for its own mistakes), still as GraphQLErrors. */
export function maskErrors(errors: readonly GraphQLErrorType[], mask: ErrorMask): GraphQLError[] {
  return errors.map((error) => {
    const masked = mask(error.toJSON(), error);
    return new GraphQLError(masked.message, {
      ...(masked.path ? { path: masked.path } : {}),
      ...(masked.extensions ? { extensions: masked.extensions } : {}),
    });
  });
}
