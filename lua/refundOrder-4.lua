--[[
refundOrder: the seats of a completed order go back on sale and the refund is appended to
the sales stream. Used for refunds and for the cancellation of an event.
KEYS[1] state   hash: n, status, version, sold, onSaleMs, highDemand, s:<idx>, u:<user>
KEYS[2] seats   string: one byte per seat, '0' available, '1' held, '2' sold
KEYS[3] orders  hash: order id -> "<status> <user id> <comma-separated seat indices>"
KEYS[4] sales   stream: one entry per sale or refund
ARGV[1] changes channel (pub/sub)
ARGV[2] sales channel (pub/sub; wakes the persister with the stream key)
ARGV[3] order id
ARGV[4] now (ms since epoch)
ARGV[5] reason ('requested' or 'event_cancelled')
ARGV[6] "<user id> <comma-separated seat indices>" of the order as Postgres records it, or '':
        used only when the orders hash has no record of it (trimmed with its sale's entry once
        persisted); then every one of its seats must be sold, or it is 'order_not_found'
Returns {'ok', streamId, version, idx, ...}: the seats now available again
Errors  {'event_not_found'} {'order_not_found'} {'order_not_refundable', status}
]]
--@include seatBytes
--@include commitChange
local K = {state = KEYS[1], seats = KEYS[2], orders = KEYS[3], sales = KEYS[4]}
local orderId = ARGV[3]

local values = redis.call('HMGET', K.state, 'n', 'version', 'sold')
if not values[1] then return {'event_not_found'} end
local order = redis.call('HGET', K.orders, orderId)
local recorded = not order and ARGV[6] ~= ''
if recorded then order = 'completed ' .. ARGV[6] end
if not order then return {'order_not_found'} end
local status, userId, seatList = string.match(order, '^(%S+) (%S+) (%S+)$')
if status ~= 'completed' then return {'order_not_refundable', status} end

local seats = {}
for idx in string.gmatch(seatList, '[^,]+') do seats[#seats + 1] = idx end
if recorded then
  for _, byte in ipairs(readSeats(K, seats)) do
    if byte ~= SEAT_SOLD then return {'order_not_found'} end
  end
end
writeSeats(K, seats, SEAT_AVAILABLE)
redis.call('HSET', K.orders, orderId, 'refunded ' .. userId .. ' ' .. seatList)
local streamId = redis.call('XADD', K.sales, '*', 'type', 'refund', 'order', orderId,
  'user', userId, 'seats', seatList, 'reason', ARGV[5], 'at', ARGV[4])
redis.call('PUBLISH', ARGV[2], K.sales)
local version = commitChange(K, ARGV[1], tonumber(values[2]), 'refund', {a = seats}, {'sold', tonumber(values[3]) - #seats})

local reply = {'ok', streamId, version}
for _, idx in ipairs(seats) do reply[#reply + 1] = tonumber(idx) end
return reply
