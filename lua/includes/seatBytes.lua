-- The seats string holds one ASCII byte per seat: '0' available, '1' held, '2' sold.
-- BITFIELD reads or writes any number of seats in a single call.
local SEAT_AVAILABLE, SEAT_HELD, SEAT_SOLD = 48, 49, 50

-- readSeats(K, seats) -> array of byte values, in the order of seats
local function readSeats(K, seats)
  local args = {}
  for _, idx in ipairs(seats) do
    args[#args + 1] = 'GET'; args[#args + 1] = 'u8'; args[#args + 1] = '#' .. idx
  end
  return redis.call('BITFIELD', K.seats, unpack(args))
end

local function writeSeats(K, seats, value)
  if #seats == 0 then return end
  local args = {}
  for _, idx in ipairs(seats) do
    args[#args + 1] = 'SET'; args[#args + 1] = 'u8'; args[#args + 1] = '#' .. idx; args[#args + 1] = value
  end
  redis.call('BITFIELD', K.seats, unpack(args))
end
