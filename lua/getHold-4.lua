--[[
getHold: the seats a user holds in an event right now, with deadlines and prices. Read-only.
KEYS[1] meta       hash: n, status, version, available, held, sold
KEYS[2] userHolds  hash: user id -> comma-separated seat indices
KEYS[3] deadlines  zset: seat index scored by hold deadline (ms since epoch)
KEYS[4] prices     hash: seat index -> price (cents)
ARGV[1] user id
ARGV[2] now (ms since epoch)
Returns {'ok', idx, deadlineMs, priceCents, ...} (no triples when nothing is held)
Errors  {'event_not_found'}
]]
--@include activeUserHolds
local K = {meta = KEYS[1], userHolds = KEYS[2], deadlines = KEYS[3], prices = KEYS[4]}
if redis.call('EXISTS', K.meta) == 0 then return {'event_not_found'} end
local mine, deadlines = activeUserHolds(K, ARGV[1], tonumber(ARGV[2]))
local reply = {'ok'}
if #mine == 0 then return reply end
local prices = redis.call('HMGET', K.prices, unpack(mine))
for i, idx in ipairs(mine) do
  reply[#reply + 1] = tonumber(idx)
  reply[#reply + 1] = deadlines[i]
  reply[#reply + 1] = tonumber(prices[i])
end
return reply
