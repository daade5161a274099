import type { ServiceMap } from '@apollo/gateway';
import type { Identity } from '@bst/identity';
import { type ExecutionResult, GraphQLError, print } from 'graphql';
import type { OperationGuard } from '../limits/index.ts';
import type { LoadedSupergraph } from '../supergraph/loadSupergraph.ts';
import type { UpstreamPool } from './createUpstreamPool.ts';
import { createEventHydrator, type EventHydrator, toGraphQLErrors, type UpstreamEvent } from './hydrateEvent.ts';
import { openUpstream, type Upstream } from './openUpstream.ts';
import { type OperationRequest, prepareOperation, type SubscriptionPlan } from './prepareOperation.ts';

interface Listener {
  push(result: ExecutionResult): void;
  end(): void;
}

/** Clients with the same operation, variables and scope share this: one upstream, one hydration per event. */
interface SharedSubscription {
  key: string;
  plan: SubscriptionPlan;
  scope: Identity;
  listeners: Set<Listener>;
  upstream: Upstream;
  /** Built once per shared upstream (and again when a reload swaps in an equivalent plan). */
  hydrate: EventHydrator;
  /** Hydrations run one after another so that every client sees events in upstream order. */
  hydrating: Promise<void>;
}

export interface SubscriptionHubOptions {
  /** One socket per subgraph and scope, shared by every upstream subscription. */
  upstreams: UpstreamPool;
  guard: OperationGuard;
  /** Data sources for the subgraphs of a supergraph (identity sealed into every fetch). */
  serviceMap(supergraph: LoadedSupergraph): ServiceMap;
  onUpstreamCountChange?(count: number): void;
}

export interface SubscriptionHub {
  /**
   * Results for one client; return() leaves, and the upstream closes when its last client has left.
   * `onClose` runs once, when the client leaves or the subscription ends.
   */
  subscribe(plan: SubscriptionPlan, identity: Identity, onClose?: () => void): AsyncIterableIterator<ExecutionResult>;
  /** After a supergraph reload: keeps subscriptions whose plans are unchanged, ends the others with an error. */
  replan(next: LoadedSupergraph): void;
  /** Ends every client subscription and closes every upstream (shutdown). */
  closeAll(): void;
  upstreamCount(): number;
  listenerCount(): number;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The auth scope: what a subgraph may decide on. Clients with the same roles see the same events. */
export function scopeOf(identity: Identity): Identity {
  const roles = [...new Set(identity.roles)].sort();
  return { subject: `subscription-scope:${roles.join('+') || 'none'}`, roles };
}

export function createSubscriptionHub(options: SubscriptionHubOptions): SubscriptionHub {
  const shared = new Map<string, SharedSubscription>();
  const serviceMaps = new WeakMap<LoadedSupergraph, ServiceMap>();
  const servicesFor = (supergraph: LoadedSupergraph) => {
    const known = serviceMaps.get(supergraph);
    if (known) return known;
    const map = options.serviceMap(supergraph);
    serviceMaps.set(supergraph, map);
    return map;
  };
  const countChanged = () => options.onUpstreamCountChange?.(shared.size);

  const end = (entry: SharedSubscription, errors?: GraphQLError[]) => {
    if (shared.get(entry.key) === entry) shared.delete(entry.key);
    entry.upstream.close();
    for (const listener of [...entry.listeners]) {
      if (errors) listener.push({ data: null, errors });
      listener.end();
    }
    entry.listeners.clear();
    countChanged();
  };

  const open = (key: string, plan: SubscriptionPlan, scope: Identity): SharedSubscription => {
    const entry: SharedSubscription = {
      key,
      plan,
      scope,
      listeners: new Set(),
      hydrating: Promise.resolve(),
      upstream: { close() {} },
      hydrate: createEventHydrator(plan, scope, servicesFor(plan.supergraph)),
    };
    const broadcast = (result: ExecutionResult) => {
      for (const listener of entry.listeners) listener.push(result);
    };
    entry.upstream = openUpstream(plan, options.upstreams.client(plan.owner.url, scope), {
      next: (event: UpstreamEvent) => {
        entry.hydrating = entry.hydrating.then(async () => {
          try {
            broadcast(await entry.hydrate(event));
          } catch (error) {
            // The transports mask this to a code and an error id, and log the cause.
            broadcast({
              data: null,
              errors: [
                new GraphQLError('could not resolve the event', {
                  originalError: error instanceof Error ? error : new Error(String(error)),
                }),
              ],
            });
          }
        });
      },
      error: (errors) => {
        void entry.hydrating.then(() => end(entry, toGraphQLErrors(errors, plan.owner.name)));
      },
      complete: () => {
        void entry.hydrating.then(() => end(entry));
      },
    });
    shared.set(key, entry);
    countChanged();
    return entry;
  };

  return {
    subscribe(plan, identity, onClose) {
      const scope = scopeOf(identity);
      const key = [
        print(plan.document),
        plan.request.operationName ?? '',
        stableStringify(plan.variables),
        scope.roles.join('+'),
      ].join('\n');
      const entry = shared.get(key) ?? open(key, plan, scope);
      const queue: ExecutionResult[] = [];
      let done = false;
      let closed = false;
      const closeOnce = () => {
        if (closed) return;
        closed = true;
        onClose?.();
      };
      let wake: (() => void) | undefined;
      const listener: Listener = {
        push(result) {
          queue.push(result);
          wake?.();
        },
        end() {
          done = true;
          wake?.();
        },
      };
      entry.listeners.add(listener);
      const leave = () => {
        done = true;
        wake?.();
        if (!entry.listeners.delete(listener)) return;
        if (entry.listeners.size === 0) end(entry);
      };
      const iterator: AsyncIterableIterator<ExecutionResult> = {
        async next() {
          while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
          const result = queue.shift();
          if (result) return { done: false, value: result };
          closeOnce();
          return { done: true, value: undefined };
        },
        async return() {
          leave();
          closeOnce();
          return { done: true, value: undefined };
        },
        // Transports (graphql-sse) recognise a generator by `throw` and only then call return() on disconnect.
        async throw() {
          leave();
          closeOnce();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    replan(next) {
      for (const entry of [...shared.values()]) {
        const prepared = prepareOperation(next, entry.plan.request as OperationRequest, options.guard);
        if (prepared.kind === 'subscription' && prepared.plan.fingerprint === entry.plan.fingerprint) {
          entry.plan = prepared.plan;
          entry.hydrate = createEventHydrator(prepared.plan, entry.scope, servicesFor(prepared.plan.supergraph));
          continue;
        }
        const reason =
          prepared.kind === 'invalid' ? prepared.errors.map((e) => e.message).join('; ') : 'its query plan changed';
        end(entry, [
          new GraphQLError(`the supergraph changed and this subscription ended (${reason}); subscribe again`, {
            extensions: { code: 'SUPERGRAPH_CHANGED' },
          }),
        ]);
      }
    },
    closeAll() {
      for (const entry of [...shared.values()]) end(entry);
    },
    upstreamCount: () => shared.size,
    listenerCount: () => [...shared.values()].reduce((n, e) => n + e.listeners.size, 0),
  };
}
