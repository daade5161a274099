export {
  createIdentitySeal,
  defaultIdentityMaxAgeSeconds,
  devSecrets,
  GATEWAY_IDENTITY_HEADER,
  type IdentitySeal,
  type IdentitySealOptions,
  openIdentity,
  sealIdentity,
} from './gatewayIdentity.ts';
export { operationRoles, type RootType, roleFor } from './operationRoles.ts';
export { hasRole, type Identity, isRole, type Role, roles } from './roles.ts';
