import { devSecrets } from '@bst/identity';
import { integer, oneOf, secret } from './variables.ts';

/**
 * Variables every service that trusts (or seals) the gateway's identity reads. `AUTH_MODE=dev` is the only way to
 * run on the public dev secret; otherwise GATEWAY_SHARED_SECRET is required (list it in `requiredUnlessDev`).
 */
export const gatewayTrustVariables = {
  AUTH_MODE: oneOf(['dev', 'jwt'], 'jwt'),
  GATEWAY_SHARED_SECRET: secret().optional(),
  GATEWAY_IDENTITY_MAX_AGE_SECONDS: integer({ min: 5, max: 3600, fallback: 60 }),
};

export interface GatewayTrust {
  authMode: 'dev' | 'jwt';
  /** Seals (gateway) or opens (subgraphs) the identity forwarded with every subgraph request. */
  secret: string;
  /** A sealed identity older than this is refused. */
  identityMaxAgeSeconds: number;
}

export function gatewayTrust(env: {
  AUTH_MODE: 'dev' | 'jwt';
  GATEWAY_SHARED_SECRET?: string | undefined;
  GATEWAY_IDENTITY_MAX_AGE_SECONDS: number;
}): GatewayTrust {
  if (env.GATEWAY_SHARED_SECRET === undefined && env.AUTH_MODE !== 'dev') {
    throw new Error('GATEWAY_SHARED_SECRET is required outside AUTH_MODE=dev');
  }
  return {
    authMode: env.AUTH_MODE,
    secret: env.GATEWAY_SHARED_SECRET ?? devSecrets.gateway,
    identityMaxAgeSeconds: env.GATEWAY_IDENTITY_MAX_AGE_SECONDS,
  };
}
