-- gcra(key, nowMs, limit, periodMs): one request against a GCRA rate limiter (the generic
-- cell rate algorithm: a token bucket kept as one timestamp, the theoretical arrival time of
-- the next request). `limit` requests per `periodMs`, all of them allowed at once after a
-- quiet period; the key expires when the bucket is full again. Returns true, remaining,
-- resetMs when allowed (and counted); false, retryAfterMs, resetMs when not (nothing
-- written). resetMs: until the bucket is full again.
local function gcra(key, nowMs, limit, periodMs)
  local interval = periodMs / limit
  local tat = math.max(tonumber(redis.call('GET', key)) or nowMs, nowMs)
  local nextTat = tat + interval
  local allowAt = nextTat - periodMs
  if allowAt > nowMs then return false, math.ceil(allowAt - nowMs), math.ceil(tat - nowMs) end
  redis.call('SET', key, tostring(nextTat), 'PX', math.ceil(nextTat - nowMs))
  return true, math.floor((nowMs + periodMs - nextTat) / interval), math.ceil(nextTat - nowMs)
end

-- rated(key, nowMs, limit, periodMs, body): a script's body behind the caller's limiter, in
-- the same call (one round trip for the limit and the operation). Over the limit: the reply
-- {'rate_limited', retryAfterMs, resetMs} and the body does not run (nothing changes).
-- Otherwise the body's reply with the limiter's remaining and resetMs inserted after its
-- status, -1 and -1 when `limit` is 0 (rate limits off).
local function rated(key, nowMs, limit, periodMs, body)
  local remaining, resetMs = -1, -1
  if limit > 0 then
    local allowed, value, reset = gcra(key, nowMs, limit, periodMs)
    if not allowed then return {'rate_limited', value, reset} end
    remaining, resetMs = value, reset
  end
  local reply = body()
  table.insert(reply, 2, remaining)
  table.insert(reply, 3, resetMs)
  return reply
end
