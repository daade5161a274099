import { hasRole, type Identity, type Role } from '@bst/identity';
import { forbidden } from './errors.ts';

/** Throws FORBIDDEN unless the request's identity holds `role` (or a higher one). */
export function requireRole(ctx: { identity: Identity }, role: Role): void {
  if (!hasRole(ctx.identity, role)) {
    throw forbidden(
      `This needs the ${role} role; ${ctx.identity.subject} has ${ctx.identity.roles.join(', ') || 'none'}`,
    );
  }
}
