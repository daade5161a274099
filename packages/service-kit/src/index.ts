export { ConfigError, type ConfigProblem } from './config/ConfigError.ts';
export { type GatewayTrust, gatewayTrust, gatewayTrustVariables } from './config/gatewayTrust.ts';
export { type ConfigSpec, configOrExit, defineConfig, loadConfig, type VariablePattern } from './config/loadConfig.ts';
export { flag, integer, minSecretLength, oneOf, optionalInteger, port, secret, text, url } from './config/variables.ts';
export { clientErrorCodes, exposedExtensions, opaqueErrorMessages } from './errors/errorCodes.ts';
export {
  createErrorMasker,
  type ErrorLog,
  type ErrorLogEntry,
  logErrorToStderr,
  newErrorId,
} from './errors/maskError.ts';
export { dropOversizeMessages } from './websocket/dropOversizeMessages.ts';
