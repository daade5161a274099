export const roles = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof roles)[number];

export interface Identity {
  /** The user or device the gateway authenticated (JWT `sub`); `anonymous` when none. */
  subject: string;
  roles: Role[];
  /** Seconds since epoch when the credential that proved this identity expires. */
  expiresAt?: number;
}

const rank: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** Roles are ordered: an admin may do what an operator may, an operator what a viewer may. */
export function hasRole(identity: Identity | null | undefined, needed: Role): boolean {
  if (!identity) return false;
  return identity.roles.some((role) => rank[role] >= rank[needed]);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}
