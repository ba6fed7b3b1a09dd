-- Queue settings with their defaults, and the replies every queue read shares.
-- queueSettings(K) reads the queue's hash: rate (buyers per second), capacity (admitted at
-- once), admissionMs, abandonMs (a waiting buyer who has not polled for this long loses the
-- place), measuredRate (admissions per second, moving average), seed.
local function queueSettings(K)
  local q = redis.call('HMGET', K.queueState, 'rate', 'capacity', 'admissionMs', 'abandonMs', 'measuredRate', 'seed')
  local rate = tonumber(q[1]) or 50
  return {
    rate = rate,
    capacity = tonumber(q[2]) or 1000,
    admissionMs = tonumber(q[3]) or 900000,
    abandonMs = tonumber(q[4]) or 120000,
    measuredRate = tonumber(q[5]) or rate,
    seed = q[6] or '0',
  }
end

-- {status, position, queueLength, admittedUntilMs, onSaleMs, measuredRate (as a string)}
local function queueReply(K, status, position, admittedUntil, onSaleMs)
  local settings = queueSettings(K)
  return {status, position, redis.call('ZCARD', K.waiting), admittedUntil or 0, onSaleMs,
    tostring(settings.measuredRate)}
end

-- The reply for a buyer admitted until after now, or nil.
local function admittedReply(K, userId, nowMs, onSaleMs)
  local admittedUntil = tonumber(redis.call('ZSCORE', K.admitted, userId))
  if admittedUntil and admittedUntil > nowMs then return queueReply(K, 'admitted', 0, admittedUntil, onSaleMs), admittedUntil end
  return nil, admittedUntil
end
