--[[
snapshotEvent: the whole live state of an event in one read: O(seats) bytes, no per-seat
commands. Holds past their deadline are listed so the caller shows them as available.
KEYS[1] state      hash: n, status, version, sold, onSaleMs, highDemand, s:<idx>, u:<user>
KEYS[2] seats      string: one byte per seat, '0' available, '1' held, '2' sold
KEYS[3] deadlines  zset: seat index scored by hold deadline (ms since epoch)
ARGV[1] now (ms since epoch)
Returns {'ok', status, version, n, held, sold, seatBytes, expiredIdx, ...}
        (held counts expired holds too; available is n - held - sold)
Errors  {'event_not_found'}
]]
local meta = redis.call('HMGET', KEYS[1], 'n', 'status', 'version', 'sold')
if not meta[1] then return {'event_not_found'} end
local reply = {'ok', meta[2], tonumber(meta[3]), tonumber(meta[1]), redis.call('ZCARD', KEYS[3]),
  tonumber(meta[4]), redis.call('GET', KEYS[2])}
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
for _, idx in ipairs(expired) do reply[#reply + 1] = tonumber(idx) end
return reply
