import { type Identity, sealIdentity } from '@bst/identity';
import { postToSubgraph } from '@bst/testing';

export const secret = 'core-test-secret';

export const people = {
  admin: { subject: 'alice.admin', roles: ['admin'] },
  operator: { subject: 'oscar.operator', roles: ['operator'] },
  viewer: { subject: 'vera.viewer', roles: ['viewer'] },
} satisfies Record<string, Identity>;

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

/** A client of the core subgraph acting as `who` through the gateway. */
export function clientFor(url: string, who: Identity = people.admin) {
  return async <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => {
    const { body } = await postToSubgraph(url, { query, variables }, await sealIdentity(who, secret));
    return body as GraphQLResult<T>;
  };
}

/** Row counts of every core table: "the database is unchanged" means this snapshot is equal before and after. */
export async function tableCounts(sql: import('postgres').Sql): Promise<Record<string, number>> {
  const tables = [
    'sites',
    'storage_profiles',
    'containers',
    'samples',
    'shipments',
    'shipment_containers',
    'custody_events',
    'audit_log',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await sql.unsafe(`select count(*)::int as n from ${table}`);
    counts[table] = row?.n as number;
  }
  return counts;
}
