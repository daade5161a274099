import type { ServiceMap } from '@apollo/gateway';
import type { Identity } from '@bst/identity';
import { type DocumentNode, type ExecutionResult, GraphQLError, print } from 'graphql';
import type { OperationGuard } from '../limits/index.ts';
import type { LoadedSupergraph } from '../supergraph/loadSupergraph.ts';
import { type ClientBuffer, type ClientBufferLimits, createClientBuffer, type Delivery } from './createClientBuffer.ts';
import type { UpstreamPool } from './createUpstreamPool.ts';
import { createEventHydrator, type EventHydrator, toGraphQLErrors, type UpstreamEvent } from './hydrateEvent.ts';
import { openUpstream, type Upstream } from './openUpstream.ts';
import { type OperationRequest, prepareOperation, type SubscriptionPlan } from './prepareOperation.ts';
import { markResultCursor, serializeResult } from './serializeResult.ts';

export interface SubscriptionLimits {
  /** Per client: results waiting for its socket or stream, in events and in bytes; past either it is dropped. */
  client: ClientBufferLimits;
  /** Per upstream subscription: events received and not yet hydrated (a slow subgraph behind the hydration). */
  hydrationBacklog: number;
  /** Per upstream subscription of a resumable field: recent results kept so a resuming client can join it. */
  resumeBuffer: number;
  /**
   * Clients a result is written to per turn of the event loop: between turns it answers health checks, new sockets and
   * queries (10,000 clients take ~150-250 ms of writes here).
   */
  clientsPerTurn: number;
}

export const defaultSubscriptionLimits: SubscriptionLimits = {
  client: { maxEvents: 1000, maxBytes: 1024 * 1024 },
  hydrationBacklog: 1000,
  resumeBuffer: 100,
  clientsPerTurn: 500,
};

/**
 * One upstream subscription and the clients it serves. Clients with the same operation, variables and scope share
 * one; a client resuming from a cursor this gateway no longer holds gets one of its own (the subgraph replays), and
 * feeds that reach the same cursor are merged, so once caught up it shares again.
 */
interface Feed {
  group: Group;
  listeners: Set<ClientBuffer>;
  upstream: Upstream;
  /** Hydrations run one after another so that every client sees events in upstream order. */
  hydrating: Promise<void>;
  /** Upstream events accepted and not yet handed to the clients. */
  backlog: number;
  /** The cursor it was opened after; null when opened at the live edge. */
  start: string | null;
  /** Known to be at the live edge: opened there, or merged with a feed that was. */
  live: boolean;
  /** The last upstream event's cursor: where the upstream resumes after a reconnect or a pause. */
  received: string | null;
  /** The most recent results with their cursors (resumable fields only), oldest first. */
  recent: (Delivery & { cursor: string })[];
  /** `recent` still holds every result since `start`. */
  complete: boolean;
  /** The backlog overflowed: the upstream is closed until the hydrations queued are done. */
  paused: boolean;
  closed: boolean;
}

/** Clients with the same operation, variables (without `after`) and scope. */
interface Group {
  key: string;
  plan: SubscriptionPlan;
  scope: Identity;
  /** Built once per group (and again when a reload swaps in an equivalent plan). */
  hydrate: EventHydrator;
  feeds: Set<Feed>;
}

export interface SubscribeOptions {
  /** Resume after this cursor (a resumable field's `after`; SSE's Last-Event-ID); overrides the plan's. */
  after?: string | null;
  /** Once, when the client leaves or the subscription ends. */
  onClose?(): void;
  /** The client fell behind its buffer's limits and was dropped: the transport disconnects it. */
  onSlowConsumer?(): void;
  /**
   * Push mode (the WebSocket transport): each result, already serialised once for every client, is handed to this as
   * soon as the previous one was written (`written`); the iterator returned then yields nothing and ends after the last.
   */
  write?(delivery: Delivery, written: () => void): void;
}

export interface SubscriptionHubOptions {
  /** One socket per subgraph and scope, shared by every upstream subscription. */
  upstreams: UpstreamPool;
  guard: OperationGuard;
  /** Data sources for the subgraphs of a supergraph (identity sealed into every fetch). */
  serviceMap(supergraph: LoadedSupergraph): ServiceMap;
  limits?: { client?: Partial<ClientBufferLimits> } & Partial<Omit<SubscriptionLimits, 'client'>>;
  onUpstreamCountChange?(count: number): void;
  /** A resuming client joined a feed from this gateway's recent results, or needed a replay from the subgraph. */
  onResume?(from: 'gateway' | 'subgraph'): void;
  /** An upstream's hydration backlog overflowed (resumable: paused and resumed; otherwise: ended). */
  onBacklogExceeded?(): void;
  /** An event that named its source (`extensions.eventId`, the reading behind it) went out to `clients` clients. */
  onEventDelivered?(eventId: string, clients: number): void;
}

export interface SubscriptionHub {
  /** Results for one client; return() leaves, and the upstream closes when its last client has left. */
  subscribe(
    plan: SubscriptionPlan,
    identity: Identity,
    options?: SubscribeOptions,
  ): AsyncIterableIterator<ExecutionResult>;
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

const delivery = (result: ExecutionResult): Delivery => {
  const json = serializeResult(result);
  return { result, json, bytes: json.length };
};

// Every client of a document shares its AST (prepareOperation caches it), so its printed form is made once too.
const printed = new WeakMap<DocumentNode, string>();
const printOnce = (document: DocumentNode) => {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
};

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Hands a result to every client of a feed, in turns. Those who leave meanwhile get nothing more; those who join
 * meanwhile subscribed after it (or have it from the feed's recent results).
 */
async function deliverToAll(listeners: Set<ClientBuffer>, d: Delivery, clientsPerTurn: number): Promise<void> {
  if (listeners.size <= clientsPerTurn) {
    for (const listener of listeners) listener.deliver(d);
    return;
  }
  const all = [...listeners];
  for (let start = 0; start < all.length; start += clientsPerTurn) {
    if (start > 0) await nextTurn();
    const end = Math.min(start + clientsPerTurn, all.length);
    for (let i = start; i < end; i++) (all[i] as ClientBuffer).deliver(d);
  }
}

function backlogExceeded(max: number): GraphQLError {
  return new GraphQLError(
    `the events of this subscription arrive faster than they can be resolved (more than ${max} waiting); subscribe again`,
    { extensions: { code: 'BACKLOG_EXCEEDED', max } },
  );
}

export function createSubscriptionHub(options: SubscriptionHubOptions): SubscriptionHub {
  const limits: SubscriptionLimits = {
    ...defaultSubscriptionLimits,
    ...options.limits,
    client: { ...defaultSubscriptionLimits.client, ...options.limits?.client },
  };
  const groups = new Map<string, Group>();
  /** The feed each client is on now (a merge moves clients). */
  const listenerFeeds = new WeakMap<ClientBuffer, Feed>();
  let feedCount = 0;
  const serviceMaps = new WeakMap<LoadedSupergraph, ServiceMap>();
  const servicesFor = (supergraph: LoadedSupergraph) => {
    const known = serviceMaps.get(supergraph);
    if (known) return known;
    const map = options.serviceMap(supergraph);
    serviceMaps.set(supergraph, map);
    return map;
  };
  const feedsChanged = (delta: number) => {
    feedCount += delta;
    options.onUpstreamCountChange?.(feedCount);
  };

  /** Closes the upstream and forgets the feed; its clients are ended (with errors) unless they were moved. */
  const endFeed = (feed: Feed, errors?: GraphQLError[]) => {
    if (feed.closed) return;
    feed.closed = true;
    feed.upstream.close();
    const { group } = feed;
    group.feeds.delete(feed);
    if (group.feeds.size === 0 && groups.get(group.key) === group) groups.delete(group.key);
    feedsChanged(-1);
    const listeners = [...feed.listeners];
    feed.listeners.clear();
    const failure = errors && delivery({ data: null, errors });
    for (const listener of listeners) {
      if (failure) listener.deliver(failure);
      listener.end();
    }
  };

  /** Another feed of the group that already handed out `cursor`, and where in its recent results. */
  const aheadAt = (feed: Feed, cursor: string): { feed: Feed; index: number } | undefined => {
    for (const other of feed.group.feeds) {
      if (other === feed || other.closed) continue;
      const index = other.recent.findIndex((d) => d.cursor === cursor);
      if (index !== -1) return { feed: other, index };
    }
    return undefined;
  };

  /** Equal cursors are the same position in the stream: `from`'s clients continue on `into`, which is there already. */
  const merge = (from: Feed, into: Feed, index: number) => {
    const catchUp = into.recent.slice(index);
    for (const listener of from.listeners) {
      for (const d of catchUp) listener.deliver(d);
      into.listeners.add(listener);
      listenerFeeds.set(listener, into);
    }
    from.listeners.clear();
    into.live ||= from.live;
    endFeed(from);
  };

  const publish = async (feed: Feed, result: ExecutionResult, cursor: string | undefined): Promise<void> => {
    if (cursor === undefined) return deliverToAll(feed.listeners, delivery(result), limits.clientsPerTurn);
    const ahead = aheadAt(feed, cursor);
    if (ahead) {
      merge(feed, ahead.feed, ahead.index);
      return;
    }
    markResultCursor(result, cursor);
    const d = { ...delivery(result), cursor };
    feed.recent.push(d);
    if (feed.recent.length > limits.resumeBuffer) {
      feed.recent.shift();
      feed.complete = false;
    }
    return deliverToAll(feed.listeners, d, limits.clientsPerTurn);
  };

  const connect = (feed: Feed) => {
    const { plan, scope } = feed.group;
    feed.upstream = openUpstream(
      plan,
      options.upstreams.client(plan.owner.url, scope),
      {
        next: (event: UpstreamEvent, cursor) => {
          if (feed.closed || feed.paused) return;
          if (feed.backlog >= limits.hydrationBacklog) {
            options.onBacklogExceeded?.();
            if (!plan.resume) {
              // Events of a plain stream cannot be asked for again: its clients are told, and subscribe afresh.
              feed.paused = true;
              feed.upstream.close();
              void feed.hydrating.then(() => endFeed(feed, [backlogExceeded(limits.hydrationBacklog)]));
              return;
            }
            // Nothing is lost: once the queued events are out, the upstream resumes after the last one accepted.
            feed.paused = true;
            feed.upstream.close();
            void feed.hydrating.then(() => {
              if (feed.closed) return;
              feed.paused = false;
              connect(feed);
            });
            return;
          }
          if (cursor !== undefined) feed.received = cursor;
          feed.backlog++;
          feed.hydrating = feed.hydrating.then(async () => {
            let result: ExecutionResult;
            try {
              result = await feed.group.hydrate(event);
            } catch (error) {
              // The transports mask this to a code and an error id, and log the cause.
              result = {
                data: null,
                errors: [
                  new GraphQLError('could not resolve the event', {
                    originalError: error instanceof Error ? error : new Error(String(error)),
                  }),
                ],
              };
            }
            feed.backlog--;
            if (feed.closed) return;
            await publish(feed, result, cursor);
            const eventId = event.extensions?.eventId;
            if (typeof eventId === 'string') options.onEventDelivered?.(eventId, feed.listeners.size);
          });
        },
        error: (errors) => {
          void feed.hydrating.then(() => endFeed(feed, toGraphQLErrors(errors, plan.owner.name)));
        },
        complete: () => {
          void feed.hydrating.then(() => endFeed(feed));
        },
      },
      () => feed.received ?? feed.start,
    );
  };

  const openFeed = (group: Group, start: string | null): Feed => {
    const feed: Feed = {
      group,
      listeners: new Set(),
      upstream: { close() {} },
      hydrating: Promise.resolve(),
      backlog: 0,
      start,
      live: start === null,
      received: null,
      recent: [],
      complete: true,
      paused: false,
      closed: false,
    };
    group.feeds.add(feed);
    feedsChanged(1);
    connect(feed);
    return feed;
  };

  /** A feed of the group that has handed out `after` (or starts there) and still holds everything since. */
  const feedHolding = (group: Group, after: string): { feed: Feed; catchUp: Delivery[] } | undefined => {
    for (const feed of group.feeds) {
      if (feed.closed) continue;
      if (feed.start === after && feed.complete) return { feed, catchUp: feed.recent };
      const index = feed.recent.findIndex((d) => d.cursor === after);
      if (index !== -1) return { feed, catchUp: feed.recent.slice(index + 1) };
    }
    return undefined;
  };

  return {
    subscribe(plan, identity, subscribeOptions = {}) {
      const scope = scopeOf(identity);
      const key = [
        printOnce(plan.document),
        plan.request.operationName ?? '',
        stableStringify(plan.variables),
        scope.roles.join('+'),
      ].join('\n');
      let group = groups.get(key);
      if (!group) {
        group = {
          key,
          plan,
          scope,
          hydrate: createEventHydrator(plan, scope, servicesFor(plan.supergraph)),
          feeds: new Set(),
        };
        groups.set(key, group);
      }
      const after = plan.resume ? (subscribeOptions.after ?? plan.resume.after) : null;
      let feed: Feed | undefined;
      let catchUp: Delivery[] = [];
      if (after === null) {
        // A paused resumable feed catches up by itself; a paused plain one is about to end.
        feed =
          [...group.feeds].find((f) => f.live && !f.closed && !(f.paused && !plan.resume)) ?? openFeed(group, null);
      } else {
        const holding = feedHolding(group, after);
        options.onResume?.(holding ? 'gateway' : 'subgraph');
        feed = holding?.feed ?? openFeed(group, after);
        catchUp = holding?.catchUp ?? [];
      }
      const listener: ClientBuffer = createClientBuffer(limits.client, {
        leave: () => {
          const current = listenerFeeds.get(listener);
          if (!current?.listeners.delete(listener)) return;
          if (current.listeners.size === 0) endFeed(current);
        },
        overflow: () => subscribeOptions.onSlowConsumer?.(),
        ...(subscribeOptions.onClose ? { close: subscribeOptions.onClose } : {}),
        ...(subscribeOptions.write ? { write: subscribeOptions.write } : {}),
      });
      listenerFeeds.set(listener, feed);
      feed.listeners.add(listener);
      for (const d of catchUp) listener.deliver(d);
      return listener.results;
    },
    replan(next) {
      for (const group of [...groups.values()]) {
        const prepared = prepareOperation(next, group.plan.request as OperationRequest, options.guard);
        if (prepared.kind === 'subscription' && prepared.plan.fingerprint === group.plan.fingerprint) {
          group.plan = prepared.plan;
          group.hydrate = createEventHydrator(prepared.plan, group.scope, servicesFor(prepared.plan.supergraph));
          continue;
        }
        const reason =
          prepared.kind === 'invalid' ? prepared.errors.map((e) => e.message).join('; ') : 'its query plan changed';
        const error = new GraphQLError(
          `the supergraph changed and this subscription ended (${reason}); subscribe again`,
          {
            extensions: { code: 'SUPERGRAPH_CHANGED' },
          },
        );
        for (const feed of [...group.feeds]) endFeed(feed, [error]);
      }
    },
    closeAll() {
      for (const group of [...groups.values()]) for (const feed of [...group.feeds]) endFeed(feed);
    },
    upstreamCount: () => feedCount,
    listenerCount: () => {
      let count = 0;
      for (const group of groups.values()) for (const feed of group.feeds) count += feed.listeners.size;
      return count;
    },
  };
}
