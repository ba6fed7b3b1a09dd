--[[
getHold: the seats a user holds in an event right now, with deadlines and prices; given an
idempotency key, first whether that key already bought (a checkout's retry). Read-only
but for the caller's rate limiter.
KEYS[1] state        hash: n, status, version, sold, onSaleMs, highDemand, s:<idx>, u:<user>
KEYS[2] prices       hash: seat index -> price (cents)
KEYS[3] idempotency  hash: "<user id>:<idempotency key>" -> "<order id> <stream id>"
KEYS[4] limiter      string: the caller's rate limiter of the endpoint class (GCRA, includes/rateLimit)
ARGV[1] user id
ARGV[2] now (ms since epoch)
ARGV[3] idempotency key, or '' for none
ARGV[4] rate limit of the endpoint class (requests per period; 0: no limit)
ARGV[5] rate period (ms)
Every reply but {'rate_limited'} carries the limiter's remaining and resetMs right after its
status (-1 -1 with no limit): see includes/rateLimit.lua.
Returns {'ok', idx, deadlineMs, priceCents, ...} (no triples when nothing is held)
        {'bought', orderId}: the idempotency key already bought this order
Errors  {'event_not_found'}
        {'rate_limited', retryAfterMs, resetMs}: over the limit, nothing changed
]]
--@include holdRecords
--@include rateLimit
return rated(KEYS[4], tonumber(ARGV[2]), tonumber(ARGV[4]), tonumber(ARGV[5]), function()
  local values = redis.call('HMGET', KEYS[1], 'n', userField(ARGV[1]))
  if not values[1] then return {'event_not_found'} end
  if ARGV[3] ~= '' then
    local bought = redis.call('HGET', KEYS[3], ARGV[1] .. ':' .. ARGV[3])
    if bought then return {'bought', string.match(bought, '^(%S+)')} end
  end
  local mine = splitByDeadline(holdList(values[2]), tonumber(ARGV[2]))
  local reply = {'ok'}
  if #mine == 0 then return reply end
  local seats = {}
  for i, hold in ipairs(mine) do seats[i] = hold.idx end
  local prices = redis.call('HMGET', KEYS[2], unpack(seats))
  for i, hold in ipairs(mine) do
    reply[#reply + 1] = tonumber(hold.idx)
    reply[#reply + 1] = hold.deadline
    reply[#reply + 1] = tonumber(prices[i])
  end
  return reply
end)
