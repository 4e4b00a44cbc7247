-- wrk script for the wanumbers benchmarks.
-- Arguments (after `--`): PATHS_FILE [METHOD] ["Header: value" ...]
-- Each request picks a random path from PATHS_FILE, so a store of 100k numbers is hit
-- across its whole key space instead of one hot row. done() prints one JSON line that
-- bench/loadgen.py parses (percentiles straight from wrk's HdrHistogram, in µs).

local paths = {}
local method = "GET"

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  if args[2] ~= nil and args[2] ~= "" then method = args[2] end
  for i = 3, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    if name ~= nil then wrk.headers[name] = value end
  end
  -- Different seed per thread, so threads do not replay the same sequence.
  math.randomseed(os.time() + tonumber(tostring(paths):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  return wrk.format(method, paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
