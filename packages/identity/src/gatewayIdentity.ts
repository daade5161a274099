import { type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { type Identity, isRole } from './roles.ts';

/** Header (HTTP) or connection_init key (WebSocket) carrying the identity the gateway verified. */
export const GATEWAY_IDENTITY_HEADER = 'x-bst-identity';

/**
 * Public secrets for an explicit `AUTH_MODE=dev` (the embedded `npm start`, a local run); configuration refuses to
 * fall back to them in any other mode.
 */
export const devSecrets = { gateway: 'bst-dev-gateway-secret', jwt: 'bst-dev-jwt-secret' } as const;

/** A subgraph refuses a sealed identity older than this unless told otherwise (GATEWAY_IDENTITY_MAX_AGE_SECONDS). */
export const defaultIdentityMaxAgeSeconds = 60;

const issuer = 'bst-gateway';
const audience = 'bst-subgraph';
// Gateway and subgraphs run on different hosts: a few seconds of clock skew must not refuse a fresh identity.
const clockToleranceSeconds = 5;
// Verified values are remembered (the gateway reuses one for a while); this bounds how many.
const maxCachedValues = 1000;

export interface IdentitySealOptions {
  /** How old a sealed identity may be when a subgraph opens it. */
  maxAgeSeconds?: number;
  now?: () => number;
}

/** One shared secret, imported once: the gateway seals with it, a subgraph opens with it. */
export interface IdentitySeal {
  readonly maxAgeSeconds: number;
  /** A compact HS256 JWT carrying the identity and its issue time. */
  seal(identity: Identity): Promise<string>;
  /** The identity, or null when the value is forged, tampered with, too old, or its credential has expired. */
  open(value: string | null | undefined): Promise<Identity | null>;
}

function identityOf(payload: JWTPayload): Identity | null {
  const { sub, roles, tokenExp } = payload;
  if (typeof sub !== 'string' || !Array.isArray(roles) || !roles.every(isRole)) return null;
  return typeof tokenExp === 'number' ? { subject: sub, roles, expiresAt: tokenExp } : { subject: sub, roles };
}

export function createIdentitySeal(secret: string, options: IdentitySealOptions = {}): IdentitySeal {
  const key = new TextEncoder().encode(secret);
  const maxAgeSeconds = options.maxAgeSeconds ?? defaultIdentityMaxAgeSeconds;
  const now = options.now ?? Date.now;
  const opened = new Map<string, { identity: Identity; validUntil: number }>();
  return {
    maxAgeSeconds,
    seal(identity) {
      const claims: JWTPayload = { roles: identity.roles };
      if (identity.expiresAt !== undefined) claims.tokenExp = identity.expiresAt;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(identity.subject)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(Math.floor(now() / 1000))
        .sign(key);
    },
    async open(value) {
      if (!value) return null;
      const at = now();
      const known = opened.get(value);
      if (known) {
        if (at <= known.validUntil) return known.identity;
        opened.delete(value);
        return null;
      }
      try {
        const { payload } = await jwtVerify(value, key, {
          algorithms: ['HS256'],
          issuer,
          audience,
          maxTokenAge: maxAgeSeconds,
          requiredClaims: ['iat', 'sub'],
          clockTolerance: clockToleranceSeconds,
          currentDate: new Date(at),
        });
        const identity = identityOf(payload);
        if (!identity) return null;
        const credentialEnd = identity.expiresAt === undefined ? Number.POSITIVE_INFINITY : identity.expiresAt * 1000;
        if (credentialEnd < at) return null;
        const validUntil = Math.min(
          ((payload.iat as number) + maxAgeSeconds + clockToleranceSeconds) * 1000,
          credentialEnd,
        );
        if (opened.size >= maxCachedValues) opened.delete(opened.keys().next().value as string);
        opened.set(value, { identity, validUntil });
        return identity;
      } catch {
        return null;
      }
    },
  };
}

/** Seals once with a throwaway seal (tests, tools); services keep one `createIdentitySeal` instead. */
export function sealIdentity(identity: Identity, secret: string, now: number = Date.now()): Promise<string> {
  return createIdentitySeal(secret, { now: () => now }).seal(identity);
}

/** Opens once with a throwaway seal (tests, tools). */
export function openIdentity(
  value: string | null | undefined,
  secret: string,
  options: IdentitySealOptions = {},
): Promise<Identity | null> {
  return createIdentitySeal(secret, options).open(value);
}
