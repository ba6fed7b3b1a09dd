--[[
closeEvent: the event is cancelled; no further holds or sales. Existing holds lapse at
their deadline; refunds still work.
KEYS[1] meta  hash: n, status, version, available, held, sold
ARGV[1] changes channel (pub/sub)
Returns {'ok', version}
Errors  {'event_not_found'}
]]
--@include bumpVersion
local K = {meta = KEYS[1]}
if redis.call('EXISTS', K.meta) == 0 then return {'event_not_found'} end
if redis.call('HGET', K.meta, 'status') == 'closed' then
  return {'ok', tonumber(redis.call('HGET', K.meta, 'version'))}
end
redis.call('HSET', K.meta, 'status', 'closed')
return {'ok', bumpVersion(K, ARGV[1], 'close', {})}
