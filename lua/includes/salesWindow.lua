-- salesWindowRefusal(K, status, onSaleMs, nowMs): why the event sells nothing now, as an
-- error reply, or nil while it sells. Every script that hands out, prolongs or sells holds
-- asks it, so the sales window is enforced in the actor and not only by the API.
-- salesEndMs (the chosen sales end, by default the event date) is read here: an actor
-- loaded before sales ends existed lacks it and answers 'actor_outdated' (fail closed);
-- the caller then reloads the actor's settings from the durable record.
local function salesWindowRefusal(K, status, onSaleMs, nowMs)
  if status ~= 'open' then return {'event_closed'} end
  local salesEndMs = tonumber(redis.call('HGET', K.state, 'salesEndMs'))
  if not salesEndMs then return {'actor_outdated'} end
  if nowMs >= salesEndMs then return {'sales_ended'} end
  if nowMs < tonumber(onSaleMs) then return {'not_on_sale'} end
  return nil
end
