import { type Identity, isRole } from '@bst/identity';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';

export interface AuthOptions {
  /** `dev` lets a request without a token in as an anonymous viewer; `jwt` refuses it. */
  mode: 'dev' | 'jwt';
  /** HS256 shared secret. */
  jwtSecret?: string;
  /** JWKS endpoint for asymmetric keys (used when set, instead of the secret). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** A token issued longer ago than this is refused, whatever its `exp` says (default 24 h). */
  maxTokenAgeSeconds?: number;
}

export class AuthenticationError extends Error {}

export const anonymousViewer: Identity = { subject: 'anonymous', roles: ['viewer'] };

/** The identity a verified JWT proves: `sub`, the known roles of its `roles` claim, its `exp`. */
export function identityFromClaims(claims: JWTPayload): Identity {
  const claimed: unknown = claims.roles;
  const list = Array.isArray(claimed) ? claimed : typeof claimed === 'string' ? claimed.split(/[\s,]+/) : [];
  const identity: Identity = { subject: claims.sub ?? 'unknown', roles: list.filter(isRole) };
  if (typeof claims.exp === 'number') identity.expiresAt = claims.exp;
  return identity;
}

export type TokenVerifier = (authorization: string | undefined | null) => Promise<Identity>;

export const defaultMaxTokenAgeSeconds = 24 * 3600;
// Verified tokens are remembered until they expire; this bounds how many (the oldest are forgotten first).
const maxCachedTokens = 10_000;

const reasons: Record<string, string> = {
  ERR_JWT_EXPIRED: 'the token has expired',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'a required claim is missing or invalid',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'the signature does not verify',
};

/**
 * Turns an `Authorization` value (`Bearer <jwt>`) into a verified identity; throws AuthenticationError otherwise.
 * A token must carry `exp` and `iat` and be younger than `maxTokenAgeSeconds`: a token that never expires is refused.
 * The key is imported once; a verified token is remembered (same Identity object) until it expires.
 */
export function createTokenVerifier(options: AuthOptions, now: () => number = Date.now): TokenVerifier {
  let key: Uint8Array | JWTVerifyGetKey | undefined;
  if (options.jwksUrl) key = createRemoteJWKSet(new URL(options.jwksUrl));
  else if (options.jwtSecret) key = new TextEncoder().encode(options.jwtSecret);
  if (!key) throw new Error('auth needs JWT_SECRET or JWKS_URL');
  const verificationKey = key;
  const maxTokenAge = options.maxTokenAgeSeconds ?? defaultMaxTokenAgeSeconds;
  const verified = new Map<string, { identity: Identity; expiresAtMs: number }>();
  const verifyOptions = () => ({
    ...(options.jwksUrl ? {} : { algorithms: ['HS256'] }),
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
    requiredClaims: ['exp', 'iat'],
    maxTokenAge,
    currentDate: new Date(now()),
  });
  return async (authorization) => {
    if (!authorization) {
      if (options.mode === 'dev') return anonymousViewer;
      throw new AuthenticationError('a bearer token is required');
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1]) throw new AuthenticationError('the Authorization value must be "Bearer <token>"');
    const token = match[1];
    const known = verified.get(token);
    if (known) {
      if (now() < known.expiresAtMs) return known.identity;
      verified.delete(token);
      throw new AuthenticationError('the token has expired');
    }
    let payload: JWTPayload;
    try {
      ({ payload } =
        typeof verificationKey === 'function'
          ? await jwtVerify(token, verificationKey, verifyOptions())
          : await jwtVerify(token, verificationKey, verifyOptions()));
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : '';
      const claim = (error as { claim?: unknown } | null)?.claim;
      const reason =
        code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && typeof claim === 'string'
          ? `the "${claim}" claim is missing or invalid`
          : (reasons[code] ?? 'invalid token');
      throw new AuthenticationError(reason);
    }
    const identity = identityFromClaims(payload);
    const expiresAtMs = Math.min((payload.exp as number) * 1000, ((payload.iat as number) + maxTokenAge) * 1000);
    if (verified.size >= maxCachedTokens) verified.delete(verified.keys().next().value as string);
    verified.set(token, { identity, expiresAtMs });
    return identity;
  };
}
