-- wrk script of `make bench-siem`: POSTs one HEC body, as Herald sent it (gzip), over keep-alive connections.
-- usage: wrk ... -s siem_hec_post.lua http://127.0.0.1:PORT/services/collector/event -- BODY_FILE TOKEN
init = function(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Splunk " .. args[2]
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Content-Encoding"] = "gzip"
  wrk.headers["User-Agent"] = "Herald-SIEM-bench"
end
