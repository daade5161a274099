import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { GATEWAY_IDENTITY_HEADER, type Identity, sealIdentity } from '@bst/identity';

export interface GatewayContext {
  identity: Identity;
}

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** Every subgraph fetch carries the identity the gateway verified, sealed so the subgraph knows it came through us. */
export class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly subgraphName: string,
    url: string,
    private readonly sharedSecret: string,
  ) {
    super({ url });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const identity = (options.context as Partial<GatewayContext> | undefined)?.identity;
    if (identity) options.request.http?.headers.set(GATEWAY_IDENTITY_HEADER, sealIdentity(identity, this.sharedSecret));
  }

  /** A subgraph that cannot be reached becomes an error on the fields it owns, with a code clients can act on. */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      const unreachable = (error as { type?: string } | null)?.type === 'system';
      const reason = error instanceof Error ? error.message : String(error);
      return {
        errors: [
          {
            message: unreachable
              ? `subgraph "${this.subgraphName}" is unavailable: ${reason}`
              : `subgraph "${this.subgraphName}" failed: ${reason}`,
            extensions: { code: unreachable ? 'SUBGRAPH_UNAVAILABLE' : 'SUBGRAPH_ERROR' },
          },
        ],
      };
    }
  }
}
