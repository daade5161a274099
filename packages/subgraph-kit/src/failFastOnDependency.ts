import { ServiceUnavailableError } from '@bst/service-kit';
import type { GraphQLField, GraphQLFieldResolver, GraphQLSchema } from 'graphql';

export interface DependencyFailFastOptions {
  /** The backing service every resolver waits on (`postgres`): named in logs, never to clients. */
  dependency: string;
  /** A request still waiting on it this long after its first resolver started answers SERVICE_UNAVAILABLE. */
  timeoutMs: number;
  /** The error's cause that means the service could not serve (connection refused, shutting down), or null. */
  unavailableCause(error: unknown): Error | null;
}

interface Deadline {
  passed: Promise<never>;
}

/** An object type, told by shape: the schema may come from another copy of graphql (`isObjectType` would throw). */
const fieldsOfObjectType = (type: unknown): Record<string, GraphQLField<unknown, object>> | null =>
  type !== null &&
  typeof type === 'object' &&
  'isTypeOf' in type &&
  typeof (type as { getFields?: unknown }).getFields === 'function'
    ? (type as unknown as { getFields(): Record<string, GraphQLField<unknown, object>> }).getFields()
    : null;

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/**
 * Every resolver of `schema` (changed in place) fails with `ServiceUnavailableError` (SERVICE_UNAVAILABLE to clients,
 * message masked) when its dependency cannot serve: at once when the driver says so (connection refused, server
 * shutting down), and at the request's deadline when it does not answer at all (a frozen server or a partition keeps
 * the socket open and the driver has no query timeout). One deadline per request (per context), so nested resolvers
 * do not add up. A write cut off by the deadline may still be applied once the server answers: the outcome is unknown.
 */
export function failFastOnDependency(schema: GraphQLSchema, options: DependencyFailFastOptions): GraphQLSchema {
  const deadlines = new WeakMap<object, Deadline>();
  const deadlineOf = (context: object): Deadline => {
    let deadline = deadlines.get(context);
    if (!deadline) {
      const passed = new Promise<never>((_, reject) => {
        setTimeout(
          () =>
            reject(
              new ServiceUnavailableError(options.dependency, new Error(`no answer within ${options.timeoutMs} ms`)),
            ),
          options.timeoutMs,
        ).unref();
      });
      // A request that finished in time never looks at it.
      passed.catch(() => {});
      deadline = { passed };
      deadlines.set(context, deadline);
    }
    return deadline;
  };
  const translate = (error: unknown): unknown => {
    if (error instanceof ServiceUnavailableError) return error;
    const cause = options.unavailableCause(error);
    return cause ? new ServiceUnavailableError(options.dependency, cause) : error;
  };
  for (const type of Object.values(schema.getTypeMap())) {
    const fields = fieldsOfObjectType(type);
    if (!fields || type.name.startsWith('__') || type === schema.getSubscriptionType()) continue;
    for (const field of Object.values(fields)) {
      const resolve = field.resolve as GraphQLFieldResolver<unknown, object> | undefined;
      if (!resolve) continue;
      field.resolve = (parent, args, context: object, info) => {
        let result: unknown;
        try {
          result = resolve(parent, args, context, info);
        } catch (error) {
          throw translate(error);
        }
        if (!isPromiseLike(result)) return result;
        return Promise.race([result, deadlineOf(context).passed]).catch((error: unknown) => {
          throw translate(error);
        });
      };
    }
  }
  return schema;
}
