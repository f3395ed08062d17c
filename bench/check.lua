-- wrk script of every load benchmark (bench/_load.py): each answer is checked, and the requests can
-- be a mix of addresses.
--
-- BENCH_STATUS (default 200): the only status that counts as a success; BENCH_MARKER: text the body
-- must contain. Anything else (a redirect to the login page, an error page, an empty body) is
-- counted and reported as "checked-errors: N" (wrk itself counts only 4xx/5xx and socket errors).
-- BENCH_PATHS: a file of addresses, one a line, requested in turn (each thread from its own start),
-- instead of the one address on wrk's command line.

local wanted_status = tonumber(os.getenv("BENCH_STATUS") or "200")
local marker = os.getenv("BENCH_MARKER")
if marker == "" then marker = nil end
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

paths = {}
position = 0
bad = 0
first_bad = ""

function init(args)
  local file = os.getenv("BENCH_PATHS")
  if file and file ~= "" then
    for line in io.lines(file) do
      if line ~= "" then table.insert(paths, line) end
    end
  end
  if #paths > 0 then position = (id * math.floor(#paths / 2 + 1)) % #paths end
end

function request()
  if #paths == 0 then return wrk.request() end
  position = position % #paths + 1
  return wrk.format(nil, paths[position])
end

function response(status, headers, body)
  if status ~= wanted_status or (marker and not (body and string.find(body, marker, 1, true))) then
    bad = bad + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.gsub(string.sub(body or "", 1, 120), "%s+", " ")
    end
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write(string.format("checked-errors: %d\n", total))
  for _, thread in ipairs(threads) do
    local first = thread:get("first_bad")
    if first and first ~= "" then io.write("first-bad: " .. first .. "\n") end
  end
end
