export { type AuthOptions, issueDevTokens, signToken } from './auth/index.ts';
export { configFromEnv, type GatewayConfig, gatewayConfig } from './configFromEnv.ts';
export { createSubgraphFetcher, type SubgraphFetcher } from './createSubgraphFetcher.ts';
export {
  type ConnectionLimits,
  defaultConnectionLimits,
  defaultOperationLimits,
  type OperationLimits,
  type RateLimit,
} from './limits/index.ts';
export { createGateway, type Gateway, type GatewayOptions } from './server.ts';
export { type LoadedSupergraph, loadSupergraph, subgraphUrlEnvName } from './supergraph/loadSupergraph.ts';
