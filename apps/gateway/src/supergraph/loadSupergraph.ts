import { type Schema, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';

export interface SubgraphEndpoint {
  name: string;
  url: string;
}

/** Everything the gateway derives from one supergraph SDL: the served API, the planner and the subgraph endpoints. */
export interface LoadedSupergraph {
  sdl: string;
  supergraph: Supergraph;
  /** The client-facing API schema (federation representation, what operations are parsed against). */
  apiSchema: Schema;
  /** The same API schema as graphql-js, for validation. */
  apiGraphQLSchema: GraphQLSchema;
  /** The full supergraph as graphql-js, which query plan execution needs. */
  supergraphSchema: GraphQLSchema;
  planner: QueryPlanner;
  subgraphs: SubgraphEndpoint[];
}

/** Env name overriding one subgraph's URL: `SUBGRAPH_<NAME>_URL`, the name upper-cased. */
export function subgraphUrlEnvName(subgraph: string): string {
  return `SUBGRAPH_${subgraph.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_URL`;
}

/** Subgraph URL overrides from `SUBGRAPH_<NAME>_URL` variables, looked up for the names the supergraph declares. */
export function subgraphUrlsFromEnv(names: string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const name of names) {
    const url = env[subgraphUrlEnvName(name)];
    if (url) overrides[name] = url;
  }
  return overrides;
}

export function loadSupergraph(sdl: string, urlOverrides: Record<string, string> = {}): LoadedSupergraph {
  const supergraph = Supergraph.build(sdl);
  const apiSchema = supergraph.apiSchema();
  const subgraphs = supergraph.subgraphsMetadata().map(({ name, url }) => ({ name, url: urlOverrides[name] ?? url }));
  return {
    sdl,
    supergraph,
    apiSchema,
    apiGraphQLSchema: apiSchema.toGraphQLJSSchema(),
    supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
    planner: new QueryPlanner(supergraph),
    subgraphs,
  };
}
