import { hasRole, type Identity } from '@bst/identity';
import { AuthenticationError, type TokenVerifier } from '../auth/index.ts';

export type ConnectionAuth =
  | { ok: true; identity: Identity }
  | { ok: false; code: 4401 | 4403; status: 401 | 403; reason: string };

/** A subscriber must prove who it is (4401 / HTTP 401) and be at least a viewer (4403 / HTTP 403). */
export async function authenticateConnection(verify: TokenVerifier, authorization: unknown): Promise<ConnectionAuth> {
  try {
    const identity = await verify(typeof authorization === 'string' ? authorization : undefined);
    if (!hasRole(identity, 'viewer')) {
      return { ok: false, code: 4403, status: 403, reason: 'Forbidden: subscribing needs the viewer role' };
    }
    return { ok: true, identity };
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    return { ok: false, code: 4401, status: 401, reason: `Unauthorized: ${error.message}` };
  }
}
