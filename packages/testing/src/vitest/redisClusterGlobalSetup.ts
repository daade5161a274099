import type { TestProject } from 'vitest/node';
import { startRedisCluster } from '../startRedisCluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port,…` of the cluster a `*-cluster` project runs on. */
    redisClusterNodes: string;
  }
}

/** A Vitest globalSetup: one cluster for the whole project, handed to its test files (setupFiles: onRedisCluster.ts), stopped after them. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startRedisCluster();
  project.provide('redisClusterNodes', cluster.nodes.map((node) => `${node.host}:${node.port}`).join(','));
  return () => cluster.stop();
}
