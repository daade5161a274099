// The query path's backing services for the gateway benchmark (`startStack` of @bst/testing): core (seeded) and the
// twin, each in its own process so that no gateway shares an event loop with them, a history of readings for every
// container fed through the bridge, and a supergraph file naming where they run. The benchmark starts its gateways.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_IDENTITY_HEADER, type Identity, sealIdentity } from '@bst/identity';
import { connectMqttDevice, repositoryRoot, type Stack, startStack } from '@bst/testing';
import { createRedisTwinStore } from '@bst/twin';

export const benchJwtSecret = 'bench-jwt-secret';
/** Who every request of the benchmark is: the gateway verifies it from a token, the baselines send it pre-sealed. */
export const benchIdentity: Identity = { subject: 'bench-dashboard', roles: ['viewer'] };
// The baselines send one identity sealed at start for the whole run, so the subgraphs accept one that old.
const identityMaxAgeSeconds = '3600';
const minute = 60_000;

/** Rewrites each `@join__graph(name: "x", url: "…")` to where that subgraph runs in this benchmark. */
function supergraphAt(sdl: string, urls: Record<string, string>): string {
  return sdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (whole, name: string) =>
    urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : whole,
  );
}

/** Two hours of readings a minute apart for each container, one batch message each, as a logger uploads them. */
async function seedReadings(codes: string[], stack: Stack) {
  const store = createRedisTwinStore({ redis: stack.redis.url, prefix: stack.redis.prefix });
  const device = await connectMqttDevice({}, stack.mqtt.url);
  const perContainer = 120;
  const start = Date.now() - perContainer * minute;
  try {
    for (const [i, code] of codes.entries()) {
      const batch = Array.from({ length: perContainer }, (_, k) => ({
        // A short excursion in every container's history, so compliance has something to count.
        temperature: k >= 40 && k < 52 ? 11 + (i % 3) : 4 + ((k + i) % 3),
        humidity: 50,
        ts: start + k * minute,
        geolocation: '52.52,13.405',
      }));
      await device.publishAsync(`${stack.mqtt.topicPrefix}/telemetry/box/${code}`, JSON.stringify(batch), { qos: 1 });
    }
    const expected = codes.length * perContainer;
    const deadline = Date.now() + 60_000;
    while ((await store.ingestStats()).accepted < expected) {
      if (Date.now() > deadline) throw new Error(`seeded readings not all stored within 60 s (${expected} sent)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await device.endAsync();
    await store.close();
  }
}

export async function startQueryStack() {
  const trust = { GATEWAY_IDENTITY_MAX_AGE_SECONDS: identityMaxAgeSeconds };
  const stack = await startStack({
    label: 'bench_gateway_query',
    seed: true,
    archive: false,
    gateways: 0,
    env: { core: trust, twin: trust },
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-query-'));
  const stop = async () => {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const sealedIdentity = await sealIdentity(benchIdentity, stack.secret);
    const codes = await containerCodes(stack.core.url, sealedIdentity);
    // The bridge has done its part once the history is stored: it takes no CPU from the measured gateways.
    await seedReadings(codes, stack);
    await stack.bridge?.stop();
    const supergraphPath = join(dir, 'supergraph.graphql');
    const sdl = readFileSync(join(repositoryRoot, 'schema/supergraph.graphql'), 'utf8');
    writeFileSync(supergraphPath, supergraphAt(sdl, { core: stack.core.url, twin: stack.twin.url }));
    return {
      supergraphPath,
      containers: codes.length,
      /** The secret the subgraphs trust: the benchmark's gateways are started with it. */
      sharedSecret: stack.secret,
      /** The header the baselines add to every subgraph request: the bench identity, sealed once for the run. */
      identityHeader: { name: GATEWAY_IDENTITY_HEADER, value: sealedIdentity },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function containerCodes(coreUrl: string, sealedIdentity: string): Promise<string[]> {
  const response = await fetch(coreUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [GATEWAY_IDENTITY_HEADER]: sealedIdentity },
    body: JSON.stringify({ query: '{ containers(first: 500) { edges { node { code } } } }' }),
  });
  const body = (await response.json()) as { data?: { containers: { edges: { node: { code: string } }[] } } };
  const codes = body.data?.containers.edges.map((e) => e.node.code);
  if (!codes?.length) throw new Error(`core listed no containers: ${JSON.stringify(body)}`);
  return codes;
}

export type QueryStack = Awaited<ReturnType<typeof startQueryStack>>;
