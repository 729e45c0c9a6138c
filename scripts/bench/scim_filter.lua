-- wrk script: GET BASE/Users?filter=userName eq "user<i>@bench.example" for a random i in 1 … COUNT.
-- Usage: SCIM_TOKEN=... wrk ... -s scripts/bench/scim_filter.lua URL -- BASE_PATH COUNT
-- Every 2xx answer must hold exactly one resource ("totalResults": 1), else it counts as a bad body.
dofile("scripts/bench/scim_common.lua")
local base, count = "/scim/v2", 1000

function init(args)
  base = args[1] or base
  count = tonumber(args[2]) or count
  scim_init()
  check_body = function(body) return string.find(body or "", '"totalResults"%s*:%s*1[^%d]') ~= nil end
end

function request()
  local i = math.random(1, count)
  -- userName eq "user<i>@bench.example", percent-encoded
  local path = string.format('%s/Users?filter=userName%%20eq%%20%%22user%d%%40bench.example%%22', base, i)
  return wrk.format("GET", path)
end
