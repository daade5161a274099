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
export { ServiceUnavailableError } from './errors/ServiceUnavailableError.ts';
export { createLogger, type Logger } from './logging/createLogger.ts';
export { errorLogOf } from './logging/errorLogOf.ts';
export { type LogLevel, logLevels, logLevelVariables } from './logging/logLevel.ts';
export { warnOf } from './logging/warnOf.ts';
export {
  checkDependencies,
  type DependencyCheck,
  type DependencyState,
  type Readiness,
} from './readiness/checkDependencies.ts';
export { type ProbeServer, type ProbeServerOptions, serveProbes } from './readiness/serveProbes.ts';
export { logFailedRequests } from './requests/logFailedRequests.ts';
export { REQUEST_ID_HEADER, requestIdOf } from './requests/requestIdOf.ts';
export { dropOversizeMessages } from './websocket/dropOversizeMessages.ts';
