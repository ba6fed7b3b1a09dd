--[[
releaseSeats: give back seats the user holds; seats held by others, not held, or whose hold
has lapsed (no longer held: lazy expiry and the sweeper free them) are ignored.
KEYS[1] state      hash: n, status, version, sold, onSaleMs, highDemand, s:<idx>, u:<user>
KEYS[2] seats      string: one byte per seat, '0' available, '1' held, '2' sold
KEYS[3] deadlines  zset: seat index scored by hold deadline (ms since epoch)
KEYS[4] limiter    string: the caller's rate limiter of the endpoint class (GCRA, includes/rateLimit)
ARGV[1] changes channel (pub/sub)
ARGV[2] user id
ARGV[3] now (ms since epoch)
ARGV[4] max seats per call
ARGV[5] rate limit of the endpoint class (requests per period; 0: no limit)
ARGV[6] rate period (ms)
ARGV[7..] seat indices (0-based, distinct)
Every reply but {'rate_limited'} carries the limiter's remaining and resetMs right after its
status (-1 -1 with no limit): see includes/rateLimit.lua.
Returns {'ok', version, idx, ...}: the seats that were released
Errors  {'event_not_found'} {'no_seats'} {'too_many_seats'} {'invalid_seat', arg}
        {'rate_limited', retryAfterMs, resetMs}: over the limit, nothing changed
        {'duplicate_seats', idx}
]]
--@include holdRecords
--@include seatBytes
--@include freeHolds
--@include commitChange
--@include seatIndexArgs
--@include rateLimit
return rated(KEYS[4], tonumber(ARGV[3]), tonumber(ARGV[5]), tonumber(ARGV[6]), function()
  local K = {state = KEYS[1], seats = KEYS[2], deadlines = KEYS[3]}
  local userId, nowMs = ARGV[2], tonumber(ARGV[3])

  local meta = redis.call('HMGET', K.state, 'n', 'version')
  local n = tonumber(meta[1])
  if not n then return {'event_not_found'} end
  local wanted, err = seatIndexArgs(7, n, tonumber(ARGV[4]))
  if not wanted then return err end

  local fields = {}
  for i, idx in ipairs(wanted) do fields[i] = seatField(idx) end
  local holders = redis.call('HMGET', K.state, unpack(fields))
  local theirs = {}
  for i, idx in ipairs(wanted) do
    local holder, deadline = holderOf(holders[i])
    if holder == userId and deadline > nowMs then theirs[#theirs + 1] = idx end
  end
  local version = tonumber(meta[2])
  if #theirs > 0 then
    freeHolds(K, theirs)
    version = commitChange(K, ARGV[1], version, 'release', {a = theirs}, {})
  end
  local reply = {'ok', version}
  for _, idx in ipairs(theirs) do reply[#reply + 1] = tonumber(idx) end
  return reply
end)
