import { operationRoles, type Role, type RootType } from '@bst/identity';
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { requireRole } from './requireRole.ts';

export type OperationRoles = Record<RootType, Readonly<Record<string, Role>>>;

const guarded = new WeakSet<GraphQLSchema>();

/**
 * Puts the role check of `rules` in front of every Query, Mutation and Subscription field of the schema (resolve and
 * subscribe), before any argument is looked at. A root field without a rule is refused at start, so a new field
 * cannot ship open by accident.
 */
export function guardRootFields(schema: GraphQLSchema, rules: OperationRoles = operationRoles): GraphQLSchema {
  if (guarded.has(schema)) return schema;
  const roots: [RootType, ReturnType<GraphQLSchema['getQueryType']>][] = [
    ['Query', schema.getQueryType()],
    ['Mutation', schema.getMutationType()],
    ['Subscription', schema.getSubscriptionType()],
  ];
  const missing: string[] = [];
  for (const [rootType, type] of roots) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const role = Object.hasOwn(rules[rootType], field.name) ? rules[rootType][field.name] : undefined;
      if (!role) {
        missing.push(`${rootType}.${field.name}`);
        continue;
      }
      const resolve: GraphQLFieldResolver<unknown, { identity: never }> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx, info) => {
        requireRole(ctx, role);
        return resolve(source, args, ctx, info);
      };
      const subscribe = field.subscribe;
      if (subscribe) {
        field.subscribe = (source, args, ctx, info) => {
          requireRole(ctx, role);
          return subscribe(source, args, ctx, info);
        };
      }
    }
  }
  if (missing.length > 0) {
    throw new Error(`root fields without a role rule (add them to operationRoles): ${missing.join(', ')}`);
  }
  guarded.add(schema);
  return schema;
}
