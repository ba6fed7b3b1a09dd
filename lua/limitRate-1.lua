--[[
limitRate: a GCRA rate limiter (the generic cell rate algorithm: a token bucket kept as one
timestamp). `limit` requests per `periodMs`, all of them allowed at once after a quiet
period. The key expires when the bucket is full again.
KEYS[1] limiter  string: the theoretical arrival time (ms) of the next request
ARGV[1] now (ms since epoch)
ARGV[2] limit (requests per period)
ARGV[3] period (ms)
Returns {1, remaining, resetMs} when allowed; {0, retryAfterMs, resetMs} when limited
        (resetMs: until the bucket is full again)
Errors  none
]]
local nowMs, limit, periodMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local interval = periodMs / limit
local tat = math.max(tonumber(redis.call('GET', KEYS[1])) or nowMs, nowMs)
local nextTat = tat + interval
local allowAt = nextTat - periodMs
if allowAt > nowMs then
  return {0, math.ceil(allowAt - nowMs), math.ceil(tat - nowMs)}
end
redis.call('SET', KEYS[1], tostring(nextTat), 'PX', math.ceil(nextTat - nowMs))
return {1, math.floor((nowMs + periodMs - nextTat) / interval), math.ceil(nextTat - nowMs)}
