-- Shared by the scim_*.lua wrk scripts of scripts/bench-scim.sh (loaded with dofile; run wrk from the repository root).
-- * The bearer token comes from the SCIM_TOKEN environment variable, so that it stays out of `ps`.
-- * Every thread counts its non-2xx answers (and the answers that check_body refuses); done() prints
--   "scim-lua non-2xx: N", "scim-lua bad-body: N" and the first such answer (status and start of the body).
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

non2xx = 0
bad_body = 0
first_error = nil
check_body = nil   -- a script may set a function(body) -> bool for its 2xx answers
on_response = nil  -- and a function(status) called after every answer

function scim_init()
  local token = os.getenv("SCIM_TOKEN")
  if not token or token == "" then error("SCIM_TOKEN is not set") end
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/scim+json"
  wrk.headers["Accept"] = "application/scim+json"
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919 + math.floor(os.clock() * 1000000))
end

local function remember(status, body)
  if not first_error then
    first_error = tostring(status) .. " " .. string.gsub(string.sub(body or "", 1, 300), "%s+", " ")
  end
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    remember(status, body)
  elseif check_body and not check_body(body) then
    bad_body = bad_body + 1
    remember(status, body)
  end
  if on_response then on_response(status) end
end

function done(summary, latency, requests)
  local n, bad, first = 0, 0, nil
  for _, thread in ipairs(threads) do
    n = n + (thread:get("non2xx") or 0)
    bad = bad + (thread:get("bad_body") or 0)
    first = first or thread:get("first_error")
  end
  io.write(string.format("scim-lua non-2xx: %d\nscim-lua bad-body: %d\n", n, bad))
  if first then io.write("scim-lua first bad answer: " .. first .. "\n") end
end

-- Reads an ids file of "i id" lines (written by scripts/bench/scim_seed.py); at most `limit` ids.
function read_ids(path, limit)
  local ids = {}
  for line in io.lines(path) do
    local id = string.match(line, "^%d+%s+(%S+)")
    if id then table.insert(ids, id) end
    if limit and #ids >= limit then break end
  end
  if #ids == 0 then error("no ids in " .. path) end
  return ids
end
