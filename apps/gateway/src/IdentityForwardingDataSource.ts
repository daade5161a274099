import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { GATEWAY_IDENTITY_HEADER, type Identity, type IdentitySeal } from '@bst/identity';
import { type SubgraphFetcher, SubgraphUnreachableError } from './createSubgraphFetcher.ts';

export interface GatewayContext {
  identity: Identity;
}

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/**
 * Seals identities for subgraph requests, reusing a sealed value for one identity object only well inside the
 * subgraphs' age window (a third of it), so a subgraph never sees one near its limit.
 */
export function createSealCache(seal: IdentitySeal) {
  const reuseMs = (seal.maxAgeSeconds * 1000) / 3;
  const sealed = new WeakMap<Identity, { value: Promise<string>; at: number }>();
  return (identity: Identity): Promise<string> => {
    const now = Date.now();
    const known = sealed.get(identity);
    if (known && now - known.at < reuseMs) return known.value;
    const value = seal.seal(identity);
    sealed.set(identity, { value, at: now });
    return value;
  };
}

export type SealCache = ReturnType<typeof createSealCache>;

/** Every subgraph fetch carries the identity the gateway verified, sealed so the subgraph knows it came through us. */
export class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly subgraphName: string,
    url: string,
    private readonly seal: SealCache,
    fetcher?: SubgraphFetcher,
  ) {
    super(fetcher ? { url, fetcher: fetcher.fetch } : { url });
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const identity = (options.context as Partial<GatewayContext> | undefined)?.identity;
    if (identity) options.request.http?.headers.set(GATEWAY_IDENTITY_HEADER, await this.seal(identity));
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
