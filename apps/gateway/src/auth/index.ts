export {
  AuthenticationError,
  type AuthOptions,
  anonymousViewer,
  createTokenVerifier,
  identityFromClaims,
  type TokenVerifier,
} from './createTokenVerifier.ts';
export { issueDevTokens, signToken } from './issueDevTokens.ts';
