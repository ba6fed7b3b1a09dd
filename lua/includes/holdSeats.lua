--@include holdRecords
--@include seatBytes
-- holdSeats(K, userId, mine, take, deadline): the seats in `take` (available index strings)
-- become held by the user until `deadline`; `mine` (the user's active holds) gains them.
-- Returns the state-hash field/value list to commit (hold records and the user's list).
local function holdSeats(K, userId, mine, take, deadline)
  local holderValue = string.format('%d', deadline) .. ' ' .. userId
  local writes, zargs = {}, {}
  for _, idx in ipairs(take) do
    writes[#writes + 1] = seatField(idx)
    writes[#writes + 1] = holderValue
    zargs[#zargs + 1] = deadline
    zargs[#zargs + 1] = idx
    mine[#mine + 1] = {idx = idx, deadline = deadline}
  end
  writes[#writes + 1] = userField(userId)
  writes[#writes + 1] = formatHoldList(mine)
  if #take > 0 then
    writeSeats(K, take, SEAT_HELD)
    redis.call('ZADD', K.deadlines, unpack(zargs))
  end
  return writes
end

-- holdReply(version, mine) -> {'ok', version, idx, deadlineMs, ...}
local function holdReply(version, mine)
  local reply = {'ok', version}
  for _, hold in ipairs(mine) do reply[#reply + 1] = tonumber(hold.idx); reply[#reply + 1] = hold.deadline end
  return reply
end
