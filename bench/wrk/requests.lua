-- wrk script: sends the requests listed in the file named by WRK_REQUESTS, one after the
-- other, one per line: method, path, up to two headers ("Name: value" or empty) and a JSON
-- body (or empty), separated by tabs. Written by bench/wrk.ts (requestFile). The list is
-- read and formatted once, before the clock starts. When the run outlasts the list it starts
-- again from the top; done() prints how often ("wraps N"), so a bench can tell replays apart.
local requests = {}
local next_index = 0
wraps = 0

local function header(text, into)
  if text == "" then return end
  local name, value = text:match("^([^:]+): (.*)$")
  into[name] = value
end

function init(args)
  for line in io.lines(os.getenv("WRK_REQUESTS")) do
    local method, path, h1, h2, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    header(h1, headers)
    header(h2, headers)
    if body ~= "" then headers["Content-Type"] = "application/json" else body = nil end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
end

function request()
  next_index = next_index + 1
  if next_index > #requests then
    next_index = 1
    wraps = wraps + 1
  end
  return requests[next_index]
end

local threads = {}
function setup(thread) threads[#threads + 1] = thread end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + (thread:get("wraps") or 0) end
  io.write(string.format("wraps %d\n", total))
end
