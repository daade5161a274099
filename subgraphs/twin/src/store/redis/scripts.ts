import { CHECKPOINT_INTERVAL_MS } from '@bst/coldchain';

/**
 * The Redis adapter's write scripts. Each touches one partition: every key it builds starts with the partition's
 * `base` (`{prefix}:{tag}:`), which carries the partition's hash tag, and KEYS[1] names a key of that partition so
 * Redis Cluster routes the script to its slot. Numbers travel as decimal strings and are never re-formatted in Lua
 * (cjson would round epoch ms); a computed cutoff is formatted with '%.0f'.
 */

/** Arguments per alert event (see `alertEventArgs`). */
export const argsPerAlertEvent = 12;
/**
 * A reading commit's fixed fields, packed in one argument (`readingCommitArgs`), `|`-separated, the entity's code last
 * (it is the only one that could hold any character): at, receivedAt, registered, hasMonitor, expectedVersion,
 * nextCheckAt ('' = none), eventCount, checkpointCount, horizonReplace, horizonRemovedCount, horizonAddedCount,
 * entityType, code.
 */
const commitHeader = `'^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$'`;
/** Arguments per checkpoint, after a commit's events: hour, JSON. */
export const argsPerCheckpoint = 2;
/** Arguments per horizon reading added, after the removed ones: event time (score), JSON (member). */
export const argsPerHorizonReading = 2;

/**
 * The mirror of `applyEventToAlert` (packages/coldchain), plus what the store does around it: the alert log, the
 * archive outbox, the partition's alert stream (trimmed by age and length, the newest trimmed id kept) and publishing.
 * The record's message and state are derived when read, so only its fields are written here.
 */
const applyAlertEvent = `
local rank = { INFO = 0, WARNING = 1, CRITICAL = 2 }

local function higher(a, b)
  if rank[b] > rank[a] then return b end
  return a
end

local function extreme(kind, old, new)
  if new == '' then return old end
  if not old then return new end
  local low = kind == 'TEMPERATURE_LOW' or kind == 'HUMIDITY_LOW'
  if (low and tonumber(new) < tonumber(old)) or (not low and tonumber(new) > tonumber(old)) then return new end
  return old
end

local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function trimAlertStream(ctx, now)
  local stream = ctx.base .. 'alert-stream'
  local cutoff = string.format('%.0f', now - tonumber(ctx.streamMaxAge)) .. '-0'
  local trimmed = nil
  local old = redis.call('XREVRANGE', stream, '(' .. cutoff, '-', 'COUNT', 1)
  if #old > 0 then
    trimmed = old[1][1]
    redis.call('XTRIM', stream, 'MINID', cutoff)
  end
  local over = redis.call('XLEN', stream) - tonumber(ctx.streamMaxLen)
  if over > 0 then
    local gone = redis.call('XRANGE', stream, '-', '+', 'COUNT', over)
    trimmed = gone[#gone][1]
    redis.call('XTRIM', stream, 'MAXLEN', ctx.streamMaxLen)
  end
  if trimmed then redis.call('HSET', ctx.base .. 'alert-stream-meta', 'trimmed', trimmed) end
end

-- An alert that ended (or has a log and no record: withdrawn, or never raised here) is listed in 'alerts-ended' by the
-- time of its last transition, the ms of its outbox entry when there is an outbox: it leaves the store once that is
-- older than ctx.endedKeep (sweepEndedAlerts). A transition that leaves it open takes it off the list.
local function markEnded(ctx, id, changedAt)
  local r = redis.call('HMGET', ctx.base .. 'alert:' .. id, 'id', 'endedAt')
  if r[1] and not r[2] then redis.call('ZREM', ctx.base .. 'alerts-ended', id)
  else redis.call('ZADD', ctx.base .. 'alerts-ended', changedAt, id) end
end

-- Up to 16 alerts of the list whose last transition is older than the keep leave the store: record, log, index
-- entries. Only once the archive has them (every outbox entry up to their last transition acknowledged: the oldest
-- entry left is newer) and the engine cannot change them without a replay (they ended at or before the entity's
-- horizonAt, which a replay's restore from the archive covers); one the engine can still change waits another keep.
local function sweepEndedAlerts(ctx, now)
  local listed = ctx.base .. 'alerts-ended'
  local due = redis.call('ZRANGEBYSCORE', listed, '-inf', string.format('%.0f', now - tonumber(ctx.endedKeep)),
    'WITHSCORES', 'LIMIT', 0, 16)
  if #due == 0 then return end
  local archivedBefore = math.huge
  if ctx.outbox == '1' then
    local oldest = redis.call('XRANGE', ctx.base .. 'outbox', '-', '+', 'COUNT', 1)
    if #oldest > 0 then archivedBefore = tonumber(string.match(oldest[1][1], '^(%d+)')) end
  end
  for i = 1, #due, 2 do
    local id, changedAt = due[i], tonumber(due[i + 1])
    if changedAt >= archivedBefore then return end
    local akey = ctx.base .. 'alert:' .. id
    local ek = string.match(id, '^(.*):[^:]*:[^:]*$')
    local endedAt = redis.call('HGET', akey, 'endedAt')
    local changeable = false
    if endedAt and ek then
      local state = redis.call('HGET', ctx.base .. 'monitor:' .. ek, 'state')
      local horizonAt = state and string.match(state, '"horizonAt":(%d+)')
      changeable = state ~= false and (not horizonAt or tonumber(horizonAt) < tonumber(endedAt))
    end
    if changeable then
      redis.call('ZADD', listed, now, id)
    else
      redis.call('DEL', akey, ctx.base .. 'alert-log:' .. id)
      redis.call('ZREM', ctx.base .. 'alerts', id)
      if ek then redis.call('ZREM', ctx.base .. 'alerts:' .. ek, id) end
      redis.call('ZREM', listed, id)
    end
  end
end

-- ev: id, transition, kind, severity, startedAt, at, endedAt ('' keep, 'null' reopen), peak ('' none), by ('' none),
-- note, hasNote, json
local function applyAlertEvent(ctx, entityType, code, ek, ev, now)
  local id, transition, kind, severity, startedAt, at, endedAt, peak, by, note, hasNote, json =
    ev[1], ev[2], ev[3], ev[4], ev[5], ev[6], ev[7], ev[8], ev[9], ev[10], ev[11], ev[12]
  local akey = ctx.base .. 'alert:' .. id
  local all = ctx.base .. 'alerts'
  local mine = ctx.base .. 'alerts:' .. ek
  local r = redis.call('HMGET', akey, 'id', 'kind', 'severity', 'endedAt', 'acknowledgedAt', 'peakValue')
  local exists = r[1] ~= false
  if transition == 'RAISED' then
    if exists then return end
    redis.call('HSET', akey, 'id', id, 'entityType', entityType, 'code', code, 'kind', kind, 'severity', severity,
      'startedAt', startedAt)
    if peak ~= '' then redis.call('HSET', akey, 'peakValue', peak) end
    redis.call('ZADD', all, startedAt, id)
    redis.call('ZADD', mine, startedAt, id)
  elseif exists then
    if transition == 'ESCALATED' or transition == 'CLEARED' then
      redis.call('HSET', akey, 'severity', higher(r[3], severity))
      local p = extreme(r[2], r[6], peak)
      if p then redis.call('HSET', akey, 'peakValue', p) end
      if transition == 'CLEARED' and not r[4] then redis.call('HSET', akey, 'endedAt', at) end
    elseif transition == 'UPDATED' then
      redis.call('HSET', akey, 'startedAt', startedAt, 'severity', severity)
      if peak ~= '' then redis.call('HSET', akey, 'peakValue', peak) end
      if endedAt == 'null' then redis.call('HDEL', akey, 'endedAt')
      elseif endedAt ~= '' then redis.call('HSET', akey, 'endedAt', endedAt) end
      redis.call('ZADD', all, startedAt, id)
      redis.call('ZADD', mine, startedAt, id)
    elseif transition == 'WITHDRAWN' then
      redis.call('DEL', akey)
      redis.call('ZREM', all, id)
      redis.call('ZREM', mine, id)
    elseif transition == 'ACKNOWLEDGED' and not r[5] then
      redis.call('HSET', akey, 'acknowledgedAt', at)
      if by ~= '' then redis.call('HSET', akey, 'acknowledgedBy', by) end
      if hasNote == '1' then redis.call('HSET', akey, 'note', note) end
    end
  end
  local position = redis.call('RPUSH', ctx.base .. 'alert-log:' .. id, json)
  local changedAt = now
  if ctx.outbox == '1' then
    local entry = redis.call('XADD', ctx.base .. 'outbox', '*', 'k', 'a', 'i', id, 'n', position, 'e', json)
    changedAt = tonumber(string.match(entry, '^(%d+)'))
  end
  markEnded(ctx, id, changedAt)
  local fields = cjson.encode(redis.call('HGETALL', akey))
  local meta = ctx.base .. 'alert-stream-meta'
  local prev = redis.call('HGET', meta, 'last') or '0-0'
  local sid = redis.call('XADD', ctx.base .. 'alert-stream', '*', 'p', prev, 'e', json, 'a', fields)
  redis.call('HSET', meta, 'last', sid)
  trimAlertStream(ctx, now)
  redis.call('PUBLISH', ctx.alertChannel, '{"partition":' .. ctx.partition .. ',"id":"' .. sid .. '","prev":"' ..
    prev .. '","event":' .. json .. ',"alert":' .. fields .. '}')
end

local function applyAlertEvents(ctx, entityType, code, ek, first, count, now)
  for i = 0, count - 1 do
    local o = first + i * ${argsPerAlertEvent}
    applyAlertEvent(ctx, entityType, code, ek, { unpack(ARGV, o, o + ${argsPerAlertEvent - 1}) }, now)
  end
end

-- The engine state's reorder horizon lives beside it (sorted set, score = event time, member = the reading's JSON), so
-- a commit sends the readings that came and went rather than all of them. The hash field 'horizon' = 'zset' says so; a
-- state written before that carries its horizon inside its JSON, moved out at its next commit (entries are
-- JSON.stringify's text: no spaces, no brackets inside).
local function moveHorizonOut(key, stateJson)
  redis.call('DEL', key)
  if string.find(stateJson, '"horizon":[]', 1, true) then return end
  local inner = string.match(stateJson, '"horizon":%[(.-%])%]')
  if not inner then return end
  for entry in string.gmatch(inner, '%[[^%]]*%]') do
    redis.call('ZADD', key, string.match(entry, '^%[([^,]+),'), entry)
  end
end

-- The entity's engine record as the caller reads it: version, state JSON, horizon kept apart ('zset') or not, members.
local function monitorRecord(ctx, ek)
  local m = redis.call('HMGET', ctx.base .. 'monitor:' .. ek, 'version', 'state', 'horizon')
  local members = {}
  if m[3] == 'zset' then members = redis.call('ZRANGE', ctx.base .. 'monitor-horizon:' .. ek, 0, -1) end
  return { m[1] or '0', m[2] or '', m[3] or '', members }
end

local function conflict(ctx, ek)
  local r = monitorRecord(ctx, ek)
  return { 'conflict', r[1], r[2], r[3], r[4] }
end

-- h: replace ('1': the horizon is written whole), removed count and first index, added count and first index.
-- stored: the hash's 'horizon' field and state before this write.
local function setMonitor(ctx, ek, version, stateJson, nextCheckAt, h, storedHorizon, storedState)
  local key = ctx.base .. 'monitor-horizon:' .. ek
  if h.replace == '1' then redis.call('DEL', key)
  elseif storedHorizon ~= 'zset' and storedState then moveHorizonOut(key, storedState) end
  if h.removed > 0 then
    redis.call('ZREM', key, unpack(ARGV, h.firstRemoved, h.firstRemoved + h.removed - 1))
  end
  if h.added > 0 then
    redis.call('ZADD', key, unpack(ARGV, h.firstAdded, h.firstAdded + h.added * ${argsPerHorizonReading} - 1))
  end
  redis.call('HSET', ctx.base .. 'monitor:' .. ek, 'version', version + 1, 'state', stateJson, 'horizon', 'zset')
  if nextCheckAt == '' then redis.call('ZREM', ctx.base .. 'due', ek)
  else redis.call('ZADD', ctx.base .. 'due', nextCheckAt, ek) end
end

-- Each checkpoint replaces the one of its hour (score), and goes to the archive with the state's new version.
local function setCheckpoints(ctx, ek, version, first, count)
  local key = ctx.base .. 'checkpoints:' .. ek
  for i = 0, count - 1 do
    local hour, json = ARGV[first + i * ${argsPerCheckpoint}], ARGV[first + i * ${argsPerCheckpoint} + 1]
    redis.call('ZREMRANGEBYSCORE', key, hour, hour)
    redis.call('ZADD', key, hour, json)
    if ctx.outbox == '1' then
      redis.call('XADD', ctx.base .. 'outbox', '*', 'k', 'c', 'e', ek, 'v', tostring(version + 1), 'c', json)
    end
  end
end
`;

/**
 * KEYS[1]: the partition's stats hash.
 * ARGV: base, partition, liveChannel, alertChannel, maxReadings, maxAgeMs, outbox ('1'), streamMaxAgeMs,
 *       streamMaxLength, endedKeepMs, commitCount, then per commit: header (\`commitHeader\`), readingJson, liveJson ('' = left
 *       out), stateJson (only with a monitor: without its horizon; '' in a chain's link; its event times, comma-separated,
 *       in a chain's head), events, checkpoints (hour, JSON), horizon readings removed (JSON), horizon readings added
 *       (event time, JSON). hasMonitor: 0 none, 1 the engine state, 3 a chain's head, 2 its link (see `elisionsOf`).
 * Returns { outcomes, conflicts… }: outcomes has one letter per commit, s(tored), l(ate, stored), d(uplicate),
 * c(onflict) or r(esend: a chain left untouched, one of whose readings is already stored, with the entity's later
 * commits); each conflict adds version, stateJson, horizonField, horizonMembers, in commit order.
 *
 * What only the entity's last state needs is written once per entity per batch, after its commits: the engine state,
 * its horizon's net change and due time, the live state, its index entry and its one PUBLISH (the newest), and the
 * hot window's trims. The outcome of every commit is the one-by-one outcome: the dedup check leaves out what a trim
 * after each reading would already have removed, and an entity's pending engine state is written before a conflict
 * reads it. Alert transitions are applied, logged and published one by one, in order.
 */
export const commitReadingsLua = `${applyAlertEvent}
local ctx = { base = ARGV[1], partition = ARGV[2], alertChannel = ARGV[4], outbox = ARGV[7],
  streamMaxAge = ARGV[8], streamMaxLen = ARGV[9], endedKeep = ARGV[10] }
local base, liveChannel, maxReadings, maxAge = ARGV[1], ARGV[3], tonumber(ARGV[5]), tonumber(ARGV[6])
local now = nowMs()
local outcomes = {}
local conflicts = {}
local counts = { accepted = 0, duplicates = 0, late = 0, unregistered = 0 }
-- Per entity touched by the batch, in first-seen order: what is stored, and what waits for the end of the batch.
local entities = {}
local order = {}
local function entityOf(ek)
  local e = entities[ek]
  if e then return e end
  e = { ek = ek, readings = base .. 'readings:' .. ek, live = base .. 'live:' .. ek, stored = 0 }
  local liveAt = redis.call('HGET', e.live, 'at')
  e.liveAt = liveAt and tonumber(liveAt) or nil
  entities[ek] = e
  order[#order + 1] = ek
  return e
end
local function loadMonitor(e)
  if e.version then return end
  local m = redis.call('HMGET', base .. 'monitor:' .. e.ek, 'version', 'horizon')
  e.version = tonumber(m[1] or '0')
  e.horizonField = m[2]
end
-- The horizon's net change: a member's last operation in the batch wins.
local function addHorizon(e, first, count)
  for i = first, first + count * ${argsPerHorizonReading} - 1, ${argsPerHorizonReading} do
    e.hRemove[ARGV[i + 1]] = nil
    e.hAdd[ARGV[i + 1]] = ARGV[i]
  end
end
local function removeHorizon(e, first, count)
  for i = first, first + count - 1 do
    e.hAdd[ARGV[i]] = nil
    e.hRemove[ARGV[i]] = true
  end
end
-- A chain's links (stateJson nil) move the version and the horizon; its last commit brings the state and due time.
local function setPendingMonitor(e, stateJson, nextCheckAt, h)
  local key = base .. 'monitor-horizon:' .. e.ek
  if not e.hAdd then
    e.hAdd = {}
    e.hRemove = {}
    if h.replace ~= '1' and e.horizonField ~= 'zset' and e.version > 0 then
      moveHorizonOut(key, redis.call('HGET', base .. 'monitor:' .. e.ek, 'state'))
    end
    e.horizonField = 'zset'
  end
  if h.replace == '1' then
    redis.call('DEL', key)
    e.hAdd = {}
    e.hRemove = {}
  end
  removeHorizon(e, h.firstRemoved, h.removed)
  addHorizon(e, h.firstAdded, h.added)
  e.version = e.version + 1
  if stateJson then
    e.stateJson = stateJson
    e.nextCheckAt = nextCheckAt
  end
end
local function flushMonitor(e)
  if not e.stateJson then return end
  local key = base .. 'monitor-horizon:' .. e.ek
  local removed = {}
  for member in pairs(e.hRemove) do removed[#removed + 1] = member end
  if #removed > 0 then redis.call('ZREM', key, unpack(removed)) end
  local added = {}
  for member, score in pairs(e.hAdd) do
    added[#added + 1] = score
    added[#added + 1] = member
  end
  if #added > 0 then redis.call('ZADD', key, unpack(added)) end
  redis.call('HSET', base .. 'monitor:' .. e.ek, 'version', e.version, 'state', e.stateJson, 'horizon', 'zset')
  if e.nextCheckAt == '' then redis.call('ZREM', base .. 'due', e.ek)
  else redis.call('ZADD', base .. 'due', e.nextCheckAt, e.ek) end
  e.stateJson = nil
  e.hAdd = {}
  e.hRemove = {}
end
local function flushEntity(e)
  flushMonitor(e)
  if e.pendingLive then
    local l = e.pendingLive
    redis.call('HSET', e.live, 'at', l[1], 'state', l[2])
    redis.call('ZADD', base .. 'live-index', l[3], e.ek)
    redis.call('PUBLISH', liveChannel, l[2])
    e.pendingLive = nil
  end
  if e.stored > 0 then
    redis.call('ZREMRANGEBYRANK', e.readings, 0, -(maxReadings + 1))
    redis.call('ZREMRANGEBYSCORE', e.readings, '-inf', '(' .. string.format('%.0f', e.liveAt - maxAge))
    redis.call('ZREMRANGEBYSCORE', base .. 'checkpoints:' .. e.ek, '-inf',
      '(' .. string.format('%.0f', e.liveAt - maxAge - ${CHECKPOINT_INTERVAL_MS}))
    e.stored = 0
  end
end
-- A reading already in the history, unless a trim after each stored reading would have removed it by now.
local function isDuplicate(e, at, inChain)
  if inChain then return false end
  if redis.call('ZCOUNT', e.readings, at, at) == 0 then return false end
  if e.stored == 0 then return true end
  if tonumber(at) < e.liveAt - maxAge then return false end
  return redis.call('ZCOUNT', e.readings, '(' .. at, '+inf') < maxReadings
end
local function conflictOf(e)
  flushMonitor(e)
  local r = monitorRecord(ctx, e.ek)
  for i = 1, 4 do conflicts[#conflicts + 1] = r[i] end
  return 'c'
end
-- Entities whose engine state in this batch followed from a commit that was not stored.
local broken = {}
-- Entities whose chain was left untouched: one of its readings may be stored, and its links carry no engine state.
local resend = {}
-- Before a chain's first commit: none of its readings is stored yet (else the chain is sent again, whole), so none is
-- a duplicate, all its commits are stored or (a conflict on the first) none, and only its last state is needed.
local function startChain(e, ats)
  for at in string.gmatch(ats, '[^,]+') do
    if redis.call('ZCOUNT', e.readings, at, at) > 0 then
      resend[e.ek] = true
      return
    end
  end
  e.chainFresh = true
end
local o = 12
for n = 1, tonumber(ARGV[11]) do
  local at, receivedAt, registered, hasMonitor, expected, nextCheckAt, eventCount, checkpointCount, horizonReplace,
    horizonRemoved, horizonAdded, entityType, code = string.match(ARGV[o], ${commitHeader})
  if not code then return redis.error_reply('malformed commit header') end
  local ek = (entityType == 'SAMPLE' and 'sample:' or 'container:') .. code
  local monitored = hasMonitor ~= '0'
  local readingJson, liveJson = ARGV[o + 1], ARGV[o + 2]
  local stateJson = hasMonitor == '1' and ARGV[o + 3] or nil
  local chainAts = hasMonitor == '3' and ARGV[o + 3] or nil
  local firstEvent = o + (monitored and 4 or 3)
  local firstCheckpoint = firstEvent + tonumber(eventCount) * ${argsPerAlertEvent}
  local horizon = { replace = horizonReplace, removed = tonumber(horizonRemoved), added = tonumber(horizonAdded) }
  horizon.firstRemoved = firstCheckpoint + tonumber(checkpointCount) * ${argsPerCheckpoint}
  horizon.firstAdded = horizon.firstRemoved + horizon.removed
  o = horizon.firstAdded + horizon.added * ${argsPerHorizonReading}
  local e = entityOf(ek)
  if chainAts then startChain(e, chainAts) end
  local inChain = e.chainFresh
  -- A chain ends with its one commit that carries the engine state.
  if hasMonitor == '1' or hasMonitor == '0' then e.chainFresh = nil end
  if resend[ek] then
    outcomes[n] = 'r'
  elseif monitored and broken[ek] then
    outcomes[n] = conflictOf(e)
  elseif isDuplicate(e, at, inChain) then
    counts.duplicates = counts.duplicates + 1
    if monitored then broken[ek] = true end
    outcomes[n] = 'd'
  else
    local stored = true
    if monitored then
      loadMonitor(e)
      if e.version ~= tonumber(expected) then
        broken[ek] = true
        stored = false
        outcomes[n] = conflictOf(e)
      else
        setPendingMonitor(e, stateJson, nextCheckAt, horizon)
        setCheckpoints(ctx, ek, e.version - 1, firstCheckpoint, tonumber(checkpointCount))
      end
    end
    if stored then
      local reading = tonumber(at)
      redis.call('ZADD', e.readings, at, readingJson)
      e.stored = e.stored + 1
      counts.accepted = counts.accepted + 1
      local late = 's'
      if e.liveAt and e.liveAt > reading then
        late = 'l'
        counts.late = counts.late + 1
      elseif not e.liveAt or e.liveAt < reading then
        e.liveAt = reading
        if liveJson ~= '' then e.pendingLive = { at, liveJson, receivedAt } end
      end
      if registered == '0' then
        counts.unregistered = counts.unregistered + 1
        redis.call('ZADD', base .. 'unregistered', receivedAt, ek)
        redis.call('HINCRBY', base .. 'unregistered-readings', ek, 1)
        redis.call('HSETNX', base .. 'unregistered-first-seen', ek, receivedAt)
      end
      if ctx.outbox == '1' then
        redis.call('XADD', base .. 'outbox', '*', 'k', 'r', 'e', ek, 'r', readingJson)
      end
      if monitored then applyAlertEvents(ctx, entityType, code, ek, firstEvent, tonumber(eventCount), now) end
      outcomes[n] = late
    end
  end
end
for _, ek in ipairs(order) do flushEntity(entities[ek]) end
sweepEndedAlerts(ctx, now)
for field, count in pairs(counts) do
  if count > 0 then redis.call('HINCRBY', KEYS[1], field, count) end
end
table.insert(conflicts, 1, table.concat(outcomes))
return conflicts
`;

/**
 * KEYS[1]: the partition's stats hash.
 * ARGV: base, partition, alertChannel, outbox, streamMaxAgeMs, streamMaxLength, endedKeepMs, entityKey, entityType, code,
 *       expectedVersion, stateJson (without its horizon), nextCheckAt, eventCount, horizonReplace,
 *       horizonRemovedCount, horizonAddedCount, events, horizon readings removed, horizon readings added.
 * Returns {'conflict', version, stateJson, horizonField, horizonMembers} | {'stored'}.
 */
export const commitTickLua = `${applyAlertEvent}
local ctx = { base = ARGV[1], partition = ARGV[2], alertChannel = ARGV[3], outbox = ARGV[4],
  streamMaxAge = ARGV[5], streamMaxLen = ARGV[6], endedKeep = ARGV[7] }
local ek = ARGV[8]
local current = redis.call('HMGET', ctx.base .. 'monitor:' .. ek, 'version', 'state', 'horizon')
local version = tonumber(current[1] or '0')
if version ~= tonumber(ARGV[11]) then return conflict(ctx, ek) end
local eventCount = tonumber(ARGV[14])
local horizon = { replace = ARGV[15], removed = tonumber(ARGV[16]), added = tonumber(ARGV[17]) }
horizon.firstRemoved = 18 + eventCount * ${argsPerAlertEvent}
horizon.firstAdded = horizon.firstRemoved + horizon.removed
setMonitor(ctx, ek, version, ARGV[12], ARGV[13], horizon, current[3], current[2])
local now = nowMs()
applyAlertEvents(ctx, ARGV[9], ARGV[10], ek, 18, eventCount, now)
sweepEndedAlerts(ctx, now)
return { 'stored' }
`;

/** KEYS[1]: the entity's monitor hash (its partition's slot). ARGV: base, entityKey. Returns the record as a conflict does. */
export const readMonitorLua = `${applyAlertEvent}
local r = monitorRecord({ base = ARGV[1] }, ARGV[2])
return r
`;

/**
 * KEYS[1]: the partition's stats hash.
 * ARGV: base, partition, alertChannel, outbox, streamMaxAgeMs, streamMaxLength, endedKeepMs, alertId, at, by, note,
 *       hasNote.
 * Returns {'not_found'} | {'conflict', alertFields} | {'acknowledged', eventJson, alertFields}; the event is the
 * engine's `acknowledgeAlert` event, built from the stored fields.
 */
export const acknowledgeLua = `${applyAlertEvent}
local ctx = { base = ARGV[1], partition = ARGV[2], alertChannel = ARGV[3], outbox = ARGV[4],
  streamMaxAge = ARGV[5], streamMaxLen = ARGV[6], endedKeep = ARGV[7] }
local id, at, by, note, hasNote = ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12]
local akey = ctx.base .. 'alert:' .. id
local a = redis.call('HMGET', akey, 'id', 'entityType', 'code', 'kind', 'severity', 'startedAt', 'acknowledgedAt')
if not a[1] then return { 'not_found' } end
if a[7] then return { 'conflict', cjson.encode(redis.call('HGETALL', akey)) } end
local message = 'Acknowledged by ' .. by
if hasNote == '1' and note ~= '' then message = message .. ': ' .. note end
local json = '{"transition":"ACKNOWLEDGED","alertId":' .. cjson.encode(id) .. ',"kind":' .. cjson.encode(a[4]) ..
  ',"severity":' .. cjson.encode(a[5]) .. ',"at":' .. at .. ',"startedAt":' .. a[6] .. ',"message":' ..
  cjson.encode(message) .. ',"by":' .. cjson.encode(by) .. ',"note":' ..
  (hasNote == '1' and cjson.encode(note) or 'null') .. ',"entityType":' .. cjson.encode(a[2]) .. ',"code":' ..
  cjson.encode(a[3]) .. '}'
local ek = (a[2] == 'SAMPLE' and 'sample:' or 'container:') .. a[3]
applyAlertEvent(ctx, a[2], a[3], ek, { id, 'ACKNOWLEDGED', a[4], a[5], a[6], at, '', '', by, note, hasNote, json },
  nowMs())
return { 'acknowledged', json, cjson.encode(redis.call('HGETALL', akey)) }
`;

/**
 * KEYS[1]: the partition's stats hash. ARGV: base, alertId, entityKey, fieldCount, the record's hash fields (field,
 * value; none for a withdrawn alert), then the log's events (JSON, in order). Writes them unless the partition holds a
 * log of the alert; an ended one is listed to leave again (from now). Returns 1 when restored, 0 when left alone.
 */
export const restoreAlertLua = `${applyAlertEvent}
local base, id, ek, fieldCount = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local log = base .. 'alert-log:' .. id
if redis.call('EXISTS', log) == 1 then return 0 end
redis.call('RPUSH', log, unpack(ARGV, 5 + fieldCount * 2, #ARGV))
if fieldCount > 0 then
  local akey = base .. 'alert:' .. id
  redis.call('HSET', akey, unpack(ARGV, 5, 4 + fieldCount * 2))
  local startedAt = redis.call('HGET', akey, 'startedAt')
  redis.call('ZADD', base .. 'alerts', startedAt, id)
  redis.call('ZADD', base .. 'alerts:' .. ek, startedAt, id)
end
markEnded({ base = base }, id, nowMs())
return 1
`;

/** KEYS[1]: the partition's due set. ARGV: now, leaseUntil, entity keys. Leases those still due; returns them. */
export const claimDueLua = `
local claimed = {}
for i = 3, #ARGV do
  local due = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if due and tonumber(due) <= tonumber(ARGV[1]) then
    redis.call('ZADD', KEYS[1], ARGV[2], ARGV[i])
    claimed[#claimed + 1] = ARGV[i]
  end
end
return claimed
`;

/**
 * KEYS[1]: the partition's outbox stream. ARGV: group, entry ids. Acknowledges and removes the entries that are
 * pending in the group (an id never delivered is left alone: it is not archived yet); returns how many.
 */
export const acknowledgeOutboxLua = `
local count = 0
for i = 2, #ARGV do
  if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1) > 0 then
    redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
    redis.call('XDEL', KEYS[1], ARGV[i])
    count = count + 1
  end
end
return count
`;

/**
 * KEYS[1]: the partition's outbox stream. ARGV: group. Creates the archivers' group from the stream's start (an
 * existing group is left as it is). A script so that Redis Cluster routes it by its key: XGROUP names none.
 */
export const ensureOutboxGroupLua = `
redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
return 1
`;
