import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CompositionError, composeSupergraph } from '../composeSupergraph.ts';

const schemaDir = resolve(import.meta.dirname, '..');
const composeScript = join(schemaDir, 'compose.ts');

function compose(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', composeScript, ...args], {
    cwd: resolve(schemaDir, '..'),
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const shelf = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query { shelf(code: String!): Shelf }
type Shelf @key(fields: "code") { code: String! label: String }
`;
const gauge = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Shelf @key(fields: "code") { code: String! reading: Float }
`;

describe('composition', () => {
  const temps: string[] = [];
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function throwawayRepo() {
    const root = mkdtempSync(join(tmpdir(), 'bst-compose-'));
    temps.push(root);
    writeFileSync(join(root, 'shelf.graphql'), shelf);
    writeFileSync(join(root, 'gauge.graphql'), gauge);
    const list = join(root, 'subgraphs.json');
    writeFileSync(
      list,
      JSON.stringify([
        { name: 'shelf', url: 'http://127.0.0.1:1/graphql', schema: 'shelf.graphql' },
        { name: 'gauge', url: 'http://127.0.0.1:2/graphql', schema: 'gauge.graphql' },
      ]),
    );
    const args = ['--list', list, '--root', root, '--out', join(root, 'supergraph.graphql')];
    return { root, args };
  }

  it('the committed supergraph matches the subgraphs it is composed from', () => {
    const run = compose('--check');
    expect(run.output).toContain('up to date');
    expect(run.status).toBe(0);
  });

  it('a supergraph written by compose passes the check, then fails it once a subgraph SDL changes', () => {
    const { root, args } = throwawayRepo();
    expect(compose(...args).status).toBe(0);
    const supergraph = readFileSync(join(root, 'supergraph.graphql'), 'utf8');
    expect(supergraph).toContain('join__Graph');
    expect(supergraph).toContain('http://127.0.0.1:2/graphql');
    expect(compose('--check', ...args).status).toBe(0);

    writeFileSync(join(root, 'gauge.graphql'), gauge.replace('reading: Float', 'reading: Float humidity: Float'));
    const stale = compose('--check', ...args);
    expect(stale.status).not.toBe(0);
    expect(stale.output).toContain('is stale');
    expect(stale.output).toContain('humidity');
    expect(readFileSync(join(root, 'supergraph.graphql'), 'utf8')).toBe(supergraph);
  });

  it('a missing supergraph file fails the check', () => {
    const { args } = throwawayRepo();
    const run = compose('--check', ...args);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('does not exist');
  });

  it('subgraphs that disagree do not compose, and every reason is reported', () => {
    const clash = gauge.replace('code: String!', 'code: Int!');
    expect(() =>
      composeSupergraph([
        { name: 'shelf', url: 'http://a', sdl: shelf },
        { name: 'gauge', url: 'http://b', sdl: clash },
      ]),
    ).toThrow(CompositionError);
  });
});
