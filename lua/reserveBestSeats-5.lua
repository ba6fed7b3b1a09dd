--[[
reserveBestSeats: choose the best block of `quantity` adjacent available seats in one row and
hold it for the user, in one step (no read-then-reserve race). Best: the first section (in
the order given, the venue's), then the lowest row, then the block nearest the row's middle
(on a tie, the lower seat numbers). Lapsed holds are freed first (lazy expiry, one batch).
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
ARGV[7] quantity (seats in the block)
ARGV[8] lapsed holds to free first, at most
ARGV[9] rate limit of the endpoint class (requests per period; 0: no limit)
ARGV[10] rate period (ms)
ARGV[11..] the sections to search, best first, each "<first seat index> <rows> <seats per row>"
Every reply but {'rate_limited'} carries the limiter's remaining and resetMs right after its
status (-1 -1 with no limit): see includes/rateLimit.lua.
Returns {'ok', version, idx, deadlineMs, ...}: every seat the user now holds
Errors  {'event_not_found'} {'event_closed'} {'sales_ended'} {'not_on_sale'} {'actor_outdated'}
        {'rate_limited', retryAfterMs, resetMs}: over the limit, nothing changed
        {'admission_required'}
        {'no_seats'} {'too_many_seats'} {'bad_layout', arg} {'seats_unavailable'}
        {'hold_limit_exceeded', heldCount}
]]
--@include holdRecords
--@include seatBytes
--@include freeHolds
--@include commitChange
--@include saleGate
--@include holdSeats
--@include rateLimit
return rated(KEYS[5], tonumber(ARGV[3]), tonumber(ARGV[9]), tonumber(ARGV[10]), function()
  local K = {state = KEYS[1], seats = KEYS[2], deadlines = KEYS[3], admitted = KEYS[4]}
  local userId, nowMs, ttlMs, quantity = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[7])

  local values = redis.call('HMGET', K.state, 'n', 'status', 'version', 'onSaleMs', 'highDemand', userField(userId))
  local n = tonumber(values[1])
  if not n then return {'event_not_found'} end
  if not quantity or quantity < 1 or quantity % 1 ~= 0 then return {'no_seats'} end
  if quantity > tonumber(ARGV[5]) then return {'too_many_seats'} end
  local sections = {}
  for i = 11, #ARGV do
    local first, rows, perRow = string.match(ARGV[i], '^(%d+) (%d+) (%d+)$')
    first, rows, perRow = tonumber(first), tonumber(rows), tonumber(perRow)
    if not first or rows < 1 or perRow < 1 or first + rows * perRow > n then return {'bad_layout', ARGV[i]} end
    sections[#sections + 1] = {first = first, rows = rows, perRow = perRow}
  end
  local refusal = saleRefusal(K, values[2], values[4], values[5], userId, nowMs)
  if refusal then return refusal end
  local mine, expired = splitByDeadline(holdList(values[6]), nowMs)
  if #mine + quantity > tonumber(ARGV[6]) then return {'hold_limit_exceeded', #mine} end

  -- Lazy expiry: one batch of lapsed holds (and the user's own) become available first.
  local version = tonumber(values[3])
  local lapsed = redis.call('ZRANGEBYSCORE', K.deadlines, '-inf', nowMs, 'LIMIT', 0, tonumber(ARGV[8]))
  for _, hold in ipairs(expired) do lapsed[#lapsed + 1] = hold.idx end
  local freed = freeHolds(K, lapsed)
  if #freed > 0 then version = commitChange(K, ARGV[1], version, 'expire', {a = freed}, {}) end

  -- The start (1-based, within the row) of the free block nearest the row's middle, or nil.
  local function bestInRow(row, perRow)
    local ideal = (perRow - quantity) / 2 + 1
    local bestStart, bestDistance
    local from = 1
    while true do
      local a, b = string.find(row, '0+', from)
      if not a then break end
      if b - a + 1 >= quantity then
        local start = math.min(math.max(math.floor(ideal), a), b - quantity + 1)
        local distance = math.abs(start - ideal)
        if not bestDistance or distance < bestDistance then bestStart, bestDistance = start, distance end
      end
      from = b + 1
    end
    return bestStart
  end

  -- The seat indices of the best block, or nil. string.find (plain) skips to the next run of
  -- `quantity` free seats, so a full or nearly full section costs one scan in C.
  local function bestBlock()
    local zeros = string.rep('0', quantity)
    for _, s in ipairs(sections) do
      if s.perRow >= quantity then
        local bytes = redis.call('GETRANGE', K.seats, s.first, s.first + s.rows * s.perRow - 1)
        local from = 1
        while true do
          local p = string.find(bytes, zeros, from, true)
          if not p then break end
          local rowStart = math.floor((p - 1) / s.perRow) * s.perRow + 1
          local rowEnd = rowStart + s.perRow - 1
          if p + quantity - 1 <= rowEnd then
            local start = bestInRow(string.sub(bytes, rowStart, rowEnd), s.perRow)
            local block = {}
            for k = 0, quantity - 1 do block[#block + 1] = tostring(s.first + rowStart - 1 + start - 1 + k) end
            return block
          end
          -- The first free run from `from` crosses the row's end: no block fits in this row.
          from = rowEnd + 1
        end
      end
    end
    return nil
  end

  local take = bestBlock()
  if not take then return {'seats_unavailable'} end
  local writes = holdSeats(K, userId, mine, take, nowMs + ttlMs)
  version = commitChange(K, ARGV[1], version, 'reserve', {h = take}, writes)
  return holdReply(version, mine)
end)
