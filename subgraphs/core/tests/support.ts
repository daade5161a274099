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
    const { body } = await postToSubgraph(url, { query, variables }, sealIdentity(who, secret));
    return body as GraphQLResult<T>;
  };
}
