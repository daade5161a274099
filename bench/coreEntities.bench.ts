// The core half of alert hydration: sequential `_entities` requests (Container by code → site, and → site +
// samples), as the gateway sends them, over one keep-alive connection to core on a fresh seeded database. Baselines
// in the same run: the container, its site and samples through postgres.js alone, and a `{ __typename }` request
// (HTTP + Apollo without resolvers).
import http from 'node:http';
import { startCoreSubgraph } from '@bst/core';
import { createIdentitySeal, GATEWAY_IDENTITY_HEADER } from '@bst/identity';
import { createTestDatabase } from '@bst/testing';
import postgres from 'postgres';

const env = process.env;
const requests = Number(env.BENCH_REQUESTS ?? 2000);
const warmup = 200;

const hydration = (selection: string) =>
  JSON.stringify({
    query: `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Container { ${selection} } } }`,
    variables: { representations: [{ __typename: 'Container', code: 'BOX-0001' }] },
  });
// What the alert benchmark's subscription needs from core, and what issue 5's acceptance test asks for.
const siteBody = hydration('site { name }');
const siteAndSamplesBody = hydration('site { name } samples { code }');

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
const round = (n: number) => Math.round(n * 1000) / 1000;

async function timed(label: string, run: () => Promise<void>) {
  for (let i = 0; i < warmup; i++) await run();
  const ms: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    await run();
    ms.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore);
  ms.sort((a, b) => a - b);
  return {
    label,
    p50Ms: round(percentile(ms, 50)),
    p99Ms: round(percentile(ms, 99)),
    maxMs: round(ms[ms.length - 1] as number),
    cpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / requests),
  };
}

const database = await createTestDatabase('bench_core_entities');
let statements = 0;
const secret = 'bench-gateway-shared-secret';
const core = await startCoreSubgraph({
  databaseUrl: database.url,
  gatewaySecret: secret,
  seed: true,
  onQuery: () => statements++,
});
const sql = postgres(database.url, { max: 1, onnotice: () => {} });
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
// Sealed as the gateway seals: one value reused, re-sealed well inside core's window (a third of it).
const seal = createIdentitySeal(secret);
let identity = await seal.seal({ subject: 'bench', roles: ['viewer'] });
setInterval(async () => {
  identity = await seal.seal({ subject: 'bench', roles: ['viewer'] });
}, 20_000).unref();

function post(body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      core.url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          [GATEWAY_IDENTITY_HEADER]: identity,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks).toString()));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

try {
  const answer = JSON.parse(await post(siteAndSamplesBody)) as {
    data?: { _entities?: { site?: { name?: string } }[] };
  };
  if (!answer.data?._entities?.[0]?.site?.name) throw new Error(`unexpected answer: ${JSON.stringify(answer)}`);

  const bareSql = await timed('sql', async () => {
    const [container] = await sql`select id, site_id from containers where code = ${'BOX-0001'}`;
    await Promise.all([
      sql`select name from sites where id = ${container?.site_id}`,
      sql`select code from samples where container_id = ${container?.id}`,
    ]);
  });
  const typename = await timed('typename', async () => {
    await post('{"query":"{ __typename }"}');
  });
  statements = 0;
  const site = await timed('site', async () => {
    await post(siteBody);
  });
  const siteStatements = statements / (requests + warmup);
  statements = 0;
  const siteAndSamples = await timed('siteAndSamples', async () => {
    await post(siteAndSamplesBody);
  });
  const siteAndSamplesStatements = statements / (requests + warmup);
  console.log(
    JSON.stringify({
      bench: 'coreEntities',
      requests,
      siteP50Ms: site.p50Ms,
      siteP99Ms: site.p99Ms,
      siteCpuMsPerRequest: site.cpuMsPerRequest,
      siteStatements: round(siteStatements),
      siteAndSamplesP50Ms: siteAndSamples.p50Ms,
      siteAndSamplesP99Ms: siteAndSamples.p99Ms,
      siteAndSamplesCpuMsPerRequest: siteAndSamples.cpuMsPerRequest,
      siteAndSamplesStatements: round(siteAndSamplesStatements),
      baselineSqlP50Ms: bareSql.p50Ms,
      baselineSqlP99Ms: bareSql.p99Ms,
      baselineTypenameP50Ms: typename.p50Ms,
      baselineTypenameP99Ms: typename.p99Ms,
      baselineTypenameCpuMsPerRequest: typename.cpuMsPerRequest,
      ratioSiteP50VsSql: round(site.p50Ms / bareSql.p50Ms),
      ratioSiteP50VsTypename: round(site.p50Ms / typename.p50Ms),
    }),
  );
} finally {
  agent.destroy();
  await sql.end();
  await core.stop();
  await database.drop();
}
process.exit();
