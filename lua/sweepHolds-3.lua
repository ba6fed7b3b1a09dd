--[[
sweepHolds: free holds whose deadline has passed, oldest first, at most one batch per call.
Idempotent: any process may run it at any time.
KEYS[1] state      hash: n, status, version, sold, onSaleMs, highDemand, s:<idx>, u:<user>
KEYS[2] seats      string: one byte per seat, '0' available, '1' held, '2' sold
KEYS[3] deadlines  zset: seat index scored by hold deadline (ms since epoch)
ARGV[1] changes channel (pub/sub)
ARGV[2] now (ms since epoch)
ARGV[3] batch size (seats)
Returns {freedCount, moreExpired (0 or 1)}
Errors  none: an unknown event frees nothing
]]
--@include holdRecords
--@include seatBytes
--@include freeHolds
--@include commitChange
local K = {state = KEYS[1], seats = KEYS[2], deadlines = KEYS[3]}
local batch = tonumber(ARGV[3])
local expired = redis.call('ZRANGEBYSCORE', K.deadlines, '-inf', ARGV[2], 'LIMIT', 0, batch + 1)
local more = #expired > batch
if more then table.remove(expired) end
if #expired == 0 then return {0, 0} end
-- A deadline without a hold record (never expected) is dropped so the sweep cannot stall.
redis.call('ZREM', K.deadlines, unpack(expired))
local freed = freeHolds(K, expired)
if #freed > 0 then
  commitChange(K, ARGV[1], tonumber(redis.call('HGET', K.state, 'version')), 'expire', {a = freed}, {})
end
return {#freed, more and 1 or 0}
