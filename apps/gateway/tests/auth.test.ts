import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, issueDevTokens } from '../src/auth/index.ts';
import { connectionOutcome } from './fixtures/gatewayClient.ts';
import { type ShelfPlatform, startShelfPlatform, testJwtSecret } from './fixtures/startShelfPlatform.ts';

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

describe('tokens must expire', () => {
  let platform: ShelfPlatform;
  beforeAll(async () => {
    platform = await startShelfPlatform({ auth: { mode: 'jwt', jwtSecret: testJwtSecret, maxTokenAgeSeconds: 3600 } });
  });
  afterAll(() => platform?.stop());

  const sign = (build: (jwt: SignJWT) => SignJWT) =>
    build(new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory')).sign(
      new TextEncoder().encode(testJwtSecret),
    );

  it('refuses a validly signed token without exp, or without iat, naming the claim; nothing reaches a subgraph', async () => {
    const before = platform.shelves.operations.length;
    const noExp = await sign((jwt) => jwt.setIssuedAt());
    const noIat = await sign((jwt) => jwt.setExpirationTime('5m'));
    for (const [token, claim] of [
      [noExp, 'exp'],
      [noIat, 'iat'],
    ] as const) {
      const { status, body } = await platform.post(viewerQuery, token);
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(body.errors?.[0]?.message).toContain(`"${claim}" claim`);
      expect(await connectionOutcome(platform.gateway.url, { authorization: `Bearer ${token}` })).toBe(4401);
    }
    expect(platform.shelves.operations.length).toBe(before);
  });

  it('refuses a token issued longer ago than the maximum age, whatever its exp says', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = await sign((jwt) => jwt.setIssuedAt(now - 7200).setExpirationTime(now + 365 * 24 * 3600));
    const { status, body } = await platform.post(viewerQuery, old);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('remembers a verified token, and stops honouring it when it expires', async () => {
    let now = Date.now();
    const verify = createTokenVerifier({ mode: 'jwt', jwtSecret: testJwtSecret }, () => now);
    const token = await platform.token('viewer', 'short', '2s');
    const first = await verify(`Bearer ${token}`);
    expect(await verify(`Bearer ${token}`)).toBe(first);
    now += 3000;
    await expect(verify(`Bearer ${token}`)).rejects.toThrow('the token has expired');
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
