-- Hold records live in the event's state hash next to its meta fields:
--   s:<idx>  -> "<deadlineMs> <userId>"            who holds a seat, until when
--   u:<user> -> "<idx>:<deadlineMs>,..."            the seats a user holds (an index)
--   x:<user> -> "1"                                  the user's hold was extended (once per
--                                                    hold: dropped with u:<user>)
local function seatField(idx) return 's:' .. idx end
local function userField(userId) return 'u:' .. userId end
local function extendedField(userId) return 'x:' .. userId end

-- holderOf("<deadlineMs> <userId>") -> userId, deadlineMs
local function holderOf(value)
  if not value then return nil, nil end
  local deadline, userId = string.match(value, '^(%d+) (.+)$')
  return userId, tonumber(deadline)
end

-- holdList("<idx>:<deadlineMs>,...") -> array of {idx = string, deadline = number}
local function holdList(value)
  local list = {}
  if not value then return list end
  for idx, deadline in string.gmatch(value, '(%d+):(%d+)') do
    list[#list + 1] = {idx = idx, deadline = tonumber(deadline)}
  end
  return list
end

local function formatHoldList(list)
  local parts = {}
  for i, hold in ipairs(list) do parts[i] = hold.idx .. ':' .. string.format('%d', hold.deadline) end
  return table.concat(parts, ',')
end

-- splitByDeadline(list, nowMs) -> active holds, expired holds
local function splitByDeadline(list, nowMs)
  local active, expired = {}, {}
  for _, hold in ipairs(list) do
    if hold.deadline > nowMs then active[#active + 1] = hold else expired[#expired + 1] = hold end
  end
  return active, expired
end
