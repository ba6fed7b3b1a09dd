--[[
confirmSale: the seats a user paid for become sold and the sale is appended to the event's
sales stream (the outbox the persister drains), in one atomic step. The idempotency key
makes a retry return the first sale instead of selling again.
KEYS[1] meta       hash: n, status, version, available, held, sold
KEYS[2] seats      string: one byte per seat, '0' available, '1' held, '2' sold
KEYS[3] holders    hash: seat index -> user id
KEYS[4] userHolds  hash: user id -> comma-separated seat indices
KEYS[5] deadlines  zset: seat index scored by hold deadline (ms since epoch)
KEYS[6] prices     hash: seat index -> price (cents)
KEYS[7] sales      stream: one entry per sale or refund, never trimmed before it is persisted
KEYS[8] idempotency hash: "<user id>:<idempotency key>" -> "<order id> <stream id>"
KEYS[9] orders     hash: order id -> "<status> <user id> <comma-separated seat indices>"
ARGV[1] changes channel (pub/sub)
ARGV[2] sales channel (pub/sub; wakes the persister with the stream key)
ARGV[3] user id
ARGV[4] order id (new, unique)
ARGV[5] idempotency key
ARGV[6] now (ms since epoch)
ARGV[7] payment reference
ARGV[8..] seat indices that were paid for: must be exactly the user's active hold
Returns {'ok', streamId, version, idx, priceCents, ...}
        {'replay', orderId, streamId}: this key already bought; nothing changed
Errors  {'event_not_found'} {'event_closed'} {'no_active_hold'} {'hold_changed'}
]]
--@include activeUserHolds
--@include freeHeldSeat
--@include bumpVersion
local K = {meta = KEYS[1], seats = KEYS[2], holders = KEYS[3], userHolds = KEYS[4],
  deadlines = KEYS[5], prices = KEYS[6], sales = KEYS[7], idempotency = KEYS[8], orders = KEYS[9]}
local userId, orderId, idemKey, nowMs = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])

local previous = redis.call('HGET', K.idempotency, userId .. ':' .. idemKey)
if previous then
  local prevOrder, prevStream = string.match(previous, '^(%S+) (%S+)$')
  return {'replay', prevOrder, prevStream}
end
local meta = redis.call('HMGET', K.meta, 'n', 'status')
if not meta[1] then return {'event_not_found'} end
if meta[2] ~= 'open' then return {'event_closed'} end

local mine, _, expired = activeUserHolds(K, userId, nowMs)
if #mine == 0 then return {'no_active_hold'} end
local paid = {}
for i = 8, #ARGV do paid[ARGV[i]] = true end
if #mine ~= #ARGV - 7 then return {'hold_changed'} end
for _, idx in ipairs(mine) do
  if not paid[idx] then return {'hold_changed'} end
end

for _, idx in ipairs(expired) do freeHeldSeat(K, idx) end
for _, idx in ipairs(mine) do
  redis.call('SETRANGE', K.seats, tonumber(idx), '2')
  redis.call('HDEL', K.holders, idx)
  redis.call('ZREM', K.deadlines, idx)
end
redis.call('HDEL', K.userHolds, userId)
redis.call('HINCRBY', K.meta, 'held', -#mine)
redis.call('HINCRBY', K.meta, 'sold', #mine)

local prices = redis.call('HMGET', K.prices, unpack(mine))
local seatList = table.concat(mine, ',')
local streamId = redis.call('XADD', K.sales, '*', 'type', 'sale', 'order', orderId, 'user', userId,
  'seats', seatList, 'prices', table.concat(prices, ','), 'idem', idemKey, 'payment', ARGV[7], 'at', ARGV[6])
redis.call('HSET', K.idempotency, userId .. ':' .. idemKey, orderId .. ' ' .. streamId)
redis.call('HSET', K.orders, orderId, 'completed ' .. userId .. ' ' .. seatList)
redis.call('PUBLISH', ARGV[2], K.sales)
local version = bumpVersion(K, ARGV[1], 'sell', mine)

local reply = {'ok', streamId, version}
for i, idx in ipairs(mine) do
  reply[#reply + 1] = tonumber(idx)
  reply[#reply + 1] = tonumber(prices[i])
end
return reply
