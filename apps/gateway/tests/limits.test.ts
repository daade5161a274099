import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureOperation } from '../src/limits/index.ts';
import { type ShelfPlatform, startShelfPlatform } from './fixtures/startShelfPlatform.ts';

describe('measuring an operation', () => {
  it('counts depth through fragments, aliases, and cost multiplied by page sizes', () => {
    const document = parse(`
      query Q($n: Int) { a: shelves { ...S } b: list(first: 10) { items(first: $n) { code } } }
      fragment S on Shelf { code inner { deeper { code } } }
    `);
    expect(measureOperation(document, 'Q', { n: 5 })).toEqual({
      depth: 4,
      aliases: 2,
      cost: 1 + 1 + 1 + 1 + 1 + 1 + 10 + 50,
    });
  });

  it('assumes a page size for a list whose size variable is unset, and survives a fragment cycle', () => {
    const document = parse('query { list(first: $n) { code } } fragment A on T { x { ...A } }');
    expect(measureOperation(document, undefined, {})?.cost).toBe(1 + 100);
  });
});

describe('limits before execution', () => {
  let platform: ShelfPlatform;
  let token: string;
  beforeAll(async () => {
    platform = await startShelfPlatform({ limits: { maxDepth: 3, maxAliases: 2, maxCost: 20 }, maxBodyBytes: 2048 });
    token = await platform.token('viewer');
  });
  afterAll(() => platform?.stop());

  const refused = async (query: string) => {
    const before = platform.shelves.operations.length + platform.gauges.operations.length;
    const { status, body } = await platform.post({ query }, token);
    expect(platform.shelves.operations.length + platform.gauges.operations.length).toBe(before);
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

  it('refuses an operation whose estimated cost is over the limit', async () => {
    const { error } = await refused('{ shelves { neighbours(first: 50) { code label } } }');
    expect(error?.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'cost' });
  });

  it('refuses an oversized body with 413', async () => {
    const { status, body } = await platform.post({ query: `{ shelves { code } } # ${'x'.repeat(4096)}` }, token);
    expect(status).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
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
