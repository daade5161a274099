import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { generateOutput } from '@gql.tada/cli-utils';
import { type DocumentNode, Kind, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as operations from '../app/operations.ts';

const supergraphPath = resolve(import.meta.dirname, '../../../schema/supergraph.graphql');
const apiSchema = Supergraph.build(readFileSync(supergraphPath, 'utf8')).apiSchema().toGraphQLJSSchema();

const documents = Object.entries(operations) as [string, DocumentNode][];
const executable = documents.filter(([, document]) =>
  document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION),
);

describe('every operation the page sends is valid against the supergraph the gateway serves', () => {
  it('covers the page: queries, the acknowledge mutation and both subscriptions', () => {
    expect(executable.map(([name]) => name).sort()).toEqual([
      'AcknowledgeMutation',
      'AlertSubscription',
      'AlertsQuery',
      'ComplianceQuery',
      'ContainerDetailQuery',
      'ContainersQuery',
      'IngestQuery',
      'LiveSubscription',
      'SampleExposureQuery',
      'ShipmentsQuery',
    ]);
  });

  it.each(executable)('%s validates against the API schema of schema/supergraph.graphql', (_name, document) => {
    expect(validate(apiSchema, document).map((error) => error.message)).toEqual([]);
  });

  it('a field the graph lacks would be caught', () => {
    const [, containers] = executable.find(([name]) => name === 'ContainersQuery')!;
    const broken = JSON.parse(JSON.stringify(containers).replace('"totalCount"', '"totalCounts"')) as DocumentNode;
    expect(validate(apiSchema, broken).map((error) => error.message)).toEqual([
      'Cannot query field "totalCounts" on type "ContainerConnection". Did you mean "totalCount"?',
    ]);
  });
});

describe('the page’s GraphQL types come from the current supergraph', () => {
  it('app/graphql-env.d.ts is what gql.tada generates from schema/supergraph.graphql (regenerate after npm run compose)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bst-tada-'));
    try {
      const output = join(dir, 'graphql-env.d.ts');
      await generateOutput({ tsconfig: resolve(import.meta.dirname, '../app/tsconfig.json'), output, silent: true });
      const committed = await readFile(resolve(import.meta.dirname, '../app/graphql-env.d.ts'), 'utf8');
      expect(await readFile(output, 'utf8')).toBe(committed);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
