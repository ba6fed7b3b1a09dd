--[[
dropActor: deletes an event's live state before a rebuild from Postgres, fenced by its sales
stream: only if no sale or refund was appended since the caller read the stream's last id
(the rebuild read Postgres after that, with nothing left to persist, so Postgres then held
every sale; one made since would be lost with the actor). Holds go with the actor. The
sales stream and its dead letters stay: they are the record of what happened.
KEYS[1] state       hash: n, status, version, sold, onSaleMs, highDemand, s:<idx>, u:<user>
KEYS[2] seats       string: one byte per seat
KEYS[3] deadlines   zset: held seat index scored by its hold's deadline (ms)
KEYS[4] prices      hash: seat index -> price (cents)
KEYS[5] orders      hash: order id -> "<status> <user id> <comma-separated seat indices>"
KEYS[6] idempotency hash: checkout idempotency key -> order id
KEYS[7] sales       stream: one entry per sale or refund
ARGV[1] the stream's last id as the caller read it ('0-0': no stream yet)
Returns {'ok', version}: the dropped actor's version (0 if there was none), for the new
        actor to start above (lua/loadEvent-4.lua's version floor)
Errors  {'sales_moved', lastId}
]]
local lastId = '0-0'
if redis.call('EXISTS', KEYS[7]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[7])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then lastId = info[i + 1] end
  end
end
if lastId ~= ARGV[1] then return {'sales_moved', lastId} end
local version = tonumber(redis.call('HGET', KEYS[1], 'version')) or 0
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
return {'ok', version}
