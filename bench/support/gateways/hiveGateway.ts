// Hive Gateway on its stock settings over the benchmark's subgraphs and supergraph; the only addition is the header
// the subgraphs require (the bench identity, sealed once), set on every subgraph request as its transport allows.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { gatewayUnderTest } from './gatewayUnderTest.ts';

const { supergraphPath, identityHeader } = gatewayUnderTest();
const gateway = createGatewayRuntime({
  supergraph: supergraphPath,
  transportEntries: { '*.http': { headers: [[identityHeader.name, identityHeader.value]] } },
});
const server = createServer(gateway);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
console.log(`gateway ready at http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
process.once('SIGTERM', () => {
  server.close();
  Promise.resolve(gateway.dispose()).then(() => process.exit(0));
});
