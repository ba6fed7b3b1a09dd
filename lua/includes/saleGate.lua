-- saleRefusal(K, status, onSaleMs, highDemand, userId, nowMs): why this user may not take
-- seats in the event now, as an error reply, or nil when they may. Shared by every script
-- that hands out or prolongs holds, so the rules of a sale live in one place.
local function saleRefusal(K, status, onSaleMs, highDemand, userId, nowMs)
  if status ~= 'open' then return {'event_closed'} end
  if nowMs < tonumber(onSaleMs) then return {'not_on_sale'} end
  if highDemand == '1' then
    local admittedUntil = tonumber(redis.call('ZSCORE', K.admitted, userId))
    if not admittedUntil or admittedUntil <= nowMs then return {'admission_required'} end
  end
  return nil
end
