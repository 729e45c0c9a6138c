-- wrk script for scripts/bench-webhooks.sh: the raw POST rate against the benchmark's webhook receiver.
-- Usage: wrk ... -s scripts/bench/post_webhook.lua URL -- BODY_BYTES HEADER_BYTES
-- Every request is the same keep-alive POST: a JSON body of BODY_BYTES bytes, and one padding header that brings
-- the request's header lines (`name: value\r\n`, Host and Content-Length included) to about HEADER_BYTES, the size
-- of a webhook's own (webhook-id, webhook-timestamp, webhook-signature, user-agent, ...). It carries no
-- webhook-id, so the receiver counts it as a plain request and records nothing else.
local request_text

function init(args)
  local body_bytes = tonumber(args[1]) or 200
  local header_bytes = tonumber(args[2]) or 0
  local prefix, suffix = '{"data":{"pad":"', '"},"type":"bench.raw"}'
  local body = prefix .. string.rep("x", math.max(0, body_bytes - #prefix - #suffix)) .. suffix
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  local own = 0
  local host = wrk.headers["Host"] or (wrk.host .. ":" .. tostring(wrk.port))
  own = own + #"Host" + #host + 4
  own = own + #"Content-Length" + #tostring(#body) + 4
  own = own + #"Content-Type" + #"application/json" + 4
  local name = "X-Bench-Padding"
  local pad = header_bytes - own - #name - 4
  if pad > 0 then wrk.headers[name] = string.rep("p", pad) end
  request_text = wrk.format()
end

function request()
  return request_text
end
