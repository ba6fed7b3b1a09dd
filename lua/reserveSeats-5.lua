--[[
reserveSeats: hold 1..maxPerCall seats for one user, all or nothing. Expired holds are
treated as free (lazy expiry); seats the user already holds keep their deadline.
KEYS[1] state      hash: n, status, version, sold, onSaleMs, salesEndMs, highDemand, s:<idx>, u:<user>
KEYS[2] seats      string: one byte per seat, '0' available, '1' held, '2' sold
KEYS[3] deadlines  zset: seat index scored by hold deadline (ms since epoch)
KEYS[4] admitted   zset: user id scored by admission deadline (ms); checked when highDemand is '1'
KEYS[5] limiter    string: the caller's rate limiter of the endpoint class (GCRA, includes/rateLimit)
ARGV[1] changes channel (pub/sub)
ARGV[2] user id
ARGV[3] now (ms since epoch)
ARGV[4] hold ttl (ms)
ARGV[5] max seats per call
ARGV[6] max seats held by one user in this event
ARGV[7] rate limit of the endpoint class (requests per period; 0: no limit)
ARGV[8] rate period (ms)
ARGV[9..] seat indices (0-based, distinct)
Every reply but {'rate_limited'} carries the limiter's remaining and resetMs right after its
status (-1 -1 with no limit): see includes/rateLimit.lua.
Returns {'ok', version, idx, deadlineMs, ...}: every seat the user now holds
Errors  {'event_not_found'} {'event_closed'} {'sales_ended'} {'not_on_sale'} {'actor_outdated'}
        {'rate_limited', retryAfterMs, resetMs}: over the limit, nothing changed
        {'admission_required'}
        {'no_seats'} {'too_many_seats'} {'invalid_seat', arg} {'duplicate_seats', idx}
        {'seats_unavailable', idx, ...} {'hold_limit_exceeded', heldCount}
]]
--@include holdRecords
--@include seatBytes
--@include freeHolds
--@include commitChange
--@include seatIndexArgs
--@include saleGate
--@include holdSeats
--@include rateLimit
return rated(KEYS[5], tonumber(ARGV[3]), tonumber(ARGV[7]), tonumber(ARGV[8]), function()
  local K = {state = KEYS[1], seats = KEYS[2], deadlines = KEYS[3], admitted = KEYS[4]}
  local userId, nowMs, ttlMs = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])

  if #ARGV - 8 > tonumber(ARGV[5]) then return {'too_many_seats'} end
  -- One read for the meta fields, the user's holds and the wanted seats' holders.
  local fields = {'n', 'status', 'version', 'onSaleMs', 'highDemand', userField(userId)}
  for i = 9, #ARGV do fields[#fields + 1] = seatField(ARGV[i]) end
  local values = redis.call('HMGET', K.state, unpack(fields))
  local n = tonumber(values[1])
  if not n then return {'event_not_found'} end
  local wanted, err = seatIndexArgs(9, n, tonumber(ARGV[5]))
  if not wanted then return err end
  local refusal = saleRefusal(K, values[2], values[4], values[5], userId, nowMs)
  if refusal then return refusal end

  local mine, expired = splitByDeadline(holdList(values[6]), nowMs)
  local isMine = {}
  for _, hold in ipairs(mine) do isMine[hold.idx] = true end

  local states = readSeats(K, wanted)
  local take, stale, unavailable = {}, {}, {}
  for i, idx in ipairs(wanted) do
    if states[i] == SEAT_AVAILABLE then
      take[#take + 1] = idx
    elseif states[i] == SEAT_HELD and not isMine[idx] then
      local _, deadline = holderOf(values[6 + i])
      if deadline and deadline <= nowMs then
        stale[#stale + 1] = idx
        take[#take + 1] = idx
      else
        unavailable[#unavailable + 1] = idx
      end
    elseif states[i] ~= SEAT_HELD then
      unavailable[#unavailable + 1] = idx
    end
  end
  if #unavailable > 0 then return {'seats_unavailable', unpack(unavailable)} end
  if #mine + #take > tonumber(ARGV[6]) then return {'hold_limit_exceeded', #mine} end

  local version = tonumber(values[3])
  if #take == 0 and #expired == 0 then return holdReply(version, mine) end

  -- Lazy expiry: the user's own lapsed holds and others' lapsed holds on wanted seats.
  for _, hold in ipairs(expired) do stale[#stale + 1] = hold.idx end
  local freed = freeHolds(K, stale)

  local writes = holdSeats(K, userId, mine, take, nowMs + ttlMs)
  -- Freed seats taken again in this call are published once, as held.
  local isTaken, nowFree = {}, {}
  for _, idx in ipairs(take) do isTaken[tostring(idx)] = true end
  for _, idx in ipairs(freed) do
    if not isTaken[tostring(idx)] then nowFree[#nowFree + 1] = idx end
  end
  version = commitChange(K, ARGV[1], version, #take > 0 and 'reserve' or 'expire', {a = nowFree, h = take}, writes)
  return holdReply(version, mine)
end)
