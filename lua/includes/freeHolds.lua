--@include holdRecords
--@include seatBytes
-- freeHolds(K, seats): the held seats among `seats` (index strings) become available and
-- their holders' lists forget them (a list left empty goes, with its extension mark).
-- Seats not held are ignored, so freeing twice is harmless. Returns the freed indices.
-- Counts need no update: held is ZCARD(deadlines) and available is n - held - sold.
local function freeHolds(K, seats)
  if #seats == 0 then return {} end
  local fields = {}
  for i, idx in ipairs(seats) do fields[i] = seatField(idx) end
  local values = redis.call('HMGET', K.state, unpack(fields))
  local freed, dropped, users, byUser = {}, {}, {}, {}
  for i, idx in ipairs(seats) do
    local userId = holderOf(values[i])
    if userId then
      freed[#freed + 1] = idx
      dropped[#dropped + 1] = fields[i]
      if not byUser[userId] then byUser[userId] = {}; users[#users + 1] = userId end
      byUser[userId][idx] = true
    end
  end
  if #freed == 0 then return freed end

  local userFields = {}
  for i, userId in ipairs(users) do userFields[i] = userField(userId) end
  local lists = redis.call('HMGET', K.state, unpack(userFields))
  local rewritten = {}
  for i, userId in ipairs(users) do
    local kept = {}
    for _, hold in ipairs(holdList(lists[i])) do
      if not byUser[userId][hold.idx] then kept[#kept + 1] = hold end
    end
    if #kept == 0 then
      dropped[#dropped + 1] = userFields[i]
      dropped[#dropped + 1] = extendedField(userId)
    else
      rewritten[#rewritten + 1] = userFields[i]
      rewritten[#rewritten + 1] = formatHoldList(kept)
    end
  end
  redis.call('HDEL', K.state, unpack(dropped))
  if #rewritten > 0 then redis.call('HSET', K.state, unpack(rewritten)) end
  redis.call('ZREM', K.deadlines, unpack(freed))
  writeSeats(K, freed, SEAT_AVAILABLE)
  return freed
end
