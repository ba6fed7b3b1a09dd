-- seatIndexArgs(first, n, maxCount): validates ARGV[first..] as distinct seat indices in
-- 0..n-1, written as plain decimal integers. Returns them, or nil and an error reply.
local function seatIndexArgs(first, n, maxCount)
  local count = #ARGV - first + 1
  if count < 1 then return nil, {'no_seats'} end
  if count > maxCount then return nil, {'too_many_seats'} end
  local seats, seen = {}, {}
  for i = first, #ARGV do
    local idx = tonumber(ARGV[i])
    local key = ARGV[i]
    if not idx or idx < 0 or idx >= n or string.format('%d', idx) ~= key then
      return nil, {'invalid_seat', key}
    end
    if seen[key] then return nil, {'duplicate_seats', key} end
    seen[key] = true
    seats[#seats + 1] = key
  end
  return seats
end
