// A bare Apollo Server + Apollo Gateway over the benchmark's subgraphs, as its documentation starts one
// (startStandaloneServer, no plugins): the baseline our gateway's own layer is measured against. With
// BENCH_FETCHER=bst its subgraph data sources use our fetcher, so the comparison isolates everything else.
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createSubgraphFetcher } from '@bst/gateway';
import { gatewayUnderTest } from './gatewayUnderTest.ts';

const { supergraphPath, identityHeader } = gatewayUnderTest();
const env = process.env;
const fetcher = env.BENCH_FETCHER === 'bst' ? createSubgraphFetcher() : undefined;

// The subgraphs admit only requests that carry an identity sealed by the gateway: a pre-sealed one, the same on each.
class SealedIdentityDataSource extends RemoteGraphQLDataSource {
  override willSendRequest({ request }: Parameters<NonNullable<RemoteGraphQLDataSource['willSendRequest']>>[0]) {
    request.http?.headers.set(identityHeader.name, identityHeader.value);
  }
}

const server = new ApolloServer({
  gateway: new ApolloGateway({
    supergraphSdl: readFileSync(supergraphPath, 'utf8'),
    buildService: ({ url }) => new SealedIdentityDataSource({ url, ...(fetcher ? { fetcher: fetcher.fetch } : {}) }),
  }),
});
const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
console.log(`gateway ready at ${url}graphql`);
process.once('SIGTERM', () => {
  server.stop().then(() => process.exit(0));
});
