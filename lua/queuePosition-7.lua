--[[
queuePosition: where a buyer stands in the event's waiting room. A waiting buyer's poll
keeps the place (the seen time is refreshed).
KEYS[1] state      hash: n, status, version, sold, onSaleMs, highDemand, ...
KEYS[2] queueState hash: seq, seed, rate, capacity, admissionMs, abandonMs, credit, lastAdmitMs, measuredRate
KEYS[3] waiting    zset: user id scored by queue order
KEYS[4] admitted   zset: user id scored by admission deadline (ms)
KEYS[5] seen       zset: waiting user id scored by last poll (ms)
KEYS[6] expired    zset: user id scored by when its place or admission lapsed (ms)
KEYS[7] limiter    string: the caller's rate limiter of the endpoint class (GCRA, includes/rateLimit)
ARGV[1] user id
ARGV[2] now (ms since epoch)
ARGV[3] rate limit of the endpoint class (requests per period; 0: no limit)
ARGV[4] rate period (ms)
Every reply but {'rate_limited'} carries the limiter's remaining and resetMs right after its
status (-1 -1 with no limit): see includes/rateLimit.lua.
Returns {'waiting', position, queueLength, 0, onSaleMs, measuredRate}: position 1..
        {'admitted', 0, queueLength, admittedUntilMs, onSaleMs, measuredRate}
        {'expired', 0, queueLength, 0, onSaleMs, measuredRate}: the place or admission lapsed
        {'not_queued', 0, queueLength, 0, onSaleMs, measuredRate}
Errors  {'event_not_found'} {'queue_not_enabled'}
        {'rate_limited', retryAfterMs, resetMs}: over the limit, nothing changed
]]
--@include queueReply
--@include rateLimit
return rated(KEYS[7], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), function()
  local K = {state = KEYS[1], queueState = KEYS[2], waiting = KEYS[3], admitted = KEYS[4], seen = KEYS[5],
    expired = KEYS[6]}
  local userId, nowMs = ARGV[1], tonumber(ARGV[2])

  local meta = redis.call('HMGET', K.state, 'n', 'onSaleMs', 'highDemand')
  if not meta[1] then return {'event_not_found'} end
  if meta[3] ~= '1' then return {'queue_not_enabled'} end
  local onSaleMs = tonumber(meta[2])

  local admitted, admittedUntil = admittedReply(K, userId, nowMs, onSaleMs)
  if admitted then return admitted end
  local rank = redis.call('ZRANK', K.waiting, userId)
  if rank then
    redis.call('ZADD', K.seen, nowMs, userId)
    return queueReply(K, 'waiting', rank + 1, 0, onSaleMs)
  end
  if admittedUntil or redis.call('ZSCORE', K.expired, userId) then
    return queueReply(K, 'expired', 0, 0, onSaleMs)
  end
  return queueReply(K, 'not_queued', 0, 0, onSaleMs)
end)
