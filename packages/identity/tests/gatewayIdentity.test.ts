import { describe, expect, it } from 'vitest';
import { hasRole, openIdentity, sealIdentity } from '../src/index.ts';

describe('the identity the gateway passes to subgraphs', () => {
  it('opens with the shared secret and yields the same identity', () => {
    const sealed = sealIdentity({ subject: 'ana', roles: ['operator'] }, 's3cret');
    expect(openIdentity(sealed, 's3cret')).toEqual({ subject: 'ana', roles: ['operator'] });
  });

  it('is refused when sealed with another secret or tampered with', () => {
    const sealed = sealIdentity({ subject: 'ana', roles: ['viewer'] }, 's3cret');
    expect(openIdentity(sealed, 'other')).toBeNull();
    const [payload, mac] = sealed.split('.');
    const forged = Buffer.from(JSON.stringify({ subject: 'ana', roles: ['admin'] })).toString('base64url');
    expect(openIdentity(`${forged}.${mac}`, 's3cret')).toBeNull();
    expect(openIdentity(`${payload}`, 's3cret')).toBeNull();
    expect(openIdentity(undefined, 's3cret')).toBeNull();
  });

  it('is refused once the credential behind it has expired', () => {
    const sealed = sealIdentity(
      { subject: 'ana', roles: ['viewer'], expiresAt: Math.floor(Date.now() / 1000) - 1 },
      'k',
    );
    expect(openIdentity(sealed, 'k')).toBeNull();
  });

  it('orders roles: admin may do what an operator may, a viewer may not acknowledge', () => {
    expect(hasRole({ subject: 'a', roles: ['admin'] }, 'operator')).toBe(true);
    expect(hasRole({ subject: 'v', roles: ['viewer'] }, 'operator')).toBe(false);
    expect(hasRole(null, 'viewer')).toBe(false);
  });
});
