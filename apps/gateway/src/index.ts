export { type AuthOptions, issueDevTokens, signToken } from './auth/index.ts';
export { defaultOperationLimits, type OperationLimits, type RateLimit } from './limits/index.ts';
export { createGateway, type Gateway, type GatewayOptions } from './server.ts';
export { type LoadedSupergraph, loadSupergraph, subgraphUrlEnvName } from './supergraph/loadSupergraph.ts';
