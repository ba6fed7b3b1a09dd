--[[
releaseSeats: give back seats the user holds; seats held by others or not held are ignored.
KEYS[1] meta       hash: n, status, version, available, held, sold
KEYS[2] seats      string: one byte per seat, '0' available, '1' held, '2' sold
KEYS[3] holders    hash: seat index -> user id
KEYS[4] userHolds  hash: user id -> comma-separated seat indices
KEYS[5] deadlines  zset: seat index scored by hold deadline (ms since epoch)
ARGV[1] changes channel (pub/sub)
ARGV[2] user id
ARGV[3] max seats per call
ARGV[4..] seat indices (0-based, distinct)
Returns {'ok', version, idx, ...}: the seats that were released
Errors  {'event_not_found'} {'no_seats'} {'too_many_seats'} {'invalid_seat', arg}
        {'duplicate_seats', idx}
]]
--@include freeHeldSeat
--@include bumpVersion
--@include seatIndexArgs
local K = {meta = KEYS[1], seats = KEYS[2], holders = KEYS[3], userHolds = KEYS[4], deadlines = KEYS[5]}
local userId = ARGV[2]

local n = tonumber(redis.call('HGET', K.meta, 'n'))
if not n then return {'event_not_found'} end
local wanted, err = seatIndexArgs(4, n, tonumber(ARGV[3]))
if not wanted then return err end

local released = {}
for _, idx in ipairs(wanted) do
  if redis.call('HGET', K.holders, idx) == userId then
    freeHeldSeat(K, idx)
    released[#released + 1] = idx
  end
end
local version
if #released > 0 then
  version = bumpVersion(K, ARGV[1], 'release', released)
else
  version = tonumber(redis.call('HGET', K.meta, 'version'))
end
local reply = {'ok', version}
for _, idx in ipairs(released) do reply[#reply + 1] = tonumber(idx) end
return reply
