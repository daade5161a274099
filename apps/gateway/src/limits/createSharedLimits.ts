import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRateLimiter, type RateDecision, type RateLimit } from './createRateLimiter.ts';
import { acquireLeaseLua, renewLeasesLua, takeTokenLua } from './sharedLimitScripts.ts';

export type LeaseKind = 'sockets' | 'subscriptions';

/**
 * The per-client rate limit and the per-identity caps on sockets and subscriptions. With Redis they hold across every
 * gateway instance; without (embedded mode), per instance. If Redis cannot be reached, each instance falls back to
 * its own count with the same numbers (`degraded()`), and goes back to Redis once it answers again.
 */
export interface SharedLimits {
  /** The rate in force, or undefined when the rate limit is off. */
  readonly rateLimit: Required<RateLimit> | undefined;
  /** Spends one token of the client's bucket (always allowed when the rate limit is off). */
  take(client: string): Promise<RateDecision>;
  /** Takes one of `max` places for `holder` (an identity); false when all are taken. */
  acquire(kind: LeaseKind, holder: string, lease: string, max: number): Promise<boolean>;
  release(kind: LeaseKind, holder: string, lease: string): void;
  /** A lease id unique across instances. */
  newLease(): string;
  /** Resolves once Redis answers, or after `timeoutMs` (then the limits start per instance, degraded). */
  ready(timeoutMs?: number): Promise<void>;
  degraded(): boolean;
  /** Resolves when the shared Redis answers now; throws when it does not (readiness). */
  ping(): Promise<void>;
  /** Whether the limits are shared through Redis at all (else there is nothing to ping). */
  readonly shared: boolean;
  close(): Promise<void>;
}

export interface SharedLimitsOptions {
  rateLimit?: RateLimit;
  /** Share the limits through this Redis, under this key prefix. */
  redis?: { url: string; prefix: string };
  /** How long a lease outlives an instance that stopped renewing it (a crash). */
  leaseMs?: number;
  /** Called when the limits switch between shared (Redis) and per-instance (Redis unreachable). */
  onDegradedChange?(degraded: boolean, reason: string): void;
}

interface LeaseCommands {
  bstTakeToken(key: string, capacity: number, perMs: number): Promise<[number, number]>;
  bstAcquireLease(key: string, lease: string, leaseMs: number, max: number): Promise<number>;
  bstRenewLeases(key: string, leaseMs: number, ...leases: string[]): Promise<number>;
}

// Leases renewed per call: Lua's unpack takes a few thousand values, and one call should hold Redis for little time.
const renewBatch = 500;

export function createSharedLimits(options: SharedLimitsOptions): SharedLimits {
  const rate = options.rateLimit?.perMinute ? options.rateLimit : undefined;
  const local = rate ? createRateLimiter(rate) : undefined;
  const leaseMs = options.leaseMs ?? 30_000;
  const instance = randomBytes(6).toString('base64url');
  let leaseCount = 0;
  // Every lease this instance holds, by set: counted when Redis is out, renewed while it is in.
  const held = new Map<string, Set<string>>();
  let degraded = false;

  const redis = options.redis
    ? new Redis(options.redis.url, {
        // Fail fast instead of queueing while Redis is away: the local count answers meanwhile.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: 250,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      })
    : undefined;
  const commands = redis as (Redis & LeaseCommands) | undefined;
  if (redis) {
    redis.defineCommand('bstTakeToken', { numberOfKeys: 1, lua: takeTokenLua });
    redis.defineCommand('bstAcquireLease', { numberOfKeys: 1, lua: acquireLeaseLua });
    redis.defineCommand('bstRenewLeases', { numberOfKeys: 1, lua: renewLeasesLua });
    // Connection errors surface as failed commands (and the degraded state); the event only needs a listener.
    redis.on('error', () => {});
  }
  const prefix = options.redis?.prefix ?? 'bst:gateway';
  const setKey = (kind: LeaseKind, holder: string) => `${prefix}:${kind}:${holder}`;

  const setDegraded = (next: boolean, reason: string) => {
    if (degraded === next) return;
    degraded = next;
    options.onDegradedChange?.(next, reason);
  };
  /** Runs a Redis command; on failure marks the limits degraded and returns undefined (the caller counts locally). */
  const shared = async <T>(command: () => Promise<T>): Promise<T | undefined> => {
    if (!commands) return undefined;
    try {
      const result = await command();
      setDegraded(false, 'Redis answers again');
      return result;
    } catch (error) {
      setDegraded(true, error instanceof Error ? error.message : String(error));
      return undefined;
    }
  };

  const renew = setInterval(() => {
    if (!commands || held.size === 0) return;
    const pipeline = commands.pipeline() as unknown as LeaseCommands & { exec(): Promise<unknown> };
    for (const [key, leases] of held) {
      const all = [...leases];
      for (let i = 0; i < all.length; i += renewBatch)
        void pipeline.bstRenewLeases(key, leaseMs, ...all.slice(i, i + renewBatch));
    }
    void shared(() => pipeline.exec());
  }, leaseMs / 3);
  renew.unref();

  return {
    rateLimit: local?.limit,
    async take(client) {
      if (!local || !rate) return { allowed: true };
      const limit = local.limit;
      const perMs = limit.perMinute / 60_000;
      const answer = await shared(() => commands!.bstTakeToken(`${prefix}:rate:${client}`, limit.burst, perMs));
      if (!answer) return local.take(client);
      const [allowed, waitMs] = answer;
      return allowed === 1
        ? { allowed: true }
        : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    },
    async acquire(kind, holder, lease, max) {
      const key = setKey(kind, holder);
      const granted = await shared(() => commands!.bstAcquireLease(key, lease, leaseMs, max));
      // Read after the await: concurrent acquires of one holder must see each other's places.
      const leases = held.get(key) ?? new Set<string>();
      const ok = granted === undefined ? leases.size < max || leases.has(lease) : granted === 1;
      if (!ok) return false;
      leases.add(lease);
      held.set(key, leases);
      return true;
    },
    release(kind, holder, lease) {
      const key = setKey(kind, holder);
      const leases = held.get(key);
      if (!leases?.delete(lease)) return;
      if (leases.size === 0) held.delete(key);
      void shared(() => commands!.zrem(key, lease));
    },
    newLease: () => `${instance}:${(leaseCount++).toString(36)}`,
    async ready(timeoutMs = 2000) {
      if (!redis || redis.status === 'ready') return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => redis.once('ready', () => resolve())),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if ((redis.status as string) !== 'ready') setDegraded(true, `not reachable within ${timeoutMs} ms`);
    },
    degraded: () => degraded,
    shared: redis !== undefined,
    async ping() {
      await redis?.ping();
    },
    async close() {
      clearInterval(renew);
      const releases = [...held].flatMap(([key, leases]) => [...leases].map((lease) => [key, lease] as const));
      held.clear();
      if (redis) {
        await Promise.all(releases.map(([key, lease]) => shared(() => redis.zrem(key, lease))));
        redis.disconnect();
      }
    },
  };
}
