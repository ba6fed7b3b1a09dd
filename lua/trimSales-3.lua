--[[
trimSales: removes the oldest entries of an event's sales stream that every consumer group
has acknowledged (persisted) and that are older than the cutoff, with the order and
idempotency records they wrote; at most one batch per call. XTRIM MINID, never MAXLEN.
A record goes with the last entry that wrote it: a sale's order record while it still says
'completed' (a refunded order's goes with its refund's entry), a refund's order record, a
sale's idempotency record. Idempotent: any process may run it at any time.
KEYS[1] sales        stream: one entry per sale or refund
KEYS[2] orders       hash: order id -> "<status> <user id> <comma-separated seat indices>"
KEYS[3] idempotency  hash: "<user id>:<idempotency key>" -> "<order id> <stream id>"
ARGV[1] cutoff (ms since epoch): only entries older than this go
ARGV[2] batch size (entries)
Returns {removedCount, more (0 or 1)}
Errors  none: a stream no group has read (nothing persisted yet) keeps every entry
]]
local function parseId(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local function precedes(a, b)
  local am, as = parseId(a)
  local bm, bs = parseId(b)
  return am < bm or (am == bm and as < bs)
end
local function after(id)
  local ms, seq = parseId(id)
  return string.format('%d-%d', ms, seq + 1)
end
local function fieldMap(flat)
  local map = {}
  for i = 1, #flat, 2 do map[flat[i]] = flat[i + 1] end
  return map
end

local groups = redis.pcall('XINFO', 'GROUPS', KEYS[1])
if groups.err or #groups == 0 then return {0, 0} end
-- The first entry some group has not acknowledged bounds the trim: that group's oldest
-- pending entry, else the one after the last it was delivered.
local bound = string.format('%d-0', tonumber(ARGV[1]))
for _, flat in ipairs(groups) do
  local group = fieldMap(flat)
  local first = group['pending'] > 0 and redis.call('XPENDING', KEYS[1], group['name'])[2] or after(group['last-delivered-id'])
  if precedes(first, bound) then bound = first end
end
if bound == '0-0' then return {0, 0} end

local batch = tonumber(ARGV[2])
local entries = redis.call('XRANGE', KEYS[1], '-', '(' .. bound, 'COUNT', batch + 1)
local more = #entries > batch
if more then table.remove(entries) end
if #entries == 0 then return {0, 0} end
for _, entry in ipairs(entries) do
  local f = fieldMap(entry[2])
  if f['order'] then
    local record = redis.call('HGET', KEYS[2], f['order'])
    local status = record and string.match(record, '^(%S+)')
    if (f['type'] == 'sale' and status == 'completed') or (f['type'] == 'refund' and status == 'refunded') then
      redis.call('HDEL', KEYS[2], f['order'])
    end
    if f['type'] == 'sale' and f['user'] and f['idem'] then
      local field = f['user'] .. ':' .. f['idem']
      local kept = redis.call('HGET', KEYS[3], field)
      if kept and string.match(kept, '^(%S+)') == f['order'] then redis.call('HDEL', KEYS[3], field) end
    end
  end
end
redis.call('XTRIM', KEYS[1], 'MINID', after(entries[#entries][1]))
return {#entries, more and 1 or 0}
