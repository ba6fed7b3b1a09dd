--[[
reserveSeats: hold 1..maxPerCall seats for one user, all or nothing. Expired holds are
treated as free (lazy expiry); seats the user already holds keep their deadline.
KEYS[1] meta       hash: n, status, version, available, held, sold, onSaleMs, highDemand
KEYS[2] seats      string: one byte per seat, '0' available, '1' held, '2' sold
KEYS[3] holders    hash: seat index -> user id
KEYS[4] userHolds  hash: user id -> comma-separated seat indices
KEYS[5] deadlines  zset: seat index scored by hold deadline (ms since epoch)
KEYS[6] prices     hash: seat index -> price (cents)
KEYS[7] admitted   zset: user id scored by admission deadline (ms); checked when highDemand is '1'
ARGV[1] changes channel (pub/sub)
ARGV[2] user id
ARGV[3] now (ms since epoch)
ARGV[4] hold ttl (ms)
ARGV[5] max seats per call
ARGV[6] max seats held by one user in this event
ARGV[7..] seat indices (0-based, distinct)
Returns {'ok', version, idx, deadlineMs, priceCents, ...}: every seat the user now holds
Errors  {'event_not_found'} {'event_closed'} {'not_on_sale'} {'admission_required'}
        {'no_seats'} {'too_many_seats'} {'invalid_seat', arg} {'duplicate_seats', idx}
        {'seats_unavailable', idx, ...} {'hold_limit_exceeded', heldCount}
]]
--@include activeUserHolds
--@include freeHeldSeat
--@include bumpVersion
--@include seatIndexArgs
local K = {meta = KEYS[1], seats = KEYS[2], holders = KEYS[3], userHolds = KEYS[4],
  deadlines = KEYS[5], prices = KEYS[6], admitted = KEYS[7]}
local userId, nowMs, ttlMs = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])

local meta = redis.call('HMGET', K.meta, 'n', 'status', 'onSaleMs', 'highDemand')
local n = tonumber(meta[1])
if not n then return {'event_not_found'} end
if meta[2] ~= 'open' then return {'event_closed'} end
if nowMs < tonumber(meta[3]) then return {'not_on_sale'} end
if meta[4] == '1' then
  local admittedUntil = tonumber(redis.call('ZSCORE', K.admitted, userId))
  if not admittedUntil or admittedUntil <= nowMs then return {'admission_required'} end
end
local wanted, err = seatIndexArgs(7, n, tonumber(ARGV[5]))
if not wanted then return err end

local mine, deadlines, expired = activeUserHolds(K, userId, nowMs)
local isMine = {}
for _, idx in ipairs(mine) do isMine[idx] = true end

local take, stale, unavailable = {}, {}, {}
for _, idx in ipairs(wanted) do
  local state = redis.call('GETRANGE', K.seats, idx, idx)
  if state == '0' then
    take[#take + 1] = idx
  elseif state == '1' and not isMine[idx] then
    local deadline = tonumber(redis.call('ZSCORE', K.deadlines, idx))
    if deadline and deadline <= nowMs then
      stale[#stale + 1] = idx
      take[#take + 1] = idx
    else
      unavailable[#unavailable + 1] = idx
    end
  elseif state ~= '1' then
    unavailable[#unavailable + 1] = idx
  end
end
if #unavailable > 0 then return {'seats_unavailable', unpack(unavailable)} end
if #mine + #take > tonumber(ARGV[6]) then return {'hold_limit_exceeded', #mine} end

for _, idx in ipairs(expired) do freeHeldSeat(K, idx) end
for _, idx in ipairs(stale) do freeHeldSeat(K, idx) end
local deadline = nowMs + ttlMs
for _, idx in ipairs(take) do
  redis.call('SETRANGE', K.seats, tonumber(idx), '1')
  redis.call('HSET', K.holders, idx, userId)
  redis.call('ZADD', K.deadlines, deadline, idx)
  mine[#mine + 1] = idx
  deadlines[#deadlines + 1] = deadline
end
local version
if #take > 0 then
  redis.call('HSET', K.userHolds, userId, table.concat(mine, ','))
  redis.call('HINCRBY', K.meta, 'available', -#take)
  redis.call('HINCRBY', K.meta, 'held', #take)
  version = bumpVersion(K, ARGV[1], 'reserve', take)
elseif #expired > 0 then
  version = bumpVersion(K, ARGV[1], 'expire', {})
else
  version = tonumber(redis.call('HGET', K.meta, 'version'))
end

local prices = redis.call('HMGET', K.prices, unpack(mine))
local reply = {'ok', version}
for i, idx in ipairs(mine) do
  reply[#reply + 1] = tonumber(idx)
  reply[#reply + 1] = deadlines[i]
  reply[#reply + 1] = tonumber(prices[i])
end
return reply
