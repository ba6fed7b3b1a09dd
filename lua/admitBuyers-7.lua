--[[
admitBuyers: one step of the waiting room, run by every API process a few times a second.
Lapsed admissions and buyers who stopped polling lose their place; then buyers move from the
head of the queue to the admitted set, at most `rate` per second (a token bucket holding one
second of admissions) and never more than `capacity` admitted at once. The time-based credit
makes any number of concurrent drivers admit at the configured rate, not a multiple of it.
KEYS[1] state      hash: n, status, version, sold, onSaleMs, highDemand, ...
KEYS[2] queueState hash: seq, seed, rate, capacity, admissionMs, abandonMs, credit, lastAdmitMs, measuredRate
KEYS[3] waiting    zset: user id scored by queue order
KEYS[4] admitted   zset: user id scored by admission deadline (ms)
KEYS[5] seen       zset: waiting user id scored by last poll (ms)
KEYS[6] joined     hash: waiting user id -> join time (ms)
KEYS[7] expired    zset: user id scored by when its place or admission lapsed (ms)
ARGV[1] now (ms since epoch)
ARGV[2] most buyers to admit or expire in one step
Returns {'ok', admittedCount, lapsedCount, abandonedCount, waitMs...}: the queue wait of each admitted buyer
        {'skipped'} when the event has no waiting room (not high demand, or unknown)
Errors  none
]]
--@include queueReply
local K = {state = KEYS[1], queueState = KEYS[2], waiting = KEYS[3], admitted = KEYS[4], seen = KEYS[5],
  joined = KEYS[6], expired = KEYS[7]}
local nowMs, maxStep = tonumber(ARGV[1]), tonumber(ARGV[2])

local meta = redis.call('HMGET', K.state, 'status', 'onSaleMs', 'highDemand')
if meta[3] ~= '1' then return {'skipped'} end
local settings = queueSettings(K)

-- Admissions past their deadline free their capacity.
local lapsed = redis.call('ZRANGEBYSCORE', K.admitted, '-inf', nowMs, 'LIMIT', 0, maxStep)
for _, userId in ipairs(lapsed) do
  redis.call('ZREM', K.admitted, userId)
  redis.call('ZADD', K.expired, nowMs, userId)
end
-- Waiting buyers who stopped polling lose their place.
local gone = redis.call('ZRANGEBYSCORE', K.seen, '-inf', nowMs - settings.abandonMs, 'LIMIT', 0, maxStep)
for _, userId in ipairs(gone) do
  redis.call('ZREM', K.seen, userId)
  redis.call('HDEL', K.joined, userId)
  if redis.call('ZREM', K.waiting, userId) == 1 then redis.call('ZADD', K.expired, nowMs, userId) end
end

local onSaleMs = tonumber(meta[2])
if meta[1] ~= 'open' or nowMs < onSaleMs then return {'ok', 0, #lapsed, #gone} end

local state = redis.call('HMGET', K.queueState, 'credit', 'lastAdmitMs')
local lastMs = math.max(tonumber(state[2]) or onSaleMs, onSaleMs)
local elapsedMs = math.max(0, nowMs - lastMs)
local credit = math.min(settings.rate, (tonumber(state[1]) or 0) + elapsedMs * settings.rate / 1000)
local waitingCount = redis.call('ZCARD', K.waiting)
local room = settings.capacity - redis.call('ZCARD', K.admitted)
local count = math.max(0, math.min(math.floor(credit), room, waitingCount, maxStep))

local reply = {'ok', count, #lapsed, #gone}
if count > 0 then
  local popped = redis.call('ZPOPMIN', K.waiting, count)
  local deadline = nowMs + settings.admissionMs
  for i = 1, #popped, 2 do
    local userId = popped[i]
    redis.call('ZADD', K.admitted, deadline, userId)
    redis.call('ZREM', K.seen, userId)
    reply[#reply + 1] = nowMs - (tonumber(redis.call('HGET', K.joined, userId)) or nowMs)
    redis.call('HDEL', K.joined, userId)
  end
end
-- The measured rate (for ETAs) moves only while demand exceeds what was admitted: an empty
-- queue says nothing about how fast a queue drains. Time constant 10 s.
local measured = settings.measuredRate
if elapsedMs > 0 and waitingCount > count then
  local weight = 1 - math.exp(-elapsedMs / 10000)
  measured = measured + weight * (count * 1000 / elapsedMs - measured)
end
redis.call('HSET', K.queueState, 'credit', tostring(credit - count), 'lastAdmitMs', nowMs, 'measuredRate', tostring(measured))
redis.call('HINCRBY', K.queueState, 'admittedTotal', count)
return reply
