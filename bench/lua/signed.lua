-- wrk script: sends the signed deliveries of a file written by SignedRequests, one per request,
-- to the path given after the file: wrk ... -s signed.lua URL -- FILE PATH
-- (one wrk thread: every line is sent at most once).
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

-- the peers' SUMMARY line, the same for every system (bench/run.sh runs wrk from the repository's root)
dofile("bench/peers/report.lua")
