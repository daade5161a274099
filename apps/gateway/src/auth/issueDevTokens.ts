import { type Role, roles } from '@bst/identity';
import { SignJWT } from 'jose';

/** Signs an HS256 token for a subject with the given roles; used by dev mode and by tests. */
export async function signToken(
  secret: string,
  claims: { subject: string; roles: Role[] },
  expiresIn: string | number = '12h',
): Promise<string> {
  return new SignJWT({ roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/** Ready-made tokens, one per role, that dev mode prints at start. */
export async function issueDevTokens(secret: string): Promise<Record<Role, string>> {
  const entries = await Promise.all(
    roles.map(async (role) => [role, await signToken(secret, { subject: `dev-${role}`, roles: [role] })] as const),
  );
  return Object.fromEntries(entries) as Record<Role, string>;
}
