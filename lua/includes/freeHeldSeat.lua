-- freeHeldSeat(K, idx): a held seat becomes available again and its holder forgets it.
-- A seat that is not held is left alone, so freeing twice is harmless.
--@include removeUserHold
local function freeHeldSeat(K, idx)
  if redis.call('GETRANGE', K.seats, idx, idx) ~= '1' then return false end
  local holder = redis.call('HGET', K.holders, idx)
  if holder then removeUserHold(K, holder, idx) end
  redis.call('HDEL', K.holders, idx)
  redis.call('ZREM', K.deadlines, idx)
  redis.call('SETRANGE', K.seats, tonumber(idx), '0')
  redis.call('HINCRBY', K.meta, 'held', -1)
  redis.call('HINCRBY', K.meta, 'available', 1)
  return true
end
