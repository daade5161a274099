/** Lua run atomically in Redis, timed by Redis' own clock so that every gateway instance agrees on "now". */

const now = `local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)`;

/**
 * Token bucket. KEYS[1] bucket; ARGV capacity, tokens per ms. Returns {1, 0} when a token was spent, else
 * {0, ms until one is there}.
 */
export const takeTokenLua = `${now}
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * perMs)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / perMs) + 1000)
if allowed == 1 then return {1, 0} end
return {0, math.ceil((1 - tokens) / perMs)}`;

/**
 * A lease in a capped set (sockets or subscriptions of one identity). KEYS[1] the set; ARGV lease, lease ms, cap.
 * Expired leases (an instance that died) fall out first; a lease already held is renewed. Returns 1 or 0.
 */
export const acquireLeaseLua = `${now}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local lease = ARGV[1]
local leaseMs = tonumber(ARGV[2])
if not redis.call('ZSCORE', KEYS[1], lease) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + leaseMs, lease)
redis.call('PEXPIRE', KEYS[1], leaseMs * 2)
return 1`;

/**
 * Keeps leases this instance still holds (re-adding them after a Redis outage). KEYS[1] the set; ARGV ms, then the
 * leases: one call per set and batch, not per lease (10,000 sockets of one identity are a few calls every renewal).
 */
export const renewLeasesLua = `${now}
local expires = now + tonumber(ARGV[1])
local members = {}
for i = 2, #ARGV do
  members[#members + 1] = expires
  members[#members + 1] = ARGV[i]
end
redis.call('ZADD', KEYS[1], unpack(members))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return #ARGV - 1`;
