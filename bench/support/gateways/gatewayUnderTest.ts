/** What every baseline gateway process is given by the benchmark: the supergraph and the sealed identity header. */
export function gatewayUnderTest(env: NodeJS.ProcessEnv = process.env) {
  const supergraphPath = env.SUPERGRAPH_PATH;
  const name = env.BENCH_IDENTITY_HEADER_NAME;
  const value = env.BENCH_IDENTITY_HEADER_VALUE;
  if (!supergraphPath || !name || !value) {
    throw new Error('SUPERGRAPH_PATH, BENCH_IDENTITY_HEADER_NAME and BENCH_IDENTITY_HEADER_VALUE are required');
  }
  return { supergraphPath, identityHeader: { name, value } };
}
