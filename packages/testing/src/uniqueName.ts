import { randomBytes } from 'node:crypto';

/** A name no other suite running in parallel will pick: for databases, key prefixes and topic prefixes. */
export function uniqueName(label: string): string {
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  return `bst_${safe}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}
