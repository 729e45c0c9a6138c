-- wrk script: PATCH BASE/Groups/<GROUP_ID>, alternately adding and removing the same MEMBERS users.
-- Usage: SCIM_TOKEN=... wrk -t1 -c1 ... -s scripts/bench/scim_group_members.lua URL -- BASE_PATH GROUP_ID IDS_FILE MEMBERS
-- Run it over ONE connection (-t1 -c1), and start with a group without members: the requests then strictly
-- alternate add, remove, add, … (a remove of members that are not there may be refused with noTarget).
-- The turn changes on each answer, not in request(): wrk calls request() once before the run to check it.
--   add:    one operation  {"op":"add","path":"members","value":[{"value":"<id>"}, … MEMBERS values]}
--   remove: MEMBERS operations {"op":"remove","path":"members[value eq \"<id>\"]"}, one per member: RFC 7644
--           §3.5.2.2 defines removal of chosen values only by a value filter, and one filter of MEMBERS
--           "or" terms would exceed the filter limits of servers.
dofile("scripts/bench/scim_common.lua")
local add_request, remove_request, adding = nil, nil, true
local patch_schema = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":['

function init(args)
  local base, group = args[1], args[2]
  local ids = read_ids(args[3], tonumber(args[4]))
  if #ids < tonumber(args[4]) then error(string.format("%s holds %d ids, not %s", args[3], #ids, args[4])) end
  scim_init()
  local values, removals = {}, {}
  for i, id in ipairs(ids) do
    values[i] = '{"value":"' .. id .. '"}'
    removals[i] = '{"op":"remove","path":"members[value eq \\"' .. id .. '\\"]"}'
  end
  local path = base .. "/Groups/" .. group
  local add_body = patch_schema .. '{"op":"add","path":"members","value":[' .. table.concat(values, ",") .. ']}]}'
  local remove_body = patch_schema .. table.concat(removals, ",") .. ']}'
  add_request = wrk.format("PATCH", path, nil, add_body)
  remove_request = wrk.format("PATCH", path, nil, remove_body)
  if (tid or 0) == 0 then
    io.write(string.format("scim-lua bodies: %d members; add %d bytes (1 operation), remove %d bytes (%d operations)\n",
      #ids, #add_body, #remove_body, #ids))
  end
end

function request()
  return adding and add_request or remove_request
end

on_response = function(status) adding = not adding end
