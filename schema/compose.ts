// `npm run compose` writes schema/supergraph.graphql; `npm run compose -- --check` fails when it is stale.
// Options for tests and tools: --list <subgraphs.json> --out <supergraph.graphql> --root <dir>.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CompositionError, checkSupergraph, composeSupergraph, readSubgraphList } from './composeSupergraph.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    list: { type: 'string', default: resolve(here, 'subgraphs.json') },
    out: { type: 'string', default: resolve(here, 'supergraph.graphql') },
    root: { type: 'string', default: resolve(here, '..') },
  },
});

try {
  const supergraph = composeSupergraph(readSubgraphList(values.list, values.root));
  if (values.check) {
    const committed = existsSync(values.out) ? readFileSync(values.out, 'utf8') : null;
    const check = checkSupergraph(committed, supergraph);
    if (!check.upToDate) {
      console.error(`${values.out} is stale: ${check.reason}\nRun \`npm run compose\` and commit the result.`);
      process.exit(1);
    }
    console.log(`${values.out} is up to date`);
  } else {
    writeFileSync(values.out, supergraph);
    console.log(`wrote ${values.out}`);
  }
} catch (error) {
  console.error(error instanceof CompositionError || error instanceof Error ? error.message : String(error));
  process.exit(1);
}
