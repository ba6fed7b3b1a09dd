-- leaveWaitingRoom(Q, userId): the buyer gives up its place or admission in the event's
-- waiting room (Q: waiting, admitted, seen, joined, expired), which frees capacity for the
-- next buyer. Returns true when it was waiting or admitted.
local function leaveWaitingRoom(Q, userId)
  local removed = redis.call('ZREM', Q.waiting, userId) + redis.call('ZREM', Q.admitted, userId)
  redis.call('ZREM', Q.seen, userId)
  redis.call('HDEL', Q.joined, userId)
  redis.call('ZREM', Q.expired, userId)
  return removed > 0
end
