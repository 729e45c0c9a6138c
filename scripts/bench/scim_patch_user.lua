-- wrk script: PATCH BASE/Users/<id> replacing one attribute (displayName) of a random seeded user.
-- Usage: SCIM_TOKEN=... wrk ... -s scripts/bench/scim_patch_user.lua URL -- BASE_PATH IDS_FILE
-- IDS_FILE holds "i id" lines (scripts/bench/scim_seed.py). The value changes with every request, so that
-- every PATCH is a real change:
--   {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
--    "Operations":[{"op":"replace","path":"displayName","value":"x<thread>-<n>"}]}
dofile("scripts/bench/scim_common.lua")
local base, ids, n = "/scim/v2", nil, 0

function init(args)
  base = args[1] or base
  ids = read_ids(args[2])
  scim_init()
end

function request()
  n = n + 1
  local id = ids[math.random(1, #ids)]
  local body = string.format('{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],' ..
    '"Operations":[{"op":"replace","path":"displayName","value":"x%d-%d"}]}', tid or 0, n)
  return wrk.format("PATCH", base .. "/Users/" .. id, nil, body)
end
