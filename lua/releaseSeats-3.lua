--[[
releaseSeats: give back seats the user holds; seats held by others, not held, or whose hold
has lapsed (no longer held: lazy expiry and the sweeper free them) are ignored.
KEYS[1] state      hash: n, status, version, sold, onSaleMs, highDemand, s:<idx>, u:<user>
KEYS[2] seats      string: one byte per seat, '0' available, '1' held, '2' sold
KEYS[3] deadlines  zset: seat index scored by hold deadline (ms since epoch)
ARGV[1] changes channel (pub/sub)
ARGV[2] user id
ARGV[3] now (ms since epoch)
ARGV[4] max seats per call
ARGV[5..] seat indices (0-based, distinct)
Returns {'ok', version, idx, ...}: the seats that were released
Errors  {'event_not_found'} {'no_seats'} {'too_many_seats'} {'invalid_seat', arg}
        {'duplicate_seats', idx}
]]
--@include holdRecords
--@include seatBytes
--@include freeHolds
--@include commitChange
--@include seatIndexArgs
local K = {state = KEYS[1], seats = KEYS[2], deadlines = KEYS[3]}
local userId, nowMs = ARGV[2], tonumber(ARGV[3])

local meta = redis.call('HMGET', K.state, 'n', 'version')
local n = tonumber(meta[1])
if not n then return {'event_not_found'} end
local wanted, err = seatIndexArgs(5, n, tonumber(ARGV[4]))
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
