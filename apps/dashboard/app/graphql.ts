import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

/** Operations typed from schema/supergraph.graphql: a field the graph lacks is a type error. */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  // Fragments only share field lists here; the page reads results whole.
  disableMasking: true;
  scalars: { DateTime: string; JSON: unknown };
}>();

export type { ResultOf, VariablesOf } from 'gql.tada';
