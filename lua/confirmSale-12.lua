--[[
confirmSale: the seats a user paid for become sold and the sale is appended to the event's
sales stream (the outbox the persister drains), in one atomic step. The idempotency key
makes a retry return the first sale instead of selling again. In a high-demand event the
buyer then leaves the waiting room (its admission goes to the next in line), in the same step.
KEYS[1] state       hash: n, status, version, sold, onSaleMs, salesEndMs, highDemand, s:<idx>, u:<user>
KEYS[2] seats       string: one byte per seat, '0' available, '1' held, '2' sold
KEYS[3] deadlines   zset: seat index scored by hold deadline (ms since epoch)
KEYS[4] prices      hash: seat index -> price (cents)
KEYS[5] sales       stream: one entry per sale or refund, never trimmed before it is persisted
KEYS[6] idempotency hash: "<user id>:<idempotency key>" -> "<order id> <stream id>"
KEYS[7] orders      hash: order id -> "<status> <user id> <comma-separated seat indices>"
KEYS[8] waiting     zset: user id scored by queue order
KEYS[9] admitted    zset: user id scored by admission deadline (ms)
KEYS[10] seen       zset: waiting user id scored by last poll (ms)
KEYS[11] joined     hash: waiting user id -> join time (ms)
KEYS[12] expired    zset: user id scored by when its place or admission lapsed (ms)
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
Errors  {'event_not_found'} {'event_closed'} {'sales_ended'} {'not_on_sale'} {'actor_outdated'}
        {'no_active_hold'} {'hold_changed'}
]]
--@include holdRecords
--@include seatBytes
--@include freeHolds
--@include commitChange
--@include salesWindow
--@include queueLeave
local K = {state = KEYS[1], seats = KEYS[2], deadlines = KEYS[3], prices = KEYS[4],
  sales = KEYS[5], idempotency = KEYS[6], orders = KEYS[7]}
local Q = {waiting = KEYS[8], admitted = KEYS[9], seen = KEYS[10], joined = KEYS[11], expired = KEYS[12]}
local userId, orderId, idemKey, nowMs = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])

local previous = redis.call('HGET', K.idempotency, userId .. ':' .. idemKey)
if previous then
  local prevOrder, prevStream = string.match(previous, '^(%S+) (%S+)$')
  return {'replay', prevOrder, prevStream}
end
local values = redis.call('HMGET', K.state, 'n', 'status', 'version', 'sold', 'onSaleMs', userField(userId), 'highDemand')
if not values[1] then return {'event_not_found'} end
local closed = salesWindowRefusal(K, values[2], values[5], nowMs)
if closed then return closed end

local mine, expired = splitByDeadline(holdList(values[6]), nowMs)
if #mine == 0 then return {'no_active_hold'} end
local paid = {}
for i = 8, #ARGV do paid[ARGV[i]] = true end
if #mine ~= #ARGV - 7 then return {'hold_changed'} end
local seats, dropped = {}, {userField(userId), extendedField(userId)}
for i, hold in ipairs(mine) do
  if not paid[hold.idx] then return {'hold_changed'} end
  seats[i] = hold.idx
  dropped[#dropped + 1] = seatField(hold.idx)
end

local lapsed = {}
for i, hold in ipairs(expired) do lapsed[i] = hold.idx end
local freed = freeHolds(K, lapsed)
writeSeats(K, seats, SEAT_SOLD)
redis.call('HDEL', K.state, unpack(dropped))
redis.call('ZREM', K.deadlines, unpack(seats))

local prices = redis.call('HMGET', K.prices, unpack(seats))
local seatList = table.concat(seats, ',')
local streamId = redis.call('XADD', K.sales, '*', 'type', 'sale', 'order', orderId, 'user', userId,
  'seats', seatList, 'prices', table.concat(prices, ','), 'idem', idemKey, 'payment', ARGV[7], 'at', ARGV[6])
redis.call('HSET', K.idempotency, userId .. ':' .. idemKey, orderId .. ' ' .. streamId)
redis.call('HSET', K.orders, orderId, 'completed ' .. userId .. ' ' .. seatList)
redis.call('PUBLISH', ARGV[2], K.sales)
local version = commitChange(K, ARGV[1], tonumber(values[3]), 'sell', {a = freed, s = seats}, {'sold', tonumber(values[4]) + #seats})
if values[7] == '1' then leaveWaitingRoom(Q, userId) end

local reply = {'ok', streamId, version}
for i, idx in ipairs(seats) do
  reply[#reply + 1] = tonumber(idx)
  reply[#reply + 1] = tonumber(prices[i])
end
return reply
