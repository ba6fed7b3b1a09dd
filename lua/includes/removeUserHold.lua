-- removeUserHold(K, userId, idx): drop one seat index from a user's comma-separated hold list.
local function removeUserHold(K, userId, idx)
  local list = redis.call('HGET', K.userHolds, userId)
  if not list then return end
  local kept = {}
  for s in string.gmatch(list, '[^,]+') do
    if s ~= idx then kept[#kept + 1] = s end
  end
  if #kept == 0 then
    redis.call('HDEL', K.userHolds, userId)
  else
    redis.call('HSET', K.userHolds, userId, table.concat(kept, ','))
  end
end
