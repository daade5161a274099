import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Identity, isRole } from './roles.ts';

/** Header (HTTP) or connection_init key (WebSocket) carrying the identity the gateway verified. */
export const GATEWAY_IDENTITY_HEADER = 'x-bst-identity';

/** The secret shared by the gateway and the subgraphs; the embedded/dev default is not for production. */
export function gatewaySecretFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.GATEWAY_SHARED_SECRET;
  if (secret) return secret;
  if (env.NODE_ENV === 'production') throw new Error('GATEWAY_SHARED_SECRET must be set in production');
  return 'bst-dev-gateway-secret';
}

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** Gateway side: seal the verified identity so a subgraph can tell it came through the gateway. */
export function sealIdentity(identity: Identity, secret: string, now: Date = new Date()): string {
  const payload = Buffer.from(JSON.stringify({ ...identity, issuedAt: Math.floor(now.getTime() / 1000) })).toString(
    'base64url',
  );
  return `${payload}.${sign(payload, secret)}`;
}

/**
 * Subgraph side: the identity if the value was sealed by the gateway with this secret, else null
 * (a request that did not come through the gateway is refused by the caller).
 */
export function openIdentity(value: string | undefined | null, secret: string): Identity | null {
  if (!value) return null;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return null;
  const payload = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(sign(payload, secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { subject, roles, expiresAt } = parsed as Record<string, unknown>;
    if (typeof subject !== 'string' || !Array.isArray(roles) || !roles.every(isRole)) return null;
    if (typeof expiresAt === 'number' && expiresAt * 1000 < Date.now()) return null;
    return typeof expiresAt === 'number' ? { subject, roles, expiresAt } : { subject, roles };
  } catch {
    return null;
  }
}
