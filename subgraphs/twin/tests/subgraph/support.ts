import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { type Identity, type Role, sealIdentity } from '@bst/identity';
import { createRedisTestPrefix, postToSubgraph, type RedisTestTarget } from '@bst/testing';
import { catalogView, createGroupCommit, handleDeviceMessage } from '../../src/bridge/index.ts';
import { createRedisTwinStore, type MonitoringCatalog, type TwinStore } from '../../src/store/index.ts';
import { startTwinSubgraph, type TwinSubgraph } from '../../src/subgraph/index.ts';

export const secret = 'twin-subgraph-test-secret';
export const MINUTE = 60_000;

/** Refrigerated 2–8 °C, judged at once (no delay) so a single reading out of range is an excursion. */
export const strictFridge = refrigeratedProfile({ id: 'strict-fridge', name: 'Strict fridge' });

export interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

export interface TwinFixture {
  store: TwinStore;
  /** Where the store lives: one Redis or the cluster of TEST_REDIS_CLUSTER_NODES. */
  target: RedisTestTarget;
  subgraph: TwinSubgraph;
  catalog: MonitoringCatalog;
  /** POSTs to the subgraph as the gateway would, for a user with this role. */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    role?: Role,
  ): Promise<Answer<T>>;
  /** A device message through the bridge's own validation and ingest path (no broker needed). */
  publish(topic: string, payload: unknown, receivedAt?: number): Promise<void>;
  identity(role: Role): Promise<string>;
  stop(): Promise<void>;
}

/** A twin subgraph on an ephemeral port over real Redis under a fresh key prefix, its catalog cached as the bridge would. */
export async function startTwinFixture(bindings: { container?: string[]; sample?: string[] }): Promise<TwinFixture> {
  const redis = createRedisTestPrefix('twin_subgraph');
  const store = createRedisTwinStore({ redis: redis.target, prefix: redis.prefix });
  const catalog: MonitoringCatalog = {
    version: 'v1',
    profiles: [strictFridge],
    bindings: [
      ...(bindings.container ?? []).map((code) => ({
        entityType: 'CONTAINER' as const,
        code,
        profileId: strictFridge.id,
      })),
      ...(bindings.sample ?? []).map((code) => ({ entityType: 'SAMPLE' as const, code, profileId: strictFridge.id })),
    ],
  };
  await store.cacheCatalog(catalog, 3600);
  const subgraph = await startTwinSubgraph({ store, gatewaySecret: secret });
  const view = catalogView(catalog);
  const ingest = { store, ingest: createGroupCommit({ store, catalog: () => view }).ingest };
  const identity = (role: Role) => sealIdentity({ subject: `test-${role}`, roles: [role] } satisfies Identity, secret);
  return {
    store,
    target: redis.target,
    subgraph,
    catalog,
    identity,
    async query<T>(query: string, variables?: Record<string, unknown>, role: Role = 'viewer') {
      const { body } = await postToSubgraph(
        subgraph.url,
        { query, ...(variables ? { variables } : {}) },
        await identity(role),
      );
      return body as Answer<T>;
    },
    async publish(topic, payload, receivedAt = Date.now()) {
      const bytes = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
      await handleDeviceMessage(ingest, 'bio_supply', topic, bytes, receivedAt);
    },
    async stop() {
      await subgraph.stop();
      await store.clear();
      await store.close();
    },
  };
}

/** A reading as the original's devices send it. */
export function reading(at: number, temperature: number | null, extra: Record<string, unknown> = {}) {
  return { temperature, timestamp: new Date(at).toISOString(), ...extra };
}

export const iso = (ms: number) => new Date(ms).toISOString();
