import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLSchema, parse } from 'graphql';
import { resolvers } from './resolvers/index.ts';

export const coreTypeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export function createCoreSchema(): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: coreTypeDefs, resolvers }]);
}
