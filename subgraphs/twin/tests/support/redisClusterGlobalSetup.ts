import { startRedisCluster } from '@bst/testing';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port,…` of the cluster the `twin-cluster` project runs on. */
    redisClusterNodes: string;
  }
}

/** One cluster for the whole project, handed to its test files (onRedisCluster.ts), stopped after them. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startRedisCluster();
  project.provide('redisClusterNodes', cluster.nodes.map((node) => `${node.host}:${node.port}`).join(','));
  return () => cluster.stop();
}
