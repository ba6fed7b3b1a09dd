-- bumpVersion(K, channel, kind, seats): every state change bumps the inventory version and
-- publishes "<version> <kind> <comma-separated seat indices>" so caches and live maps follow.
local function bumpVersion(K, channel, kind, seats)
  local version = redis.call('HINCRBY', K.meta, 'version', 1)
  redis.call('PUBLISH', channel, version .. ' ' .. kind .. ' ' .. table.concat(seats, ','))
  return version
end
