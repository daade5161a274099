import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

export interface SubgraphSource {
  name: string;
  url: string;
  /** The subgraph's SDL text. */
  sdl: string;
}

export interface SubgraphListEntry {
  name: string;
  url: string;
  /** Path of the SDL file, relative to the repository root. */
  schema: string;
}

export class CompositionError extends Error {
  constructor(readonly reasons: string[]) {
    super(`composition failed:\n${reasons.map((r) => `  - ${r}`).join('\n')}`);
  }
}

/** Composes subgraphs into a supergraph SDL with @apollo/composition; throws CompositionError listing every reason. */
export function composeSupergraph(subgraphs: SubgraphSource[]): string {
  const result = composeServices(
    subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl, { noLocation: false }) })),
  );
  if (result.errors) throw new CompositionError(result.errors.map((e) => e.message));
  return result.supergraphSdl;
}

/** Reads `subgraphs.json` (name, url, schema path relative to rootDir) and the SDL files it names. */
export function readSubgraphList(
  listPath: string,
  rootDir: string = resolve(dirname(listPath), '..'),
): SubgraphSource[] {
  const entries: unknown = JSON.parse(readFileSync(listPath, 'utf8'));
  if (!Array.isArray(entries)) throw new Error(`${listPath}: expected a JSON array of { name, url, schema }`);
  return entries.map((entry: Partial<SubgraphListEntry>, index) => {
    const { name, url, schema } = entry ?? {};
    if (typeof name !== 'string' || typeof url !== 'string' || typeof schema !== 'string') {
      throw new Error(`${listPath}[${index}]: each subgraph needs string fields name, url and schema`);
    }
    return { name, url, sdl: readFileSync(resolve(rootDir, schema), 'utf8') };
  });
}

export type SupergraphCheck = { upToDate: true } | { upToDate: false; reason: string };

/** Whether the committed supergraph file equals what composition produces now. */
export function checkSupergraph(committed: string | null, composed: string): SupergraphCheck {
  if (committed === null) return { upToDate: false, reason: 'the supergraph file does not exist' };
  if (committed === composed) return { upToDate: true };
  const a = committed.split('\n');
  const b = composed.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? Math.min(a.length, b.length) : line;
  return {
    upToDate: false,
    reason: `the supergraph file differs from the composed subgraph SDL at line ${at + 1}:\n  committed: ${a[at] ?? '<end of file>'}\n  composed:  ${b[at] ?? '<end of file>'}`,
  };
}
