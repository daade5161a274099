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

/** Turns an `Authorization` value (`Bearer <jwt>`) into a verified identity; throws AuthenticationError otherwise. */
export function createTokenVerifier(options: AuthOptions): TokenVerifier {
  let key: Uint8Array | JWTVerifyGetKey | undefined;
  if (options.jwksUrl) key = createRemoteJWKSet(new URL(options.jwksUrl));
  else if (options.jwtSecret) key = new TextEncoder().encode(options.jwtSecret);
  if (!key) throw new Error('auth needs JWT_SECRET or JWKS_URL');
  const verifyOptions = {
    ...(options.jwksUrl ? {} : { algorithms: ['HS256'] }),
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };
  const verificationKey = key;
  return async (authorization) => {
    if (!authorization) {
      if (options.mode === 'dev') return anonymousViewer;
      throw new AuthenticationError('a bearer token is required');
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1]) throw new AuthenticationError('the Authorization value must be "Bearer <token>"');
    try {
      const { payload } =
        typeof verificationKey === 'function'
          ? await jwtVerify(match[1], verificationKey, verifyOptions)
          : await jwtVerify(match[1], verificationKey, verifyOptions);
      return identityFromClaims(payload);
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : 'invalid token';
      throw new AuthenticationError(
        reason === 'ERR_JWT_EXPIRED' ? 'the token has expired' : `invalid token (${reason})`,
      );
    }
  };
}
