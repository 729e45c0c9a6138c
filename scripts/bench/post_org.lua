-- wrk script: POST /api/organizations with a unique slug per request.
-- Usage: wrk ... -H 'Authorization: Bearer KEY' -s scripts/bench/post_org.lua URL -- PREFIX
-- Slugs are PREFIX-<thread>-<n>; give every run its own PREFIX so that no slug is ever sent twice.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local prefix = "post"
local n = 0
function init(args)
  if args[1] then prefix = args[1] end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local slug = string.format("%s-%d-%d", prefix, tid or 0, n)
  local body = string.format('{"slug":"%s","name":"Bench organization %s"}', slug, slug)
  return wrk.format("POST", "/api/organizations", nil, body)
end
