--[[
closeEvent: the event is cancelled; no further holds or sales. Existing holds lapse at
their deadline; refunds still work. Closing again changes nothing.
KEYS[1] state  hash: n, status, version, sold, onSaleMs, highDemand, s:<idx>, u:<user>
ARGV[1] changes channel (pub/sub)
Returns {'ok', version}
Errors  {'event_not_found'}
]]
--@include commitChange
local K = {state = KEYS[1]}
local values = redis.call('HMGET', K.state, 'n', 'status', 'version')
if not values[1] then return {'event_not_found'} end
if values[2] == 'closed' then return {'ok', tonumber(values[3])} end
return {'ok', commitChange(K, ARGV[1], tonumber(values[3]), 'close', {}, {'status', 'closed'})}
