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
--@include queueLeave
local Q = {waiting = KEYS[1], admitted = KEYS[2], seen = KEYS[3], joined = KEYS[4], expired = KEYS[5]}
return {'ok', leaveWaitingRoom(Q, ARGV[1]) and 1 or 0}
