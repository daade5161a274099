/** Arguments per alert event passed to the scripts (see `alertEventArgs`). */
export const argsPerAlertEvent = 12;

// Numbers travel as decimal strings and are never re-formatted in Lua (cjson would round epoch ms).
const applyAlertEvents = `
local function applyAlertEvents(prefix, alertChannel, first, count)
  for i = 0, count - 1 do
    local o = first + i * ${12}
    local id, transition, entityType, code, kind, severity, startedAt, at, message, peak, endedAt, json =
      ARGV[o], ARGV[o+1], ARGV[o+2], ARGV[o+3], ARGV[o+4], ARGV[o+5], ARGV[o+6], ARGV[o+7], ARGV[o+8], ARGV[o+9],
      ARGV[o+10], ARGV[o+11]
    local akey = prefix .. ':alert:' .. id
    local ekey = prefix .. ':alerts:' .. (entityType == 'SAMPLE' and 'sample:' or 'container:') .. code
    local fresh = redis.call('EXISTS', akey) == 0
    if transition == 'RAISED' then
      if fresh then
        redis.call('HSET', akey, 'id', id, 'entityType', entityType, 'code', code, 'kind', kind,
          'severity', severity, 'startedAt', startedAt, 'message', message)
        if peak ~= '' then redis.call('HSET', akey, 'peakValue', peak) end
        redis.call('ZADD', prefix .. ':alerts', startedAt, id)
        redis.call('ZADD', ekey, startedAt, id)
      end
    elseif transition == 'UPDATED' then
      if not fresh then
        redis.call('HSET', akey, 'severity', severity, 'startedAt', startedAt, 'message', message)
        if endedAt == '' then redis.call('HDEL', akey, 'endedAt') else redis.call('HSET', akey, 'endedAt', endedAt) end
        if peak ~= '' then redis.call('HSET', akey, 'peakValue', peak) end
        redis.call('ZADD', prefix .. ':alerts', startedAt, id)
        redis.call('ZADD', ekey, startedAt, id)
      end
    elseif transition == 'WITHDRAWN' then
      redis.call('DEL', akey)
      redis.call('ZREM', prefix .. ':alerts', id)
      redis.call('ZREM', ekey, id)
    elseif transition == 'ESCALATED' then
      redis.call('HSET', akey, 'severity', severity, 'message', message)
      if peak ~= '' then redis.call('HSET', akey, 'peakValue', peak) end
    elseif transition == 'CLEARED' then
      redis.call('HSET', akey, 'endedAt', at)
      if peak ~= '' then redis.call('HSET', akey, 'peakValue', peak) end
    end
    if transition ~= 'RAISED' or fresh then
      redis.call('RPUSH', prefix .. ':alert-log:' .. id, json)
      redis.call('PUBLISH', alertChannel, json)
    end
  end
end
`;

const trimHistory = `
local function trimHistory(key, maxReadings, cutoff)
  redis.call('ZREMRANGEBYRANK', key, 0, -(maxReadings + 1))
  if cutoff ~= '' then redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. cutoff) end
end
`;

/**
 * KEYS: readings, monitor, live, liveIndex, stats, due, unregistered, unregisteredReadings, unregisteredFirstSeen
 * ARGV: prefix, entityKey, at, readingJson, liveJson, registered, hasMonitor, expectedVersion, stateJson, nextCheckAt,
 *       maxReadings, ageCutoff (event time; '' = none), liveChannel, alertChannel, receivedAt, eventCount, then the events' arguments.
 * Returns {'duplicate'} | {'conflict', version, stateJson} | {'stored', late}.
 */
export const commitReadingLua = `${applyAlertEvents}${trimHistory}
local at = ARGV[3]
if #redis.call('ZRANGEBYSCORE', KEYS[1], at, at, 'LIMIT', 0, 1) > 0 then
  redis.call('HINCRBY', KEYS[5], 'duplicates', 1)
  return {'duplicate'}
end
if ARGV[7] == '1' then
  local current = redis.call('HMGET', KEYS[2], 'version', 'state')
  local version = tonumber(current[1] or '0')
  if version ~= tonumber(ARGV[8]) then
    return {'conflict', tostring(version), current[2] or ''}
  end
  redis.call('HSET', KEYS[2], 'version', version + 1, 'state', ARGV[9])
  if ARGV[10] == '' then redis.call('ZREM', KEYS[6], ARGV[2]) else redis.call('ZADD', KEYS[6], ARGV[10], ARGV[2]) end
end
redis.call('ZADD', KEYS[1], at, ARGV[4])
trimHistory(KEYS[1], tonumber(ARGV[11]), ARGV[12])
redis.call('HINCRBY', KEYS[5], 'accepted', 1)
local liveAt = redis.call('HGET', KEYS[3], 'at')
local late = '0'
if liveAt and tonumber(liveAt) > tonumber(at) then
  late = '1'
  redis.call('HINCRBY', KEYS[5], 'late', 1)
elseif not liveAt or tonumber(liveAt) < tonumber(at) then
  redis.call('HSET', KEYS[3], 'at', at, 'state', ARGV[5])
  redis.call('ZADD', KEYS[4], ARGV[15], ARGV[2])
  redis.call('PUBLISH', ARGV[13], ARGV[5])
end
if ARGV[6] == '0' then
  redis.call('HINCRBY', KEYS[5], 'unregistered', 1)
  redis.call('ZADD', KEYS[7], ARGV[15], ARGV[2])
  redis.call('HINCRBY', KEYS[8], ARGV[2], 1)
  redis.call('HSETNX', KEYS[9], ARGV[2], ARGV[15])
end
if ARGV[7] == '1' then applyAlertEvents(ARGV[1], ARGV[14], 17, tonumber(ARGV[16])) end
return {'stored', late}
`;

/**
 * KEYS: monitor, due. ARGV: prefix, entityKey, expectedVersion, stateJson, nextCheckAt, alertChannel, eventCount, events.
 * Returns {'conflict', version, stateJson} | {'stored'}.
 */
export const commitTickLua = `${applyAlertEvents}
local current = redis.call('HMGET', KEYS[1], 'version', 'state')
local version = tonumber(current[1] or '0')
if version ~= tonumber(ARGV[3]) then
  return {'conflict', tostring(version), current[2] or ''}
end
redis.call('HSET', KEYS[1], 'version', version + 1, 'state', ARGV[4])
if ARGV[5] == '' then redis.call('ZREM', KEYS[2], ARGV[2]) else redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2]) end
applyAlertEvents(ARGV[1], ARGV[6], 8, tonumber(ARGV[7]))
return {'stored'}
`;

/** KEYS: due. ARGV: now, limit, leaseUntil. Moves each claimed entity's due time to the lease end. */
export const claimDueLua = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[3], member) end
return due
`;

/**
 * KEYS: alert, alertLog. ARGV: at, by, note ('' = none), hasNote, alertChannel.
 * Returns {'not_found'} | {'conflict'} | {'acknowledged', eventJson}; the event is built from the stored fields.
 */
export const acknowledgeLua = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found'} end
if redis.call('HEXISTS', KEYS[1], 'acknowledgedAt') == 1 then return {'conflict'} end
redis.call('HSET', KEYS[1], 'acknowledgedAt', ARGV[1], 'acknowledgedBy', ARGV[2])
if ARGV[4] == '1' then redis.call('HSET', KEYS[1], 'note', ARGV[3]) end
local a = redis.call('HMGET', KEYS[1], 'id', 'entityType', 'code', 'kind', 'severity', 'startedAt', 'message', 'peakValue')
local json = '{"transition":"ACKNOWLEDGED","alertId":' .. cjson.encode(a[1]) .. ',"entityType":' .. cjson.encode(a[2]) ..
  ',"code":' .. cjson.encode(a[3]) .. ',"kind":' .. cjson.encode(a[4]) .. ',"severity":' .. cjson.encode(a[5]) ..
  ',"startedAt":' .. a[6] .. ',"at":' .. ARGV[1] .. ',"message":' .. cjson.encode(a[7]) ..
  (a[8] and (',"peakValue":' .. a[8]) or '') .. ',"by":' .. cjson.encode(ARGV[2]) ..
  ',"note":' .. (ARGV[4] == '1' and cjson.encode(ARGV[3]) or 'null') .. '}'
redis.call('RPUSH', KEYS[2], json)
redis.call('PUBLISH', ARGV[5], json)
return {'acknowledged', json}
`;
