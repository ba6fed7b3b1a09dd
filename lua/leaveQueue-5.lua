--[[
leaveQueue: a buyer leaves the waiting room (or is done buying): its place or admission is
given up, which frees capacity for the next buyer.
KEYS[1] waiting    zset: user id scored by queue order
KEYS[2] admitted   zset: user id scored by admission deadline (ms)
KEYS[3] seen       zset: waiting user id scored by last poll (ms)
KEYS[4] joined     hash: waiting user id -> join time (ms)
KEYS[5] expired    zset: user id scored by when its place or admission lapsed (ms)
ARGV[1] user id
Returns {'ok', wasQueued (1 or 0)}
Errors  none
]]
local userId = ARGV[1]
local removed = redis.call('ZREM', KEYS[1], userId) + redis.call('ZREM', KEYS[2], userId)
redis.call('ZREM', KEYS[3], userId)
redis.call('HDEL', KEYS[4], userId)
redis.call('ZREM', KEYS[5], userId)
return {'ok', removed > 0 and 1 or 0}
