import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLSchema, parse } from 'graphql';
import { twinResolvers } from './resolvers/index.ts';

export const twinTypeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export function createTwinSchema(): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: twinTypeDefs, resolvers: twinResolvers }]);
}
