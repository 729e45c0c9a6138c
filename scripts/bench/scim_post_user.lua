-- wrk script: POST BASE/Users, every request with a new userName.
-- Usage: SCIM_TOKEN=... wrk ... -s scripts/bench/scim_post_user.lua URL -- BASE_PATH PREFIX
-- userNames are PREFIX-<random>-<thread>-<n>@bench.example: a per-thread counter, the wrk thread number and a
-- random tag drawn once per thread, so that threads and runs never send the same userName (give each run its
-- own PREFIX as well).
dofile("scripts/bench/scim_common.lua")
local base, prefix, tag, n = "/scim/v2", "post", 0, 0

function init(args)
  base = args[1] or base
  prefix = args[2] or prefix
  scim_init()
  tag = math.random(1, 2147483646)
end

function request()
  n = n + 1
  local name = string.format("%s-%x-%d-%d@bench.example", prefix, tag, tid or 0, n)
  local body = string.format(
    '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s",' ..
    '"name":{"givenName":"Posted","familyName":"User%d"},"displayName":"Posted %d",' ..
    '"emails":[{"value":"%s","type":"work","primary":true}],"active":true}', name, n, n, name)
  return wrk.format("POST", base .. "/Users", nil, body)
end
