--[[
joinQueue: put a buyer in the event's waiting room. Joining again keeps the place (and
counts as a poll). Before the on-sale time a joiner gets a random place among the other
early joiners (a score in [0, 1) from the seeded hash of its arrival number); from the
on-sale time on, joiners queue in arrival order behind them (score 1 + arrival number).
KEYS[1] state      hash: n, status, version, sold, onSaleMs, highDemand, ...
KEYS[2] queueState hash: seq, seed, rate, capacity, admissionMs, abandonMs, credit, lastAdmitMs, measuredRate
KEYS[3] waiting    zset: user id scored by queue order
KEYS[4] admitted   zset: user id scored by admission deadline (ms)
KEYS[5] seen       zset: waiting user id scored by last poll (ms)
KEYS[6] joined     hash: waiting user id -> join time (ms)
KEYS[7] expired    zset: user id scored by when its place or admission lapsed (ms)
KEYS[8] limiter    string: the caller's rate limiter of the endpoint class (GCRA, includes/rateLimit)
ARGV[1] user id
ARGV[2] now (ms since epoch)
ARGV[3] rate limit of the endpoint class (requests per period; 0: no limit)
ARGV[4] rate period (ms)
Every reply but {'rate_limited'} carries the limiter's remaining and resetMs right after its
status (-1 -1 with no limit): see includes/rateLimit.lua.
Returns {'waiting', position, queueLength, 0, onSaleMs, measuredRate}
        {'admitted', 0, queueLength, admittedUntilMs, onSaleMs, measuredRate}
Errors  {'event_not_found'} {'queue_not_enabled'} {'event_closed'}
        {'rate_limited', retryAfterMs, resetMs}: over the limit, nothing changed
]]
--@include queueReply
--@include rateLimit
return rated(KEYS[8], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), function()
  local K = {state = KEYS[1], queueState = KEYS[2], waiting = KEYS[3], admitted = KEYS[4], seen = KEYS[5],
    joined = KEYS[6], expired = KEYS[7]}
  local userId, nowMs = ARGV[1], tonumber(ARGV[2])

  local meta = redis.call('HMGET', K.state, 'n', 'status', 'onSaleMs', 'highDemand')
  if not meta[1] then return {'event_not_found'} end
  if meta[4] ~= '1' then return {'queue_not_enabled'} end
  if meta[2] ~= 'open' then return {'event_closed'} end
  local onSaleMs = tonumber(meta[3])

  local admitted, admittedUntil = admittedReply(K, userId, nowMs, onSaleMs)
  if admitted then return admitted end
  local rank = redis.call('ZRANK', K.waiting, userId)
  if not rank then
    if admittedUntil then redis.call('ZREM', K.admitted, userId) end
    local seq = redis.call('HINCRBY', K.queueState, 'seq', 1)
    local score = 1 + seq
    if nowMs < onSaleMs then
      local seed = redis.call('HGET', K.queueState, 'seed') or '0'
      score = tonumber(string.sub(redis.sha1hex(seed .. ':' .. seq), 1, 13), 16) / 4503599627370496
    end
    redis.call('ZADD', K.waiting, score, userId)
    redis.call('HSET', K.joined, userId, nowMs)
    redis.call('ZREM', K.expired, userId)
    rank = redis.call('ZRANK', K.waiting, userId)
  end
  redis.call('ZADD', K.seen, nowMs, userId)
  return queueReply(K, 'waiting', rank + 1, 0, onSaleMs)
end)
