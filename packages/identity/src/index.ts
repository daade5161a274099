export { GATEWAY_IDENTITY_HEADER, gatewaySecretFromEnv, openIdentity, sealIdentity } from './gatewayIdentity.ts';
export { hasRole, type Identity, isRole, type Role, roles } from './roles.ts';
