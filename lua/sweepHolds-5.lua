--[[
sweepHolds: free holds whose deadline has passed, oldest first, at most one batch per call.
Idempotent: any process may run it at any time.
KEYS[1] meta       hash: n, status, version, available, held, sold
KEYS[2] seats      string: one byte per seat, '0' available, '1' held, '2' sold
KEYS[3] holders    hash: seat index -> user id
KEYS[4] userHolds  hash: user id -> comma-separated seat indices
KEYS[5] deadlines  zset: seat index scored by hold deadline (ms since epoch)
ARGV[1] changes channel (pub/sub)
ARGV[2] now (ms since epoch)
ARGV[3] batch size (seats)
Returns {freedCount, moreExpired (0 or 1)}
Errors  none: an unknown event frees nothing
]]
--@include freeHeldSeat
--@include bumpVersion
local K = {meta = KEYS[1], seats = KEYS[2], holders = KEYS[3], userHolds = KEYS[4], deadlines = KEYS[5]}
local batch = tonumber(ARGV[3])
local expired = redis.call('ZRANGEBYSCORE', K.deadlines, '-inf', ARGV[2], 'LIMIT', 0, batch + 1)
local count = math.min(#expired, batch)
local freed = {}
for i = 1, count do
  freeHeldSeat(K, expired[i])
  freed[#freed + 1] = expired[i]
end
if count > 0 then bumpVersion(K, ARGV[1], 'expire', freed) end
return {count, #expired > batch and 1 or 0}
