-- commitChange(K, channel, version, kind, changed, fields): writes `fields` (a flat
-- field/value list, may be empty) and version + 1 to the state hash in one HSET, then
-- publishes "<version> <kind>[ a:<idx>,...][ h:<idx>,...][ s:<idx>,...]": each seat whose
-- byte changed, grouped by its new state (a available, h held, s sold). `changed` is a
-- table {a = {...}, h = {...}, s = {...}} whose lists may be missing or empty. With it a
-- live seat map follows the actor version by version without reading it again.
-- Returns the new version.
local function commitChange(K, channel, version, kind, changed, fields)
  local nextVersion = version + 1
  fields[#fields + 1] = 'version'
  fields[#fields + 1] = nextVersion
  redis.call('HSET', K.state, unpack(fields))
  local message = nextVersion .. ' ' .. kind
  for _, state in ipairs({'a', 'h', 's'}) do
    local seats = changed[state]
    if seats and #seats > 0 then message = message .. ' ' .. state .. ':' .. table.concat(seats, ',') end
  end
  redis.call('PUBLISH', channel, message)
  return nextVersion
end

