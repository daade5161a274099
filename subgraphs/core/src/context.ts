import type { SubgraphContext } from '@bst/subgraph-kit';
import type { Loaders } from './loaders/createLoaders.ts';
import type { Repositories } from './repositories/index.ts';

export interface CoreContext extends SubgraphContext {
  repos: Repositories;
  loaders: Loaders;
}
