--[[
loadEvent: create an event's actor from its layout, or rebuild it from the durable record
(sold seats come from the completed orders passed in). Idempotent: loading an event that is
already loaded with the same seat count only updates its sales window, demand flag and prices,
in one step (an actor loaded before sales ends existed gains its salesEndMs this way).
KEYS[1] state   hash: n, status, version, sold, onSaleMs, salesEndMs, highDemand, s:<idx>, u:<user>
KEYS[2] seats   string: one byte per seat, '0' available, '1' held, '2' sold
KEYS[3] prices  hash: seat index -> price (cents)
KEYS[4] orders  hash: order id -> "<status> <user id> <comma-separated seat indices>"
ARGV[1] changes channel (pub/sub)
ARGV[2] seat count n (>= 1)
ARGV[3] on-sale time (ms since epoch)
ARGV[4] high demand ('1' or '0')
ARGV[5] status ('open' or 'closed')
ARGV[6] order count m
ARGV[7] sales end (ms since epoch): no holds or sales from then on
ARGV[8] version floor: a new actor's first version is this + 1, above any version an earlier
        actor of the event gave out (src/engine/versions.ts), so ETags and Last-Event-IDs
        from before a rebuild never name a state of the new actor
ARGV[9..8+m] completed orders, each "<order id> <user id> <comma-separated seat indices>"
ARGV[9+m..8+m+n] price of each seat in index order (cents)
Returns {'loaded', version} or {'already_loaded', version}
Errors  {'layout_mismatch', loadedSeatCount} {'bad_layout', reason}
]]
--@include commitChange
local K = {state = KEYS[1], seats = KEYS[2], prices = KEYS[3], orders = KEYS[4]}
local n, m = tonumber(ARGV[2]), tonumber(ARGV[6])

local function writePrices()
  local chunk = {}
  for i = 1, n do
    chunk[#chunk + 1] = i - 1
    chunk[#chunk + 1] = ARGV[8 + m + i]
    if #chunk >= 2000 or i == n then
      redis.call('HSET', K.prices, unpack(chunk))
      chunk = {}
    end
  end
end

if not tonumber(ARGV[7]) then return {'bad_layout', 'sales end'} end
local versionFloor = tonumber(ARGV[8])
if not versionFloor or versionFloor < 0 or versionFloor % 1 ~= 0 then return {'bad_layout', 'version floor'} end
local loaded = redis.call('HMGET', K.state, 'n', 'version')
if loaded[1] then
  if tonumber(loaded[1]) ~= n then return {'layout_mismatch', loaded[1]} end
  if #ARGV ~= 8 + m + n then return {'bad_layout', 'price count'} end
  writePrices()
  return {'already_loaded', commitChange(K, ARGV[1], tonumber(loaded[2]), 'configure', {},
    {'onSaleMs', ARGV[3], 'salesEndMs', ARGV[7], 'highDemand', ARGV[4]})}
end
if not n or n < 1 or n % 1 ~= 0 then return {'bad_layout', 'seat count'} end
if #ARGV ~= 8 + m + n then return {'bad_layout', 'price count'} end

local seats = {}
for i = 1, n do seats[i] = '0' end
local sold, orders = 0, {}
for i = 9, 8 + m do
  local orderId, userId, seatList = string.match(ARGV[i], '^(%S+) (%S+) (%S+)$')
  if not orderId then return {'bad_layout', 'order ' .. ARGV[i]} end
  for idx in string.gmatch(seatList, '[^,]+') do
    local pos = (tonumber(idx) or -1) + 1
    if pos < 1 or pos > n or seats[pos] == '2' then return {'bad_layout', 'seat ' .. idx} end
    seats[pos] = '2'
    sold = sold + 1
  end
  orders[#orders + 1] = orderId
  orders[#orders + 1] = 'completed ' .. userId .. ' ' .. seatList
end
for first = 1, #orders, 2000 do
  redis.call('HSET', K.orders, unpack(orders, first, math.min(first + 1999, #orders)))
end
writePrices()
redis.call('SET', K.seats, table.concat(seats))
return {'loaded', commitChange(K, ARGV[1], versionFloor, 'load', {}, {'n', n, 'status', ARGV[5], 'sold', sold,
  'onSaleMs', ARGV[3], 'salesEndMs', ARGV[7], 'highDemand', ARGV[4]})}
