import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, getIntrospectionQuery, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOperationGuard,
  defaultOperationLimits,
  evaluateCost,
  introspectionListSizes,
  measureDocument,
} from '../src/limits/index.ts';
import { loadSupergraph } from '../src/supergraph/loadSupergraph.ts';
import { gatewayClient, waitFor } from './fixtures/gatewayClient.ts';
import { openSse } from './fixtures/sseClient.ts';
import { type ShelfPlatform, startShelfPlatform } from './fixtures/startShelfPlatform.ts';

const schema = buildSchema(`
  type Query {
    shelves: [Shelf!]!
    shelf(code: String!): Shelf
    page(first: Int, after: String): ShelfConnection!
    recent(last: Int = 5): [Shelf!]!
  }
  type ShelfConnection { edges: [ShelfEdge!]! totalCount: Int! }
  type ShelfEdge { cursor: String! node: Shelf! }
  type Shelf { code: String! label: String! neighbours(first: Int): [Shelf!]! readings(last: Int): [Float!]! }
`);
const model = { schema, assumedListSize: 100, introspectionListSizes: introspectionListSizes(schema) };

function measure(query: string, variables: Record<string, unknown> = {}, operationName: string | null = null) {
  const measures = measureDocument(parse(query), model);
  const found = measures.get(operationName) ?? [...measures.values()][0]!;
  return { depth: found.depth, aliases: found.aliases, cost: evaluateCost(found.cost, variables) };
}

describe('measuring an operation against the schema', () => {
  it('counts every field once, and every field under a list once per item of its bound', () => {
    expect(measure('{ shelf(code: "A") { code label } }')).toEqual({ depth: 2, aliases: 0, cost: 3 });
    expect(measure('{ shelf(code: "A") { neighbours(first: 10) { code label } } }').cost).toBe(1 + 1 + 10 * 2);
    // A connection's bound sizes its edges: edges and nodes are not counted as a second list.
    expect(measure('{ page(first: 20) { totalCount edges { cursor node { code } } } }').cost).toBe(
      1 + 1 + 1 + 20 * (1 + 1 + 1),
    );
  });

  it('gives a list without a bound the assumed size, so nesting unbounded lists is not free', () => {
    expect(measure('{ shelves { code } }').cost).toBe(1 + 100);
    const nested = measure('{ shelves { neighbours { neighbours { code } } } }');
    expect(nested.cost).toBe(1 + 100 * (1 + 100 * (1 + 100)));
    expect(nested.cost).toBeGreaterThan(defaultOperationLimits.maxCost);
  });

  it('counts a bound given by a variable as given, else as the variable default, else the argument default', () => {
    const query = 'query ($n: Int = 1000) { shelf(code: "A") { neighbours(first: $n) { code } } }';
    expect(measure(query, { n: 3 }).cost).toBe(2 + 3);
    expect(measure(query).cost).toBe(2 + 1000);
    expect(measure('query ($n: Int) { shelf(code: "A") { neighbours(first: $n) { code } } }').cost).toBe(2 + 100);
    expect(measure('{ recent { code } }').cost).toBe(1 + 5);
    expect(measure('query ($n: Int) { recent(last: $n) { code } }', { n: 40 }).cost).toBe(1 + 40);
  });

  it('measures introspection like any field, sized by the schema, and counts its aliases', () => {
    const sizes = introspectionListSizes(schema);
    expect(measure('{ __schema { types { name } } }').cost).toBe(1 + 1 + sizes['__Schema.types']!);
    const aliased = measure(
      `{ ${Array.from({ length: 40 }, (_, i) => `i${i}: __schema { types { name fields { name } } }`).join(' ')} }`,
    );
    expect(aliased.aliases).toBe(40);
    const nestedTypes = measure(
      '{ __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }',
    );
    expect(nestedTypes.cost).toBeGreaterThan(measure('{ __schema { types { fields { type { name } } } } }').cost * 10);
    expect(measure('{ a: __typename b: __typename shelves { __typename } }')).toEqual({
      depth: 1 + 1,
      aliases: 2,
      cost: 2 + 1 + 100,
    });
  });

  it('measures fragments spread exponentially in linear time, and finds them far over any limit', () => {
    const levels = 60;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on Shelf { ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    const query = `{ shelf(code: "A") { ...F0 } } ${fragments} fragment F${levels} on Shelf { code }`;
    const started = performance.now();
    const { cost } = measure(query);
    expect(performance.now() - started).toBeLessThan(200);
    expect(cost).toBeGreaterThanOrEqual(2 ** levels);
  });
});

/** The standard introspection query with its `__schema` selection asked `times` times under aliases. */
function aliasedIntrospection(times: number): string {
  const query = getIntrospectionQuery();
  const start = query.indexOf('__schema {');
  let end = query.indexOf('{', start);
  for (let depth = 0; ; end++) {
    if (query[end] === '{') depth++;
    if (query[end] === '}' && --depth === 0) break;
  }
  const selection = query.slice(start, end + 1);
  const aliased = Array.from({ length: times }, (_, i) => `i${i}: ${selection}`).join('\n');
  return `${query.slice(0, start)}${aliased}${query.slice(end + 1)}`;
}

describe('the operation guard', () => {
  const productSchema = loadSupergraph(
    readFileSync(join(import.meta.dirname, '../../../schema/supergraph.graphql'), 'utf8'),
  ).apiGraphQLSchema;

  it('lets the standard introspection query (GraphiQL, codegen) through the default limits of the product graph', () => {
    const guard = createOperationGuard(defaultOperationLimits);
    expect(guard.check(productSchema, { query: getIntrospectionQuery() })).toBeNull();
    const twice = `query { a: __schema { types { name fields { name } } } b: __schema { types { name fields { name } } } c: __schema { types { name fields { name args { name } } } } }`;
    expect(guard.check(productSchema, { query: twice })).toBeNull();
  });

  it('refuses every finding of the review by its limit, naming the figures', () => {
    const guard = createOperationGuard(defaultOperationLimits);
    const check = (query: string, variables?: Record<string, unknown>) =>
      guard.check(productSchema, { query, variables: variables ?? null })?.extensions;
    const introspections = Array.from({ length: 480 }, (_, i) => `i${i}: __schema { types { name } }`).join(' ');
    expect(check(`{ ${introspections} }`)).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'tokens' });
    expect(check(aliasedIntrospection(2))).toMatchObject({ limit: 'cost', max: 50_000 });
    expect(check(aliasedIntrospection(31))).toMatchObject({ limit: 'aliases', max: 30 });
    expect(
      check('{ site(code: "S") { containers { site { containers { site { containers { code } } } } } } }'),
    ).toMatchObject({
      limit: 'cost',
    });
    expect(
      check('{ container(code: "B") { children { children { samples { code } } } readings { at } } }'),
    ).toMatchObject({ limit: 'cost' });
    const byDefault = 'query ($n: Int = 100000) { alerts(first: $n) { id container { code } } }';
    expect(check(byDefault)).toMatchObject({ limit: 'cost' });
    expect(check(byDefault, { n: 50 })).toBeUndefined();
  });

  it('measures a document once: later requests with other variables reuse the cached verdict', () => {
    const guard = createOperationGuard({ ...defaultOperationLimits, maxCost: 1000 });
    const query = 'query ($n: Int) { alerts(first: $n) { id } }';
    expect(guard.check(productSchema, { query, variables: { n: 10 } })).toBeNull();
    expect(guard.check(productSchema, { query, variables: { n: 5000 } })?.extensions).toMatchObject({ limit: 'cost' });
    expect(guard.check(productSchema, { query, variables: { n: 20 } })).toBeNull();
    expect(guard.cachedDocuments()).toBe(1);
  });
});

describe('limits before execution, the same on HTTP, graphql-ws and SSE', () => {
  let platform: ShelfPlatform;
  let token: string;
  beforeAll(async () => {
    platform = await startShelfPlatform({
      limits: { maxDepth: 3, maxAliases: 2, maxCost: 20, maxTokens: 60, assumedListSize: 5 },
      maxBodyBytes: 2048,
    });
    token = await platform.token('viewer');
  });
  afterAll(() => platform?.stop());

  const operations = () => platform.shelves.operations.length + platform.gauges.operations.length;
  const refused = async (query: string) => {
    const before = operations();
    const { status, body } = await platform.post({ query }, token);
    expect(operations()).toBe(before);
    return { status, error: body.errors?.[0] };
  };

  it('refuses an operation deeper than the limit, naming the limit', async () => {
    const { status, error } = await refused('{ shelves { neighbours { neighbours { code } } } }');
    expect(status).toBe(400);
    expect(error?.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'depth', actual: 4, max: 3 });
    expect(error?.message).toBe('query depth 4 exceeds the limit of 3');
  });

  it('refuses too many aliases', async () => {
    const { error } = await refused('{ a: shelves { code } b: shelves { code } c: shelves { code } }');
    expect(error?.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'aliases', actual: 3 });
  });

  it('refuses an operation whose estimated cost is over the limit, also when a variable default makes it so', async () => {
    expect((await refused('{ shelves { neighbours(first: 50) { code label } } }')).error?.extensions).toMatchObject({
      code: 'OPERATION_LIMIT_EXCEEDED',
      limit: 'cost',
    });
    const byDefault = await refused(
      'query ($n: Int = 1000) { shelf(code: "SHELF-1") { neighbours(first: $n) { code } } }',
    );
    expect(byDefault.error?.extensions).toMatchObject({ limit: 'cost' });
  });

  it('refuses a document with more tokens than the limit before parsing it', async () => {
    const { status, error } = await refused(`{ shelves { ${'code '.repeat(80)} } }`);
    expect(status).toBe(400);
    expect(error?.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'tokens', max: 60 });
  });

  it('refuses an oversized body with 413', async () => {
    const { status, body } = await platform.post({ query: `{ shelves { code } } # ${'x'.repeat(4096)}` }, token);
    expect(status).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses the same operations over graphql-ws and SSE with the same error', async () => {
    const deep = 'subscription { shelfReadings { shelf { neighbours { neighbours { code } } } } }';
    const client = gatewayClient(platform.gateway.url, token);
    const subscription = client.subscribe(deep);
    await waitFor(() => subscription.failures.length === 1, 'the refusal');
    expect(JSON.stringify(subscription.failures[0])).toContain('"limit":"depth"');
    await client.dispose();
    const sse = await openSse(platform.gateway.url, token, deep);
    expect(sse.status).toBe(400);
    expect(JSON.stringify(sse.body)).toContain('"limit":"depth"');
    expect(platform.gauges.openSubscriptions()).toBe(0);
  });

  it('lets an operation within every limit through', async () => {
    const { body } = await platform.post(
      { query: '{ a: shelves { code } b: shelf(code: "SHELF-2") { label } }' },
      token,
    );
    expect(body.data).toEqual({
      a: [{ code: 'SHELF-1' }, { code: 'SHELF-2' }],
      b: { label: 'Bottom shelf' },
    });
  });
});
