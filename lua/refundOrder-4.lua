--[[
refundOrder: the seats of a completed order go back on sale and the refund is appended to
the sales stream. Used for refunds and for the cancellation of an event.
KEYS[1] meta    hash: n, status, version, available, held, sold
KEYS[2] seats   string: one byte per seat, '0' available, '1' held, '2' sold
KEYS[3] orders  hash: order id -> "<status> <user id> <comma-separated seat indices>"
KEYS[4] sales   stream: one entry per sale or refund
ARGV[1] changes channel (pub/sub)
ARGV[2] sales channel (pub/sub; wakes the persister with the stream key)
ARGV[3] order id
ARGV[4] now (ms since epoch)
ARGV[5] reason ('requested' or 'event_cancelled')
Returns {'ok', streamId, version, idx, ...}: the seats now available again
Errors  {'event_not_found'} {'order_not_found'} {'order_not_refundable', status}
]]
--@include bumpVersion
local K = {meta = KEYS[1], seats = KEYS[2], orders = KEYS[3], sales = KEYS[4]}
local orderId = ARGV[3]

if redis.call('EXISTS', K.meta) == 0 then return {'event_not_found'} end
local order = redis.call('HGET', K.orders, orderId)
if not order then return {'order_not_found'} end
local status, userId, seatList = string.match(order, '^(%S+) (%S+) (%S+)$')
if status ~= 'completed' then return {'order_not_refundable', status} end

local seats = {}
for idx in string.gmatch(seatList, '[^,]+') do
  redis.call('SETRANGE', K.seats, tonumber(idx), '0')
  seats[#seats + 1] = idx
end
redis.call('HINCRBY', K.meta, 'sold', -#seats)
redis.call('HINCRBY', K.meta, 'available', #seats)
redis.call('HSET', K.orders, orderId, 'refunded ' .. userId .. ' ' .. seatList)
local streamId = redis.call('XADD', K.sales, '*', 'type', 'refund', 'order', orderId,
  'user', userId, 'seats', seatList, 'reason', ARGV[5], 'at', ARGV[4])
redis.call('PUBLISH', ARGV[2], K.sales)
local version = bumpVersion(K, ARGV[1], 'refund', seats)

local reply = {'ok', streamId, version}
for _, idx in ipairs(seats) do reply[#reply + 1] = tonumber(idx) end
return reply
