--@include salesWindow
-- saleRefusal(K, status, onSaleMs, highDemand, userId, nowMs): why this user may not take
-- seats in the event now, as an error reply, or nil when they may: the sales window (see
-- salesWindow), then admission for a high-demand event. Shared by every script that hands
-- out holds, so the rules of a sale live in one place.
local function saleRefusal(K, status, onSaleMs, highDemand, userId, nowMs)
  local closed = salesWindowRefusal(K, status, onSaleMs, nowMs)
  if closed then return closed end
  if highDemand == '1' then
    local admittedUntil = tonumber(redis.call('ZSCORE', K.admitted, userId))
    if not admittedUntil or admittedUntil <= nowMs then return {'admission_required'} end
  end
  return nil
end
