import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { GATEWAY_IDENTITY_HEADER, type Identity, sealIdentity } from '@bst/identity';
import { type SubgraphFetcher, SubgraphUnreachableError } from './createSubgraphFetcher.ts';

export interface GatewayContext {
  identity: Identity;
}

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

// A shared subscription hydrates every event with one identity object: seal it once, re-seal now and then.
const resealAfterMs = 60_000;

/** Every subgraph fetch carries the identity the gateway verified, sealed so the subgraph knows it came through us. */
export class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly sealed = new WeakMap<Identity, { value: string; at: number }>();

  constructor(
    readonly subgraphName: string,
    url: string,
    private readonly sharedSecret: string,
    fetcher?: SubgraphFetcher,
  ) {
    super(fetcher ? { url, fetcher: fetcher.fetch } : { url });
  }

  private seal(identity: Identity): string {
    const now = Date.now();
    const known = this.sealed.get(identity);
    if (known && now - known.at < resealAfterMs) return known.value;
    const value = sealIdentity(identity, this.sharedSecret, new Date(now));
    this.sealed.set(identity, { value, at: now });
    return value;
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const identity = (options.context as Partial<GatewayContext> | undefined)?.identity;
    if (identity) options.request.http?.headers.set(GATEWAY_IDENTITY_HEADER, this.seal(identity));
  }

  /** A subgraph that cannot be reached becomes an error on the fields it owns, with a code clients can act on. */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      const unreachable =
        error instanceof SubgraphUnreachableError || (error as { type?: string } | null)?.type === 'system';
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
