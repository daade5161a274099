import { badUserInput } from '@bst/subgraph-kit';
import type { EntityKey } from '../loaders/createLoaders.ts';

/** Root lookups take either key; exactly one must be given. */
export function entityKey(args: { id?: string | null; code?: string | null }, codeField = 'code'): EntityKey {
  if (args.id && args.code) throw badUserInput('id', `Give either id or ${codeField}, not both`);
  if (args.id) return `id:${args.id}`;
  if (args.code) return `code:${args.code}`;
  throw badUserInput(codeField, `Give ${codeField} or id`);
}

/** A federation representation carries whichever @key the router chose. */
export function representationKey(ref: { id?: string; code?: string }): EntityKey | null {
  if (ref.id) return `id:${ref.id}`;
  if (ref.code) return `code:${ref.code}`;
  return null;
}
