--[[
getHold: the seats a user holds in an event right now, with deadlines and prices. Read-only.
KEYS[1] state   hash: n, status, version, sold, onSaleMs, highDemand, s:<idx>, u:<user>
KEYS[2] prices  hash: seat index -> price (cents)
ARGV[1] user id
ARGV[2] now (ms since epoch)
Returns {'ok', idx, deadlineMs, priceCents, ...} (no triples when nothing is held)
Errors  {'event_not_found'}
]]
--@include holdRecords
local values = redis.call('HMGET', KEYS[1], 'n', userField(ARGV[1]))
if not values[1] then return {'event_not_found'} end
local mine = splitByDeadline(holdList(values[2]), tonumber(ARGV[2]))
local reply = {'ok'}
if #mine == 0 then return reply end
local seats = {}
for i, hold in ipairs(mine) do seats[i] = hold.idx end
local prices = redis.call('HMGET', KEYS[2], unpack(seats))
for i, hold in ipairs(mine) do
  reply[#reply + 1] = tonumber(hold.idx)
  reply[#reply + 1] = hold.deadline
  reply[#reply + 1] = tonumber(prices[i])
end
return reply
