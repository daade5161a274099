import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createIdentitySeal, hasRole, openIdentity, sealIdentity } from '../src/index.ts';

const secret = 'identity-test-secret';

describe('the identity the gateway passes to subgraphs', () => {
  it('opens with the shared secret and yields the same identity', async () => {
    const sealed = await sealIdentity({ subject: 'ana', roles: ['operator'] }, secret);
    expect(await openIdentity(sealed, secret)).toEqual({ subject: 'ana', roles: ['operator'] });
  });

  it('is refused when sealed with another secret or tampered with', async () => {
    const sealed = await sealIdentity({ subject: 'ana', roles: ['viewer'] }, secret);
    expect(await openIdentity(sealed, 'another-secret-entirely')).toBeNull();
    const [header, , signature] = sealed.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'ana', roles: ['admin'], iat: Date.now() / 1000 })).toString(
      'base64url',
    );
    expect(await openIdentity(`${header}.${forged}.${signature}`, secret)).toBeNull();
    expect(await openIdentity(`${header}.${forged}`, secret)).toBeNull();
    expect(await openIdentity(undefined, secret)).toBeNull();
  });

  it('is refused once the credential behind it has expired', async () => {
    const sealed = await sealIdentity(
      { subject: 'ana', roles: ['viewer'], expiresAt: Math.floor(Date.now() / 1000) - 1 },
      secret,
    );
    expect(await openIdentity(sealed, secret)).toBeNull();
  });

  it('carries its issue time: a value replayed after the window is refused, one inside it accepted', async () => {
    const issuedAt = Date.UTC(2026, 0, 1, 12, 0, 0);
    const sealed = await sealIdentity({ subject: 'ana', roles: ['admin'] }, secret, issuedAt);
    const at = (offsetMs: number) => ({ maxAgeSeconds: 60, now: () => issuedAt + offsetMs });
    expect(await openIdentity(sealed, secret, at(30_000))).toEqual({ subject: 'ana', roles: ['admin'] });
    expect(await openIdentity(sealed, secret, at(70_000))).toBeNull();
    expect(await openIdentity(sealed, secret, at(365 * 24 * 3600_000))).toBeNull();
  });

  it('a remembered value is still refused once its window has passed', async () => {
    let now = Date.now();
    const seal = createIdentitySeal(secret, { maxAgeSeconds: 10, now: () => now });
    const sealed = await seal.seal({ subject: 'ana', roles: ['viewer'] });
    expect(await seal.open(sealed)).not.toBeNull();
    now += 16_000;
    expect(await seal.open(sealed)).toBeNull();
  });

  it('refuses a JWT signed with the secret but without an issue time or with a foreign algorithm', async () => {
    const key = new TextEncoder().encode(secret);
    const noIat = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer('bst-gateway')
      .setAudience('bst-subgraph')
      .sign(key);
    expect(await openIdentity(noIat, secret)).toBeNull();
    const hs512 = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('mallory')
      .setIssuer('bst-gateway')
      .setAudience('bst-subgraph')
      .setIssuedAt()
      .sign(key);
    expect(await openIdentity(hs512, secret)).toBeNull();
  });

  it('orders roles: admin may do what an operator may, a viewer may not acknowledge', () => {
    expect(hasRole({ subject: 'a', roles: ['admin'] }, 'operator')).toBe(true);
    expect(hasRole({ subject: 'v', roles: ['viewer'] }, 'operator')).toBe(false);
    expect(hasRole(null, 'viewer')).toBe(false);
  });
});
