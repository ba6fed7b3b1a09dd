-- commitChange(K, channel, version, kind, seats, fields): writes `fields` (a flat
-- field/value list, may be empty) and version + 1 to the state hash in one HSET, then
-- publishes "<version> <kind> <comma-separated seat indices>" so caches and live seat maps
-- follow. Returns the new version.
local function commitChange(K, channel, version, kind, seats, fields)
  local nextVersion = version + 1
  fields[#fields + 1] = 'version'
  fields[#fields + 1] = nextVersion
  redis.call('HSET', K.state, unpack(fields))
  redis.call('PUBLISH', channel, nextVersion .. ' ' .. kind .. ' ' .. table.concat(seats, ','))
  return nextVersion
end
