import { createIdentitySeal, GATEWAY_IDENTITY_HEADER } from '@bst/identity';
import { z } from 'zod';
import type { MonitoringCatalog } from '../../store/index.ts';

/** Where the bridge learns storage profiles and bindings: core, through GraphQL (a stub server in tests). */
export interface CatalogSource {
  version(): Promise<string>;
  catalog(): Promise<MonitoringCatalog>;
}

const profileSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['AMBIENT', 'REFRIGERATED', 'FROZEN', 'ULTRA_LOW', 'CRYOGENIC', 'CUSTOM']),
  minTempC: z.number().nullable(),
  maxTempC: z.number().nullable(),
  minHumidityPct: z.number().nullable(),
  maxHumidityPct: z.number().nullable(),
  excursionDelaySeconds: z.number(),
  hysteresisC: z.number(),
  hysteresisPct: z.number(),
  maxExcursionMinutes: z.number(),
  excursionBudgetMinutes: z.number(),
  staleAfterSeconds: z.number(),
});

const catalogSchema = z.object({
  version: z.string(),
  profiles: z.array(profileSchema),
  bindings: z.array(
    z.object({ entityType: z.enum(['CONTAINER', 'SAMPLE']), code: z.string(), profileId: z.string().nullable() }),
  ),
});

const versionQuery = 'query TwinBridgeCatalogVersion { catalogVersion }';
const catalogQuery = `query TwinBridgeCatalog {
  monitoringCatalog {
    version
    profiles { id name kind minTempC maxTempC minHumidityPct maxHumidityPct excursionDelaySeconds hysteresisC hysteresisPct maxExcursionMinutes excursionBudgetMinutes staleAfterSeconds }
    bindings { entityType code profileId }
  }
}`;

export interface CoreCatalogSourceOptions {
  /** Core's (or the gateway's) GraphQL endpoint, e.g. http://127.0.0.1:4001/graphql. */
  url: string;
  /** The gateway shared secret: core refuses requests without a sealed identity. */
  secret: string;
  timeoutMs?: number;
}

export function coreCatalogSource({ url, secret, timeoutMs = 5000 }: CoreCatalogSourceOptions): CatalogSource {
  const seal = createIdentitySeal(secret);
  async function query(text: string): Promise<Record<string, unknown>> {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        // Sealed per query: core refuses an identity older than its window.
        [GATEWAY_IDENTITY_HEADER]: await seal.seal({ subject: 'twin-bridge', roles: ['viewer'] }),
      },
      body: JSON.stringify({ query: text }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
    if (!response.ok || body.errors?.length || !body.data) {
      throw new Error(`core catalog query failed (${response.status}): ${body.errors?.[0]?.message ?? 'no data'}`);
    }
    return body.data;
  }
  return {
    async version() {
      return z.string().parse((await query(versionQuery)).catalogVersion);
    },
    async catalog() {
      return catalogSchema.parse((await query(catalogQuery)).monitoringCatalog);
    },
  };
}
