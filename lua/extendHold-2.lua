--[[
extendHold: more time for the user's active hold, once per hold: every seat the user holds
now expires `extension` ms after its current deadline. Seats whose hold has lapsed are left
to expiry. The mark that the hold was extended goes when the hold ends (bought, released or
lapsed), so the next hold may be extended again. Seat states do not change: no version bump.
KEYS[1] state      hash: n, status, version, sold, onSaleMs, salesEndMs, highDemand, s:<idx>, u:<user>, x:<user>
KEYS[2] deadlines  zset: seat index scored by hold deadline (ms since epoch)
ARGV[1] user id
ARGV[2] now (ms since epoch)
ARGV[3] extension (ms, > 0)
Returns {'ok', version, idx, deadlineMs, ...}: every seat the user holds, with its new deadline
Errors  {'event_not_found'} {'event_closed'} {'sales_ended'} {'not_on_sale'} {'actor_outdated'}
        {'no_active_hold'} {'hold_extension_used'}
]]
--@include holdRecords
--@include holdSeats
--@include salesWindow
local K = {state = KEYS[1], deadlines = KEYS[2]}
local userId, nowMs, extensionMs = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])

local values = redis.call('HMGET', K.state, 'n', 'status', 'version', userField(userId), extendedField(userId), 'onSaleMs')
if not values[1] then return {'event_not_found'} end
-- no more time for a hold that can no longer be bought
local closed = salesWindowRefusal(K, values[2], values[6], nowMs)
if closed then return closed end
local list = holdList(values[4])
local mine = splitByDeadline(list, nowMs)
if #mine == 0 then return {'no_active_hold'} end
if values[5] then return {'hold_extension_used'} end

local writes, zargs = {}, {}
for _, hold in ipairs(list) do
  if hold.deadline > nowMs then
    hold.deadline = hold.deadline + extensionMs
    writes[#writes + 1] = seatField(hold.idx)
    writes[#writes + 1] = string.format('%d', hold.deadline) .. ' ' .. userId
    zargs[#zargs + 1] = hold.deadline
    zargs[#zargs + 1] = hold.idx
  end
end
writes[#writes + 1] = userField(userId)
writes[#writes + 1] = formatHoldList(list)
writes[#writes + 1] = extendedField(userId)
writes[#writes + 1] = '1'
redis.call('HSET', K.state, unpack(writes))
redis.call('ZADD', K.deadlines, unpack(zargs))
return holdReply(tonumber(values[3]), mine)
