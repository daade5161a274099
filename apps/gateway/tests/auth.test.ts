import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDevTokens } from '../src/auth/index.ts';
import { type ShelfPlatform, startShelfPlatform } from './fixtures/startShelfPlatform.ts';

const viewerQuery = { query: '{ viewer { subject roles } }' };

describe('authentication at the gateway (JWT mode)', () => {
  let platform: ShelfPlatform;
  beforeAll(async () => {
    platform = await startShelfPlatform();
  });
  afterAll(() => platform?.stop());

  it('refuses a request without a token as UNAUTHENTICATED, before any subgraph is called', async () => {
    const before = platform.shelves.operations.length;
    const { status, body } = await platform.post(viewerQuery);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(platform.shelves.operations.length).toBe(before);
  });

  it('refuses a token signed with another secret', async () => {
    const forged = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('not-the-gateway-secret'));
    const { status, body } = await platform.post(viewerQuery, forged);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses garbage and an expired token, saying which', async () => {
    expect((await platform.post(viewerQuery, 'not.a.jwt')).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const expired = await platform.token('admin', 'late', Math.floor(Date.now() / 1000) - 60);
    const { status, body } = await platform.post(viewerQuery, expired);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toContain('expired');
  });

  it('lets a valid token through and the subgraph sees its subject and roles', async () => {
    const { status, body } = await platform.post(viewerQuery, await platform.token('admin', 'linus'));
    expect(status).toBe(200);
    expect(body.data).toEqual({ viewer: { subject: 'linus', roles: ['admin'] } });
    const seen = platform.shelves.operations.at(-1)?.identity;
    expect(seen?.subject).toBe('linus');
    expect(seen?.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it('keeps only known roles from the roles claim', async () => {
    const token = await new SignJWT({ roles: ['operator', 'root'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('sam')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('gateway-test-jwt-secret'));
    expect((await platform.post(viewerQuery, token)).body.data).toEqual({
      viewer: { subject: 'sam', roles: ['operator'] },
    });
  });
});

describe('dev auth mode', () => {
  it('lets an anonymous request in as viewer and accepts the tokens it prints', async () => {
    const platform = await startShelfPlatform({ auth: { mode: 'dev', jwtSecret: 'dev-secret' } });
    try {
      expect((await platform.post(viewerQuery)).body.data).toEqual({
        viewer: { subject: 'anonymous', roles: ['viewer'] },
      });
      const tokens = await issueDevTokens('dev-secret');
      expect((await platform.post(viewerQuery, tokens.operator)).body.data).toEqual({
        viewer: { subject: 'dev-operator', roles: ['operator'] },
      });
      expect((await platform.post(viewerQuery, 'Bearer nonsense')).status).toBe(401);
    } finally {
      await platform.stop();
    }
  });
});
