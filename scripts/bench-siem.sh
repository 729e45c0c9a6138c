#!/usr/bin/env bash
# SIEM forwarding benchmark (`make bench-siem`). Events/s that Herald forwards through its splunk-hec and syslog
# connectors to fast local receivers, with the durable cursor on (database.synchronous=full, the default: each
# batch's cursor move is committed before the next batch), beside baselines measured in the same run.
#
# Starts `herald-bench hec-receiver` (HTTP/1.1 keep-alive, checks `Authorization: Splunk <token>`, gunzips,
# counts envelopes and distinct fields.event_id) and `herald-bench syslog-receiver` (TCP, RFC 6587 octet-counted
# or LF-framed, counts messages and distinct event_id="…"), a private rsyslogd (imtcp in, omfwd out to the
# syslog receiver, TCP, TCP_Framing="octet-counted", linked-list queues as the omfwd docs recommend, the
# message forwarded as received: template %rawmsg%), and the release daemon on free ports with a temporary
# state directory, default configuration, HERALD_OUTBOUND_ALLOWLIST=127.0.0.0/8. Through the real API it
# creates two organizations, bench-hec with one splunk-hec integration (http://127.0.0.1:PORT, token) and
# bench-syslog with one syslog integration (tcp://127.0.0.1:PORT), both filtered to audit.bench.* and created
# paused, and a service API key for POST /api/events.
#   warm-up   BENCH_WARMUP events per organization forwarded (not counted); the receivers keep the heaviest
#             HEC body (gzip, as Herald sent it) and the first syslog message as samples for the baselines
#   per run   pre-ingest N events into each organization (integrations paused; scripts/bench/ingest_events.py,
#             batches of 1,000), then:
#     HEC raw         wrk posts the sampled body (BENCH_WRK_CONNECTIONS keep-alive connections, default 1: Herald
#                     has one request in flight per integration) for BENCH_WRK_DURATION: the receiver's envelopes/s
#     Herald HEC      PATCH enabled=true, until the receiver has all N distinct event ids, PATCH enabled=false:
#                     events/s first to last arrival at the receiver, and from the PATCH; the daemon's CPU
#     syslog raw      N messages built from the sample (new ids, same size), octet-counted, over one TCP
#                     connection (scripts/bench/siem_syslog_feed.py): the receiver's messages/s
#     rsyslog omfwd   N more such messages sent into rsyslog's imtcp: from the first byte in to the last message
#                     out at the receiver; rsyslog's CPU
#     Herald syslog   as Herald HEC, for the syslog integration
#     live HEC/syslog BENCH_LIVE_EVENTS events ingested while the integration forwards: from the first ingest
#                     request to the last arrival (ingest and forward together)
# BENCH_RUNS (3) runs; the medians are reported with the ratios: Herald HEC vs the HEC receiver's raw rate and
# vs the target (>= 50,000 events/s), Herald syslog vs rsyslog omfwd (target: >= rsyslog's rate).
# These are figures, not a test: the script fails only when the benchmark itself cannot run.
# Usage: scripts/bench-siem.sh [EVENTS]      (default 200,000 per run and integration)
#   BENCH_BIN_DIR=.build/release BENCH_RUNS=3 BENCH_WARMUP=2000 BENCH_LIVE_EVENTS=(EVENTS) BENCH_INGEST_CONNECTIONS=2
#   BENCH_WRK_DURATION=5s BENCH_WRK_CONNECTIONS=1 BENCH_RECEIVER_THREADS=1 BENCH_STALL_SECONDS=60
#   BENCH_PERF=0 (1: `perf record` the daemon during run 1's Herald HEC and syslog forwards, print the top symbols)
#   BENCH_RSYSLOG_DISK_EVENTS=5000 (after the runs, for context: that many messages through rsyslog omfwd with a
#   durable queue, queue.type="Disk" with queue.syncQueueFiles="on", the rsyslog set-up that survives a power loss
#   as Herald's cursor does; 0 skips it)
#   BENCH_PERF_DATA=DIR (keep the recordings there)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench/lib.sh
bin_dir=${BENCH_BIN_DIR:-.build/release}
herald=$bin_dir/herald
bench=$bin_dir/herald-bench
events=${1:-${BENCH_EVENTS:-200000}}
runs=${BENCH_RUNS:-3}
warmup=${BENCH_WARMUP:-2000}
live_events=${BENCH_LIVE_EVENTS:-$events}
ingest_connections=${BENCH_INGEST_CONNECTIONS:-2}
wrk_duration=${BENCH_WRK_DURATION:-5s}
wrk_connections=${BENCH_WRK_CONNECTIONS:-1}
receiver_threads=${BENCH_RECEIVER_THREADS:-1}
stall_seconds=${BENCH_STALL_SECONDS:-60}
perf_sample=${BENCH_PERF:-0}
rsyslog_disk_events=${BENCH_RSYSLOG_DISK_EVENTS:-5000}
token=bench-hec-token
hec_target=50000

for tool in wrk python3 curl; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (make deps)" >&2; exit 1; }
done
command -v rsyslogd >/dev/null || [ -x /usr/sbin/rsyslogd ] || { echo "rsyslogd is not installed (make deps installs the Debian rsyslog package)" >&2; exit 1; }
rsyslogd_bin=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
for b in "$herald" "$bench"; do
  [ -x "$b" ] || { echo "no executable at $b (make bench-siem builds both in release)" >&2; exit 1; }
done
[ "$events" -ge 1000 ] || { echo "EVENTS must be at least 1000" >&2; exit 1; }

state=$(mktemp -d)
work=$(mktemp -d)
log="$state/herald.log"
pid="" hec_pid="" syslog_pid="" rsyslog_pid="" perf_pid=""
cleanup() {
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; fi
  for v in pid rsyslog_pid hec_pid syslog_pid; do stop_pid "$v" >/dev/null 2>&1 || true; done
  rm -rf "$state" "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ratio_pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "0" }'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

api() {  # method path [json]: admin API call with the platform owner's key; prints the body, fails on non-2xx
  local method=$1 path=$2 body=${3:-}
  local args=(-sS -X "$method" -H "$auth" -o "$work/api.out" -w '%{http_code}')
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data "$body")
  local code; code=$(curl "${args[@]}" "$admin/api$path")
  if [ "${code:0:1}" != 2 ]; then
    echo "$method $path: HTTP $code $(head -c 500 "$work/api.out")" >&2
    return 1
  fi
  cat "$work/api.out"
}
hec_stats() { curl -fsS "http://127.0.0.1:$hec_port/_stats"; }
syslog_stats() { curl -fsS "http://127.0.0.1:$syslog_control/_stats"; }
reset_receiver() {  # hec|syslog expected [forget]
  local port=$hec_port; [ "$1" = syslog ] && port=$syslog_control
  curl -fsS -X POST "http://127.0.0.1:$port/_reset?expected=$2&forget=${3:-0}" >/dev/null
}
# Waits until the receiver has `expected` distinct ids (or nothing new for BENCH_STALL_SECONDS); prints the
# stats line and leaves the machine's tick counters of that moment in $work/ticks_done.
wait_receiver() {  # hec|syslog expected label
  local last=-1 since=$SECONDS line n next_note=$((SECONDS + 10))
  while :; do
    line=$("$1"_stats) || { echo "the $1 receiver stopped answering" >&2; return 1; }
    n=$(kv unique "$line")
    if [ "$n" -ge "$2" ]; then
      echo "$(cpu_ticks "${pid:-0}") $(cpu_ticks "${rsyslog_pid:-0}") $(machine_ticks)" >"$work/ticks_done"
      break
    fi
    if [ "$n" != "$last" ]; then last=$n; since=$SECONDS; fi
    if [ $((SECONDS - since)) -ge "$stall_seconds" ]; then
      echo "  WARNING: $3: only $n of $2 events at the $1 receiver, none new for $stall_seconds s; reporting what arrived" >&2
      echo "$(cpu_ticks "${pid:-0}") $(cpu_ticks "${rsyslog_pid:-0}") $(machine_ticks)" >"$work/ticks_done"
      break
    fi
    if [ "$SECONDS" -ge "$next_note" ]; then
      echo "         ... $3: $n of $2 at the $1 receiver" >&2
      next_note=$((SECONDS + 10))
    fi
    sleep 0.1
  done
  "$1"_stats
}
ingest() {  # org_id count start: runs the ingest client, prints its key=value line
  python3 scripts/bench/ingest_events.py "$admin" "$service_key" "$1" "$2" 1000 "$ingest_connections" \
    audit.bench.event "$3"
}
set_enabled() {  # slug integration_id true|false
  api PATCH "/organizations/$1/siem/$2" "{\"enabled\":$3}" >/dev/null
}
# Waits until the integration's lag_events is 0 (its durable cursor moved past everything); prints it.
wait_cursor() {  # slug integration_id
  local lag i
  for i in $(seq 1 100); do
    lag=$(api GET "/organizations/$1/siem/$2" | json_field lag_events)
    [ "$lag" = 0 ] && break
    sleep 0.1
  done
  echo "$lag"
}

# --- receivers, rsyslog, daemon -------------------------------------------------------------------------
"$bench" hec-receiver --threads "$receiver_threads" --token "$token" --port-file "$work/hec.port" \
  --sample-file "$work/hec.sample" >"$work/hec.log" 2>&1 &
hec_pid=$!
"$bench" syslog-receiver --threads "$receiver_threads" --port-file "$work/syslog.port" \
  --sample-file "$work/syslog.sample" >"$work/syslog.log" 2>&1 &
syslog_pid=$!
for _ in $(seq 1 100); do [ -s "$work/hec.port" ] && [ -s "$work/syslog.port" ] && break; sleep 0.1; done
[ -s "$work/hec.port" ] || { echo "hec receiver did not start:"; cat "$work/hec.log"; exit 1; }
[ -s "$work/syslog.port" ] || { echo "syslog receiver did not start:"; cat "$work/syslog.log"; exit 1; }
hec_port=$(cat "$work/hec.port")
read -r syslog_port syslog_control <"$work/syslog.port"
hec_stats >/dev/null && syslog_stats >/dev/null || { echo "a receiver does not answer"; cat "$work"/*.log; exit 1; }

rsyslog_port=$(free_port)
rsyslog_disk_port=$(free_port)
mkdir -p "$work/rsyslog"
cat >"$work/rsyslog/rsyslog.conf" <<EOF
# Private rsyslogd of bench-siem: no system inputs (no imuxsock, no imklog), one TCP input, one forward.
global(workDirectory="$work/rsyslog" maxMessageSize="64k")
module(load="imtcp" MaxSessions="16")
# The message as it came in: rsyslog parses it (RFC 5424) but sends the same bytes on.
template(name="bench_raw" type="string" string="%rawmsg%")
input(type="imtcp" address="127.0.0.1" port="$rsyslog_port" ruleset="forward")
ruleset(name="forward" queue.type="LinkedList" queue.size="1000000" queue.dequeueBatchSize="1024") {
  action(type="omfwd" target="127.0.0.1" port="$syslog_port" protocol="tcp" TCP_Framing="octet-counted"
         template="bench_raw" queue.type="LinkedList" queue.size="1000000" queue.dequeueBatchSize="1024"
         action.resumeRetryCount="-1")
}
# For context only: the same forward with a durable disk queue (fsync of the queue files on every write).
input(type="imtcp" address="127.0.0.1" port="$rsyslog_disk_port" ruleset="forward_disk")
ruleset(name="forward_disk") {
  action(type="omfwd" target="127.0.0.1" port="$syslog_port" protocol="tcp" TCP_Framing="octet-counted"
         template="bench_raw" queue.type="Disk" queue.filename="forward_disk" queue.syncQueueFiles="on"
         queue.maxDiskSpace="4g" queue.dequeueBatchSize="1024" action.resumeRetryCount="-1")
}
EOF
"$rsyslogd_bin" -N1 -f "$work/rsyslog/rsyslog.conf" >"$work/rsyslog/check.log" 2>&1 ||
  { echo "rsyslogd refuses the configuration:"; cat "$work/rsyslog/check.log"; exit 1; }
"$rsyslogd_bin" -n -f "$work/rsyslog/rsyslog.conf" -i "$work/rsyslog/rsyslogd.pid" >"$work/rsyslog/rsyslogd.log" 2>&1 &
rsyslog_pid=$!
for _ in $(seq 1 100); do
  python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$rsyslog_port" 2>/dev/null && break
  sleep 0.1
done
kill -0 "$rsyslog_pid" 2>/dev/null || { echo "rsyslogd did not start:"; cat "$work/rsyslog/rsyslogd.log"; exit 1; }

# Measure the defaults: no configuration file, no synchronous override.
unset HERALD_DATABASE_SYNCHRONOUS CONFIGURATION_DIRECTORY
HERALD_OUTBOUND_ALLOWLIST=127.0.0.0/8 HERALD_ORGANIZATIONS_AUTO_APPROVE=true HERALD_LIMITS_AUTH_FAILURES=1000000 \
  "$herald" serve --state-dir "$state" --public-address 127.0.0.1:0 --admin-address 127.0.0.1:0 \
  --log-level warning >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -s "$state/addresses.json" ] && break; sleep 0.1; done
[ -s "$state/addresses.json" ] || { echo "daemon did not start:"; cat "$log"; exit 1; }
admin=$(json_field admin <"$state/addresses.json")
auth="Authorization: Bearer $(cat "$state/bootstrap-admin-key")"
for _ in $(seq 1 100); do curl -fsS -o /dev/null "$admin/readyz" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$admin/readyz" || { echo "daemon not ready:"; cat "$log"; exit 1; }

# --- organizations, integrations, service key -----------------------------------------------------------
hec_org=$(api POST /organizations '{"slug":"bench-hec","name":"SIEM benchmark (HEC)"}' | json_field id)
syslog_org=$(api POST /organizations '{"slug":"bench-syslog","name":"SIEM benchmark (syslog)"}' | json_field id)
hec_id=$(api POST /organizations/bench-hec/siem \
  "{\"provider\":\"splunk-hec\",\"name\":\"bench HEC\",\"endpoint\":\"http://127.0.0.1:$hec_port\",\"credentials\":{\"token\":\"$token\"},\"event_types\":[\"audit.bench.*\"],\"enabled\":false}" |
  json_field id)
syslog_id=$(api POST /organizations/bench-syslog/siem \
  "{\"provider\":\"syslog\",\"name\":\"bench syslog\",\"endpoint\":\"tcp://127.0.0.1:$syslog_port\",\"event_types\":[\"audit.bench.*\"],\"enabled\":false}" |
  json_field id)
service_key=$("$herald" apikey create --email core@sso.example --service --name bench-ingest --state-dir "$state" 2>/dev/null)
[ -n "$service_key" ] || { echo "herald apikey create gave no key" >&2; exit 1; }

echo "Herald SIEM forwarding benchmark"
echo "  binaries:        $herald ($("$herald" --version 2>/dev/null || echo "version unknown")), $bench"
echo "  daemon:          $admin (pid $pid), database.synchronous=full (default: durable cursor), log level warning"
echo "  integrations:    splunk-hec -> http://127.0.0.1:$hec_port (gzip, <= 1000 envelopes a request);"\
  "syslog -> tcp://127.0.0.1:$syslog_port (RFC 5424, octet-counted); both audit.bench.*, one organization each"
echo "  receivers:       herald-bench hec-receiver (pid $hec_pid), syslog-receiver (pid $syslog_pid), $receiver_threads event loop thread(s) each"
echo "  rsyslog:         $("$rsyslogd_bin" -v 2>/dev/null | head -1 | cut -d, -f1) (pid $rsyslog_pid): imtcp 127.0.0.1:$rsyslog_port -> omfwd tcp octet-counted -> syslog receiver, LinkedList queues, %rawmsg%"
echo "  per run:         $events events per integration pre-ingested (paused), then forwarded; $live_events ingested while forwarding; $runs runs, medians reported"
echo "  wrk:             -t1 -c$wrk_connections -d$wrk_duration with Herald's own HEC body (raw rate of the HEC receiver)"
echo "  machine:         $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); daemon, receivers, rsyslog and load generators on the same machine"
read -r b0 t0_ <<<"$(machine_ticks)"; sleep 1; read -r b1 t1_ <<<"$(machine_ticks)"
idle_busy=$(awk -v b=$((b1 - b0)) -v t=$((t1_ - t0_)) -v n="$(nproc)" 'BEGIN { if (t > 0) printf "%.0f", 100 * n * b / t; else print 0 }')
echo "  machine busy:    ${idle_busy}% of $(nproc)00% in the second before the runs (everything else on the machine)"
[ "$idle_busy" -gt 20 ] && echo "  NOTE:            the machine is busy with other work: the figures will be noisy (see uptime/top)"
echo

# --- warm-up --------------------------------------------------------------------------------------------
next_n=0
forward() {  # kind slug integration_id count label: enables, waits for count distinct ids, pauses; prints a key=value line
  local kind=$1 slug=$2 id=$3 count=$4 label=$5
  reset_receiver "$kind" "$count"
  local d0 m0 t0 s done_line lag
  d0=$(cpu_ticks "$pid"); read -r m0 _ <<<"$(machine_ticks)"
  if [ "$perf_sample" = 1 ] && [ "$label" = "run 1" ] && command -v perf >/dev/null; then
    perf record -e cpu-clock -F 499 -g -p "$pid" -o "$work/perf-$kind.data" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  t0=$(now_ms)
  set_enabled "$slug" "$id" true
  s=$(wait_receiver "$kind" "$count" "$kind forward, $label")
  local t1; t1=$(now_ms)
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; perf_pid=""; fi
  read -r d1 _ m1 _ <"$work/ticks_done"
  lag=$(wait_cursor "$slug" "$id")
  set_enabled "$slug" "$id" false
  local last; last=$(kv last_ms "$s")
  local from_enable; from_enable=$(awk -v n="$(kv unique "$s")" -v a="$t0" -v b="$last" 'BEGIN { if (b > a) printf "%.0f", n / ((b - a) / 1000); else print 0 }')
  local wall; wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1000 }')
  echo "$s from_enable=$from_enable lag_after=$lag daemon_cpu=$(cpu_pct $((d1 - d0)) "$wall") machine_cpu=$(cpu_pct $((m1 - m0)) "$wall") wall=$wall"
}

echo "warm-up: $warmup events per integration (not counted)"
ingest "$hec_org" "$warmup" "$next_n" >/dev/null; next_n=$((next_n + warmup))
ingest "$syslog_org" "$warmup" "$next_n" >/dev/null; next_n=$((next_n + warmup))
w=$(forward hec bench-hec "$hec_id" "$warmup" warm-up)
echo "  HEC:    $(kv unique "$w") events in $(kv requests "$w") requests, $(kv bytes_per_message "$w") bytes an envelope, $(kv wire_bytes_per_request "$w") bytes a request (gzip)"
w=$(forward syslog bench-syslog "$syslog_id" "$warmup" warm-up)
echo "  syslog: $(kv unique "$w") messages in $(kv requests "$w") reads, $(kv bytes_per_message "$w") bytes a message"
[ -s "$work/hec.sample" ] || { echo "the HEC receiver kept no sample body (did the warm-up reach it?)"; tail -20 "$log"; exit 1; }
[ -s "$work/syslog.sample" ] || { echo "the syslog receiver kept no sample message"; tail -20 "$log"; exit 1; }
sample_envelopes=$(python3 -c 'import gzip,sys; print(gzip.decompress(open(sys.argv[1], "rb").read()).count(b"\"event_id\""))' "$work/hec.sample")
echo "  samples: HEC body $(stat -c %s "$work/hec.sample") bytes gzip, ~$sample_envelopes envelopes; syslog message $(stat -c %s "$work/syslog.sample") bytes"
echo

# --- runs -----------------------------------------------------------------------------------------------
declare -a HEC_RAW HEC HEC_ENABLE HEC_CPU SYS_RAW RSYS RSYS_CPU SYS SYS_ENABLE SYS_CPU LIVE_HEC LIVE_SYS INGEST
print_forward() {  # label line
  printf '         %-15s %8s events/s   (%s events in %s s first to last, %s events/s from the PATCH; %s requests, %s duplicates; lag_events after: %s)\n' \
    "$1" "$(fmt "$(kv unique_rate "$2")")" "$(kv unique "$2")" "$(kv seconds "$2")" "$(kv from_enable "$2")" \
    "$(kv requests "$2")" "$(kv duplicates "$2")" "$(kv lag_after "$2")"
  printf '         %-15s daemon CPU %s%% (100%% = one core), whole machine %s%% of %d00%%; longest pause between requests %s ms\n' \
    "" "$(kv daemon_cpu "$2")" "$(kv machine_cpu "$2")" "$(nproc)" "$(kv max_gap_ms "$2")"
}
live_note() {  # line: the receiver's view of a live phase
  echo "$(kv unique "$1") events ingested at $(kv ingest_rate "$1") events/s while forwarding, $(kv requests "$1") requests;"\
    "first ingest request to last arrival; receiver idle > 50 ms: $(kv gaps_over_50ms_s "$1") s, longest pause $(kv max_gap_ms "$1") ms"
}
live() {  # kind slug org integration_id count label first_n: ingest while forwarding; prints a key=value line
  local kind=$1 slug=$2 org=$3 id=$4 count=$5
  set_enabled "$slug" "$id" true
  sleep 0.5
  reset_receiver "$kind" "$count"
  local t0 line s
  t0=$(now_ms)
  line=$(ingest "$org" "$count" "$7")
  s=$(wait_receiver "$kind" "$count" "$kind live, $6")
  set_enabled "$slug" "$id" false
  local rate; rate=$(awk -v n="$(kv unique "$s")" -v a="$t0" -v b="$(kv last_ms "$s")" 'BEGIN { if (b > a) printf "%.0f", n / ((b - a) / 1000); else print 0 }')
  echo "$s live_rate=$rate ingest_rate=$(kv rate "$line")"
}

for run in $(seq 1 "$runs"); do
  echo "run $run"
  echo "         pre-ingesting $events events into each organization (integrations paused) ..."
  l1=$(ingest "$hec_org" "$events" "$next_n"); next_n=$((next_n + events))
  l2=$(ingest "$syslog_org" "$events" "$next_n"); next_n=$((next_n + events))
  irate=$(awk -v a="$(kv rate "$l1")" -v b="$(kv rate "$l2")" 'BEGIN { printf "%.0f", (a + b) / 2 }')
  printf '         ingest          %8s events/s   (POST /api/events, batches of 1000, %s connections; %s and %s s)\n' \
    "$irate" "$ingest_connections" "$(kv seconds "$l1")" "$(kv seconds "$l2")"

  # HEC raw: wrk with Herald's body
  reset_receiver hec 0
  wrk -t1 -c"$wrk_connections" -d"$wrk_duration" --latency -s scripts/bench/siem_hec_post.lua \
    "http://127.0.0.1:$hec_port/services/collector/event" -- "$work/hec.sample" "$token" >"$work/wrk-$run.txt" 2>&1
  read -r wrk_rps _ _ _ wrk_bad _ <<<"$(wrk_summary "$work/wrk-$run.txt")"
  s=$(hec_stats)
  raw=$(kv rate "$s")
  note=""; [ "$wrk_bad" -gt 0 ] && note=" ($wrk_bad non-2xx)"; [ "$(kv refused "$s")" -gt 0 ] && note="$note ($(kv refused "$s") refused)"
  printf '  run %d  HEC raw         %8s events/s   (wrk: %s req/s x %s envelopes, %s bytes gzip a request)%s\n' \
    "$run" "$(fmt "$raw")" "$wrk_rps" "$(kv messages_per_request "$s")" "$(kv wire_bytes_per_request "$s")" "$note"

  # Herald HEC
  h=$(forward hec bench-hec "$hec_id" "$events" "run $run")
  print_forward "Herald HEC" "$h"
  printf '         %-15s = %s%% of the raw rate, %s%% of the %s events/s target\n' "" \
    "$(ratio_pct "$(kv unique_rate "$h")" "$raw")" "$(ratio_pct "$(kv unique_rate "$h")" "$hec_target")" "$hec_target"

  # syslog raw
  tag=$(printf '%04x%04x' "$run" 1)
  python3 scripts/bench/siem_syslog_feed.py generate "$work/syslog.sample" "$events" "$tag" "$work/feed.bin" >/dev/null
  reset_receiver syslog "$events"
  f=$(python3 scripts/bench/siem_syslog_feed.py send 127.0.0.1 "$syslog_port" "$work/feed.bin")
  s=$(wait_receiver syslog "$events" "syslog raw, run $run")
  sraw=$(kv rate "$s")
  printf '  run %d  syslog raw      %8s events/s   (%s messages over one connection in %s s; the sender wrote for %s s)\n' \
    "$run" "$(fmt "$sraw")" "$(kv unique "$s")" "$(kv seconds "$s")" "$(kv seconds "$f")"

  # rsyslog omfwd
  tag=$(printf '%04x%04x' "$run" 2)
  python3 scripts/bench/siem_syslog_feed.py generate "$work/syslog.sample" "$events" "$tag" "$work/feed.bin" >/dev/null
  reset_receiver syslog "$events"
  r0=$(cpu_ticks "$rsyslog_pid")
  f=$(python3 scripts/bench/siem_syslog_feed.py send 127.0.0.1 "$rsyslog_port" "$work/feed.bin")
  s=$(wait_receiver syslog "$events" "rsyslog, run $run")
  read -r _ r1 _ _ <"$work/ticks_done"
  start=$(kv start_ms "$f"); last=$(kv last_ms "$s")
  rs_seconds=$(awk -v a="$start" -v b="$last" 'BEGIN { printf "%.3f", (b - a) / 1000 }')
  rs_rate=$(awk -v n="$(kv unique "$s")" -v t="$rs_seconds" 'BEGIN { if (t > 0) printf "%.0f", n / t; else print 0 }')
  rs_cpu=$(cpu_pct $((r1 - r0)) "$rs_seconds")
  printf '  run %d  rsyslog omfwd   %8s events/s   (%s messages, first byte in to last message out %s s; rsyslogd CPU %s%%; %s octet-counted, %s LF frames out)\n' \
    "$run" "$rs_rate" "$(kv unique "$s")" "$rs_seconds" "$rs_cpu" "$(kv octet_counted "$s")" "$(kv line_framed "$s")"
  rm -f "$work/feed.bin"

  # Herald syslog
  y=$(forward syslog bench-syslog "$syslog_id" "$events" "run $run")
  print_forward "Herald syslog" "$y"
  printf '         %-15s = %s%% of rsyslog omfwd, %s%% of the syslog receiver'"'"'s raw rate\n' "" \
    "$(ratio_pct "$(kv unique_rate "$y")" "$rs_rate")" "$(ratio_pct "$(kv unique_rate "$y")" "$sraw")"

  # ingest and forward together
  lh=$(live hec bench-hec "$hec_org" "$hec_id" "$live_events" "run $run" "$next_n"); next_n=$((next_n + live_events))
  ls_=$(live syslog bench-syslog "$syslog_org" "$syslog_id" "$live_events" "run $run" "$next_n"); next_n=$((next_n + live_events))
  printf '  run %d  live HEC        %8s events/s   (%s)\n' "$run" "$(kv live_rate "$lh")" "$(live_note "$lh")"
  printf '         live syslog     %8s events/s   (%s)\n' "$(kv live_rate "$ls_")" "$(live_note "$ls_")"

  HEC_RAW+=("$raw"); HEC+=("$(kv unique_rate "$h")"); HEC_ENABLE+=("$(kv from_enable "$h")"); HEC_CPU+=("$(kv daemon_cpu "$h")")
  SYS_RAW+=("$sraw"); RSYS+=("$rs_rate"); RSYS_CPU+=("$rs_cpu")
  SYS+=("$(kv unique_rate "$y")"); SYS_ENABLE+=("$(kv from_enable "$y")"); SYS_CPU+=("$(kv daemon_cpu "$y")")
  LIVE_HEC+=("$(kv live_rate "$lh")"); LIVE_SYS+=("$(kv live_rate "$ls_")"); INGEST+=("$irate")
done
echo

rs_disk_rate=""
if [ "$rsyslog_disk_events" -gt 0 ]; then
  echo "context: rsyslog omfwd with a durable disk queue (queue.type=Disk, syncQueueFiles=on), $rsyslog_disk_events messages ..."
  python3 scripts/bench/siem_syslog_feed.py generate "$work/syslog.sample" "$rsyslog_disk_events" 0000ffff "$work/feed.bin" >/dev/null
  reset_receiver syslog "$rsyslog_disk_events"
  r0=$(cpu_ticks "$rsyslog_pid")
  f=$(python3 scripts/bench/siem_syslog_feed.py send 127.0.0.1 "$rsyslog_disk_port" "$work/feed.bin")
  s=$(wait_receiver syslog "$rsyslog_disk_events" "rsyslog with a disk queue")
  read -r _ r1 _ _ <"$work/ticks_done"
  rs_disk_seconds=$(awk -v a="$(kv start_ms "$f")" -v b="$(kv last_ms "$s")" 'BEGIN { printf "%.3f", (b - a) / 1000 }')
  rs_disk_rate=$(awk -v n="$(kv unique "$s")" -v t="$rs_disk_seconds" 'BEGIN { if (t > 0) printf "%.0f", n / t; else print 0 }')
  printf '         rsyslog omfwd, disk queue %8s events/s   (%s messages, first byte in to last message out %s s; rsyslogd CPU %s%%)\n' \
    "$rs_disk_rate" "$(kv unique "$s")" "$rs_disk_seconds" "$(cpu_pct $((r1 - r0)) "$rs_disk_seconds")"
  rm -f "$work/feed.bin"
  echo
fi

if [ "$perf_sample" = 1 ]; then
  for kind in hec syslog; do
    [ -s "$work/perf-$kind.data" ] || continue
    echo "perf (daemon, run 1, Herald $kind forward, cpu-clock samples; top symbols by self time)"
    perf report -i "$work/perf-$kind.data" --stdio --no-children --sort symbol 2>/dev/null | grep -E '^ +[0-9.]+%' | head -30 |
      { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi } | cut -c1-170 || true
    if [ -n "${BENCH_PERF_DATA:-}" ]; then
      mkdir -p "$BENCH_PERF_DATA"; cp "$work/perf-$kind.data" "$BENCH_PERF_DATA/"; echo "  (kept in $BENCH_PERF_DATA/perf-$kind.data)"
    fi
    echo
  done
fi

# --- summary --------------------------------------------------------------------------------------------
# shellcheck disable=SC2068
m_hec_raw=$(median ${HEC_RAW[@]}); m_hec=$(median ${HEC[@]}); m_hec_enable=$(median ${HEC_ENABLE[@]}); m_hec_cpu=$(median ${HEC_CPU[@]})
# shellcheck disable=SC2068
m_sys_raw=$(median ${SYS_RAW[@]}); m_rsys=$(median ${RSYS[@]}); m_rsys_cpu=$(median ${RSYS_CPU[@]})
# shellcheck disable=SC2068
m_sys=$(median ${SYS[@]}); m_sys_enable=$(median ${SYS_ENABLE[@]}); m_sys_cpu=$(median ${SYS_CPU[@]})
# shellcheck disable=SC2068
m_live_hec=$(median ${LIVE_HEC[@]}); m_live_sys=$(median ${LIVE_SYS[@]}); m_ingest=$(median ${INGEST[@]})
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "target met" : "target missed" }'; }
echo "Results (median of $runs runs; $events events per forward; synchronous=full: durable cursor)"
printf '  HEC receiver raw rate (wrk, -c%s):        %8s events/s\n' "$wrk_connections" "$(fmt "$m_hec_raw")"
printf '  Herald -> HEC:                           %8s events/s   (%s from the PATCH; daemon CPU %s%%)\n' \
  "$(fmt "$m_hec")" "$m_hec_enable" "$m_hec_cpu"
printf '    vs the receiver'"'"'s raw rate:             %7s%%\n' "$(ratio_pct "$m_hec" "$m_hec_raw")"
printf '    vs the target (>= %s events/s):     %7s%%          %s\n' "$hec_target" "$(ratio_pct "$m_hec" "$hec_target")" \
  "$(verdict "$m_hec" "$hec_target")"
printf '  syslog receiver raw rate (one conn):     %8s events/s\n' "$(fmt "$m_sys_raw")"
printf '  rsyslog omfwd -> syslog receiver:        %8s events/s   (first in to last out; rsyslogd CPU %s%%)\n' "$m_rsys" "$m_rsys_cpu"
printf '  Herald -> syslog:                        %8s events/s   (%s from the PATCH; daemon CPU %s%%)\n' \
  "$(fmt "$m_sys")" "$m_sys_enable" "$m_sys_cpu"
printf '    vs rsyslog omfwd (target >= 100%%):     %7s%%          %s\n' "$(ratio_pct "$m_sys" "$m_rsys")" "$(verdict "$m_sys" "$m_rsys")"
[ -n "$rs_disk_rate" ] && printf '  (context) rsyslog omfwd with a durable disk queue: %s events/s; Herald -> syslog = %sx that\n' \
  "$rs_disk_rate" "$(awk -v a="$m_sys" -v b="$rs_disk_rate" 'BEGIN { if (b > 0) printf "%.0f", a / b; else print "-" }')"
printf '  ingest + forward together: HEC %s events/s, syslog %s events/s (ingest alone: %s events/s)\n' \
  "$m_live_hec" "$m_live_sys" "$m_ingest"
echo

stop_pid pid
if grep -qiE 'error|critical' "$log"; then
  echo "daemon log has errors:"; grep -iE 'error|critical' "$log" | head -20 || true
fi
