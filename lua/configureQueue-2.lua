--[[
configureQueue: set an event's waiting-room settings. The seed of the early joiners' random
order is set once (a later seed is ignored), so the order cannot change under them.
KEYS[1] state      hash: n, status, version, sold, onSaleMs, highDemand, ...
KEYS[2] queueState hash: seq, seed, rate, capacity, admissionMs, abandonMs, credit, lastAdmitMs, measuredRate
ARGV[1] rate (buyers admitted per second, > 0)
ARGV[2] capacity (buyers admitted at once, > 0)
ARGV[3] admission time (ms)
ARGV[4] abandon time (ms without a poll before a waiting buyer loses the place)
ARGV[5] seed of the early joiners' order
Returns {'ok'}
Errors  {'event_not_found'}
]]
if redis.call('HEXISTS', KEYS[1], 'n') == 0 then return {'event_not_found'} end
redis.call('HSET', KEYS[2], 'rate', ARGV[1], 'capacity', ARGV[2], 'admissionMs', ARGV[3], 'abandonMs', ARGV[4])
redis.call('HSETNX', KEYS[2], 'seed', ARGV[5])
return {'ok'}
