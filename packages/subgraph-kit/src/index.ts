export {
  createSubgraphServer,
  type SubgraphContext,
  type SubgraphServer,
  type SubgraphServerOptions,
} from './createSubgraphServer.ts';
export {
  badUserInput,
  conflict,
  cursorExpired,
  type ErrorCode,
  forbidden,
  notFound,
  unauthenticated,
} from './errors.ts';
export { type DependencyFailFastOptions, failFastOnDependency } from './failFastOnDependency.ts';
export { guardRootFields, type OperationRoles } from './guardRootFields.ts';
export { handleShutdownSignals } from './handleShutdownSignals.ts';
export { refuseNulBytes } from './refuseNulBytes.ts';
export { requireRole } from './requireRole.ts';
export { DateTimeScalar, JSONScalar } from './scalars.ts';
