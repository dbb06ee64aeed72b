-- wrk script: sends the signed deliveries of a file written by SignedRequests, one per request,
-- to the path given after the file: wrk ... -s signed.lua URL -- FILE PATH
-- (one wrk thread: every line is sent at most once). Prints the same SUMMARY line as the peers' report.lua.
local lines = {}
local next_line = 0
local path = "/"

function init(args)
  for line in io.lines(args[1]) do
    lines[#lines + 1] = line
  end
  path = args[2]
end

function request()
  next_line = next_line + 1
  local id, ts, sig, body = lines[next_line]:match("([^\t]+)\t([^\t]+)\t([^\t]+)\t(.*)")
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["webhook-id"] = id,
    ["webhook-timestamp"] = ts,
    ["webhook-signature"] = "v1," .. sig,
  }, body)
end

done = function(summary, latency, requests)
  local s = summary
  local dur = s.duration / 1e6
  io.write(string.format("SUMMARY requests=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f mean_ms=%.3f err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    s.requests, dur, s.requests / dur,
    latency:percentile(50)/1000, latency:percentile(90)/1000, latency:percentile(99)/1000, latency:percentile(99.9)/1000,
    latency.max/1000, latency.mean/1000,
    s.errors.connect, s.errors.read, s.errors.write, s.errors.status, s.errors.timeout))
end
