import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StorageProfile } from '@bst/coldchain';
import { refrigeratedProfile } from '@bst/coldchain/fixtures';
import { openIdentity } from '@bst/identity';
import type { MonitoringCatalog } from '../../src/store/index.ts';

export const refrigerated = refrigeratedProfile({
  id: 'profile-default-sla',
  name: 'Default SLA',
  minHumidityPct: 30,
  maxHumidityPct: 70,
  maxExcursionMinutes: 30,
});

export function catalogFor(codes: string[], profile: StorageProfile = refrigerated, version = 'v1'): MonitoringCatalog {
  return {
    version,
    profiles: [profile],
    bindings: codes.map((code) => ({
      entityType: code.startsWith('SAMPLE') ? ('SAMPLE' as const) : ('CONTAINER' as const),
      code,
      profileId: profile.id,
    })),
  };
}

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

/**
 * A real HTTP server that answers the two queries the bridge sends to core (catalogVersion, monitoringCatalog)
 * and, like every subgraph, refuses a request without an identity sealed with the gateway secret.
 */
/** The gateway secret the stub checks; bridges under test seal with it. */
export const stubCoreSecret = 'twin-stub-core-secret';

export async function startStubCore(initial: MonitoringCatalog) {
  let catalog = initial;
  let requests = 0;
  const server = createServer(async (request, response) => {
    const query = (JSON.parse(await body(request)) as { query: string }).query;
    requests++;
    response.setHeader('content-type', 'application/json');
    const identity = await openIdentity(request.headers['x-bst-identity'] as string | undefined, stubCoreSecret);
    if (!identity) {
      response.end(
        JSON.stringify({ errors: [{ message: 'unauthenticated', extensions: { code: 'UNAUTHENTICATED' } }] }),
      );
      return;
    }
    const data = query.includes('monitoringCatalog')
      ? { monitoringCatalog: catalog }
      : { catalogVersion: catalog.version };
    response.end(JSON.stringify({ data }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    secret: stubCoreSecret,
    setCatalog(next: MonitoringCatalog) {
      catalog = next;
    },
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type StubCore = Awaited<ReturnType<typeof startStubCore>>;
