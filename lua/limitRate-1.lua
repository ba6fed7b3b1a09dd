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
--@include rateLimit
local allowed, value, resetMs = gcra(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))
return {allowed and 1 or 0, value, resetMs}
