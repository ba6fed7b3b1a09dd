-- activeUserHolds(K, userId, nowMs): read-only. Returns the seat indices (strings) the user
-- still holds with their deadlines, and the user's expired seat indices (for the caller to
-- free when it writes: an error reply must change nothing).
local function activeUserHolds(K, userId, nowMs)
  local seats, deadlines, expired = {}, {}, {}
  local list = redis.call('HGET', K.userHolds, userId)
  if not list then return seats, deadlines, expired end
  for idx in string.gmatch(list, '[^,]+') do
    local deadline = tonumber(redis.call('ZSCORE', K.deadlines, idx))
    if deadline and deadline > nowMs then
      seats[#seats + 1] = idx
      deadlines[#deadlines + 1] = deadline
    else
      expired[#expired + 1] = idx
    end
  end
  return seats, deadlines, expired
end
