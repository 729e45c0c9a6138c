#!/usr/bin/env bash
# Webhook delivery benchmark (`make bench-webhooks`). Starts the fast local receiver
# (`herald-bench webhook-receiver`, SwiftNIO, one listening port per endpoint) and the daemon on free ports
# with a temporary state directory, default configuration (database.synchronous=full: the durable queue on),
# HERALD_OUTBOUND_ALLOWLIST=127.0.0.0/8 and auto-approved organizations. Through the real API it creates one
# organization with BENCH_ENDPOINTS webhook endpoints, one per receiver port, and a service API key. Then:
#   warm-up   BENCH_WARMUP events delivered (not counted; gives the webhook's request size for wrk)
#   per run   wrk's raw POST rate against the receiver (same body size, padded to the same header size,
#             keep-alive), then N events ingested through POST /api/events in batches of BENCH_BATCH
#             (scripts/bench/ingest_events.py, BENCH_INGEST_CONNECTIONS keep-alive connections) as fast as the
#             daemon answers, until the receiver has every delivery: deliveries/s (first to last arrival),
#             p50/p99 event-to-delivery latency (the event's data.bench_sent_ms, set just before its batch was
#             sent, to the receiver's arrival time), duplicates, ingest rate, the CPU used by the daemon (and
#             its busiest threads), the receiver, the ingest client and everything else on the machine during
#             the run, and the daemon's own mean claim-to-finish and attempt times (/metrics)
#   memory    a second organization, suspended, gets BENCH_PENDING events: its deliveries are held (pending
#             jobs, GET /api/platform/jobs); the daemon's VmRSS and VmHWM (peak reset before the phase)
# BENCH_RUNS (3) runs; the medians are reported with the ratio deliveries/s : wrk raw rate and the targets
# (>= 5,000 deliveries/s, >= 25 % of the raw rate, RSS <= 150 MB with 100,000 pending jobs).
# These are figures, not a test: the script fails only when the benchmark itself cannot run.
# Usage: scripts/bench-webhooks.sh [EVENTS]      (default 50,000 per run)
#   BENCH_BIN_DIR=.build/release BENCH_RUNS=3 BENCH_ENDPOINTS=8 BENCH_FANOUT=spread BENCH_BATCH=1000
#   BENCH_INGEST_CONNECTIONS=2 BENCH_INGEST_RATE=0 BENCH_WARMUP=2000 BENCH_PENDING=100000 BENCH_RECEIVER_THREADS=1
#   BENCH_WRK_DURATION=5s BENCH_WRK_THREADS=1 BENCH_WRK_CONNECTIONS=(in-flight deliveries at most)
#   BENCH_STALL_SECONDS=60 BENCH_MEMORY_SECONDS=10 BENCH_SHARED_PORT=0 BENCH_PERF=0 BENCH_PERF_DATA=(keep it here)
#   HERALD_WEBHOOKS_CONCURRENCY_PER_ENDPOINT, HERALD_WEBHOOKS_WORKERS are passed to the daemon (defaults 4, 64).
# BENCH_FANOUT=spread: event n has type audit.bench.e<n mod endpoints> and each endpoint subscribes to one of
# them, so N events make N deliveries spread over the endpoints; BENCH_FANOUT=all: every endpoint subscribes
# to every event (N x endpoints deliveries). BENCH_SHARED_PORT=1 points every endpoint at one port (one
# connection pool in the daemon for all of them). BENCH_INGEST_RATE=R paces the runs' ingest at R events/s
# (0: as fast as the daemon answers); below the delivery rate it gives the latency without a backlog.
# BENCH_PERF=1 samples the daemon with `perf record` during the first run and prints the top symbols.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench/lib.sh
bin_dir=${BENCH_BIN_DIR:-.build/release}
herald=$bin_dir/herald
bench=$bin_dir/herald-bench
events=${1:-${BENCH_EVENTS:-50000}}
runs=${BENCH_RUNS:-3}
endpoints=${BENCH_ENDPOINTS:-8}
fanout=${BENCH_FANOUT:-spread}
batch=${BENCH_BATCH:-1000}
ingest_connections=${BENCH_INGEST_CONNECTIONS:-2}
ingest_rate=${BENCH_INGEST_RATE:-0}
warmup=${BENCH_WARMUP:-2000}
pending=${BENCH_PENDING:-100000}
receiver_threads=${BENCH_RECEIVER_THREADS:-1}
wrk_duration=${BENCH_WRK_DURATION:-5s}
wrk_threads=${BENCH_WRK_THREADS:-1}
stall_seconds=${BENCH_STALL_SECONDS:-60}
memory_seconds=${BENCH_MEMORY_SECONDS:-10}
shared_port=${BENCH_SHARED_PORT:-0}
perf_sample=${BENCH_PERF:-0}
per_endpoint=${HERALD_WEBHOOKS_CONCURRENCY_PER_ENDPOINT:-4}
workers=${HERALD_WEBHOOKS_WORKERS:-64}
in_flight=$((endpoints * per_endpoint < workers ? endpoints * per_endpoint : workers))
wrk_connections=${BENCH_WRK_CONNECTIONS:-$in_flight}
rate_target=5000
ratio_target_pct=25
rss_target_kb=146484  # 150 MB = 150,000,000 bytes

command -v wrk >/dev/null || { echo "wrk is not installed (make deps, or apt-get install wrk)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }
for b in "$herald" "$bench"; do
  [ -x "$b" ] || { echo "no executable at $b (make bench-webhooks builds both in release)" >&2; exit 1; }
done
case $fanout in spread | all) ;; *) echo "BENCH_FANOUT must be spread or all" >&2; exit 1 ;; esac
[ "$batch" -ge 1 ] && [ "$batch" -le 1000 ] || { echo "BENCH_BATCH must be 1 to 1000" >&2; exit 1; }

state=$(mktemp -d)
work=$(mktemp -d)
log="$state/herald.log"
pid=""
receiver_pid=""
perf_pid=""
cleanup() {
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; fi
  for v in pid receiver_pid; do stop_pid "$v" >/dev/null 2>&1 || true; done
  rm -rf "$state" "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ratio_pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "0" }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB (%.1f MiB)", k * 1024 / 1e6, k / 1024 }'; }
proc_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
# per-thread ticks of the daemon: "tid ticks comm" lines
thread_ticks() {
  local t
  for t in /proc/"$pid"/task/*; do
    [ -r "$t/stat" ] || continue
    awk -v tid="${t##*/}" '{ c = $0; sub(/^[^(]*\(/, "", c); sub(/\).*$/, "", c); gsub(/ /, "_", c); s = $0; sub(/^.*\) /, "", s); split(s, f, " "); print tid, f[12] + f[13], c }' "$t/stat" 2>/dev/null || true
  done
}

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
job_total() {  # state [org_id]: total of GET /api/platform/jobs?state=…&kind=webhook.delivery (state "": every state)
  local query="kind=webhook.delivery&limit=1"
  [ -n "$1" ] && query="$query&state=$1"
  [ -n "${2:-}" ] && query="$query&org_id=$2"
  api GET "/platform/jobs?$query" | json_field total
}
stats() { curl -fsS "$receiver_url/_stats${1:-}"; }
# "sum count" of the Prometheus histograms the daemon keeps for webhook jobs, from GET /metrics:
# claim-to-finish (claim, attempt, outcome recorded) and the attempt itself (endpoint load, vetting, signing, POST)
timer_sums() {
  curl -fsS -H "$auth" "$admin/metrics" 2>/dev/null | awk '
    /^herald_job_claim_to_finish_seconds_sum\{.*webhook\.delivery/ { cs += $NF }
    /^herald_job_claim_to_finish_seconds_count\{.*webhook\.delivery/ { cc += $NF }
    /^herald_webhook_attempt_seconds_sum\{/ { as += $NF }
    /^herald_webhook_attempt_seconds_count\{/ { ac += $NF }
    END { printf "%.6f %d %.6f %d\n", cs, cc, as, ac }' || echo "0 0 0 0"
}

# --- receiver and daemon --------------------------------------------------------------------------------
listeners=$endpoints
[ "$shared_port" = 1 ] && listeners=1
"$bench" webhook-receiver --listeners "$listeners" --threads "$receiver_threads" --port-file "$work/receiver.ports" \
  >"$work/receiver.log" 2>&1 &
receiver_pid=$!
for _ in $(seq 1 100); do [ -s "$work/receiver.ports" ] && break; sleep 0.1; done
[ -s "$work/receiver.ports" ] || { echo "receiver did not start:"; cat "$work/receiver.log"; exit 1; }
read -r -a ports <"$work/receiver.ports"
receiver_url="http://127.0.0.1:${ports[0]}"
stats >/dev/null || { echo "receiver does not answer:"; cat "$work/receiver.log"; exit 1; }

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

# --- organization, endpoints, service key ---------------------------------------------------------------
org_id=$(api POST /organizations '{"slug":"bench","name":"Webhook benchmark"}' | json_field id)
for i in $(seq 0 $((endpoints - 1))); do
  port=${ports[$((shared_port == 1 ? 0 : i))]}
  if [ "$fanout" = spread ]; then types="[\"audit.bench.e$i\"]"; else types='["audit.bench.*"]'; fi
  api POST /organizations/bench/webhooks \
    "{\"url\":\"http://127.0.0.1:$port/hooks/$i\",\"event_types\":$types,\"description\":\"bench endpoint $i\"}" >/dev/null
done
service_key=$("$herald" apikey create --email core@sso.example --service --name bench-ingest --state-dir "$state" 2>/dev/null)
[ -n "$service_key" ] || { echo "herald apikey create gave no key" >&2; exit 1; }
if [ "$fanout" = spread ]; then types_arg="audit.bench.e%d:$endpoints"; per_event=1; else types_arg="audit.bench.all"; per_event=$endpoints; fi
deliveries=$((events * per_event))

ingest() {  # org_id count types start: runs the ingest client, prints its key=value line
  python3 scripts/bench/ingest_events.py "$admin" "$service_key" "$1" "$2" "$batch" "$ingest_connections" "$3" "$4" "${5:-0}"
}
# Waits until the receiver has `expected` deliveries (or nothing arrived for BENCH_STALL_SECONDS); prints the stats.
wait_deliveries() {  # expected
  local last=-1 since=$SECONDS line n
  while :; do
    line=$(stats) || { echo "receiver stopped answering" >&2; return 1; }
    n=$(kv deliveries "$line")
    [ "$n" -ge "$1" ] && break
    if [ "$n" != "$last" ]; then last=$n; since=$SECONDS; fi
    if [ $((SECONDS - since)) -ge "$stall_seconds" ]; then
      echo "  WARNING: only $n of $1 deliveries, none for $stall_seconds s; reporting what arrived" >&2
      break
    fi
    sleep 0.25  # the rate comes from the receiver's own arrival times: a coarse poll costs nothing in precision
  done
  stats '?latencies=1'
}
# Waits until no webhook job of the daemon is available, leased or retrying (acks trail the receiver a moment).
wait_quiet() {
  local i s total
  for i in $(seq 1 300); do
    total=0
    for s in available leased retrying; do total=$((total + $(job_total "$s" "$org_id"))); done
    [ "$total" -eq 0 ] && return 0
    sleep 0.1
  done
  echo "  WARNING: $total webhook jobs still pending 30 s after the last delivery" >&2
}

echo "Herald webhook delivery benchmark"
echo "  binaries:             $herald ($("$herald" --version 2>/dev/null || echo "version unknown")), $bench"
echo "  daemon:               $admin (pid $pid), database.synchronous=full (default), log level warning"
echo "  webhooks:             concurrency_per_endpoint=$per_endpoint workers=$workers (HERALD_WEBHOOKS_*), at most $in_flight in flight"
if [ "$shared_port" = 1 ]; then port_note="all on port ${ports[0]} (one connection pool)"; else port_note="one receiver port each (${ports[*]})"; fi
echo "  endpoints:            $endpoints, $port_note"
if [ "$fanout" = spread ]; then
  echo "  fan-out:              spread: event n -> endpoint n mod $endpoints (1 delivery per event)"
else
  echo "  fan-out:              all: every event -> every endpoint ($endpoints deliveries per event)"
fi
echo "  receiver:             herald-bench webhook-receiver (pid $receiver_pid), $receiver_threads event loop thread(s), answers 204 at once"
if [ "$ingest_rate" != 0 ]; then pace_note="paced at $ingest_rate events/s"; else pace_note="as fast as the daemon answers"; fi
echo "  per run:              $events events -> $deliveries deliveries, ingest batches of $batch over $ingest_connections connection(s), $pace_note; $runs runs, medians reported"
echo "  wrk:                  -t$wrk_threads -c$wrk_connections -d$wrk_duration (raw POST rate against the same receiver)"
echo "  machine:              $(nproc) cores, daemon, receiver, wrk and the ingest client on the same machine"
echo

# --- warm-up --------------------------------------------------------------------------------------------
next_n=0
if [ "$warmup" -gt 0 ]; then
  warm_deliveries=$((warmup * per_event))
  curl -fsS -X POST "$receiver_url/_reset?expected=$warm_deliveries" >/dev/null
  r=$(ingest "$org_id" "$warmup" "$types_arg" "$next_n"); next_n=$((next_n + warmup))
  w=$(wait_deliveries "$warm_deliveries")
  wait_quiet
  printf 'warm-up: %s events, %s deliveries at %s/s (not counted)\n' "$warmup" "$(kv deliveries "$w")" "$(kv rate "$w")"
else
  w=$(stats)
fi
body_bytes=$(kv webhook_body_avg "$w"); header_bytes=$(kv webhook_header_avg "$w")
[ "${body_bytes:-0}" -gt 0 ] || { body_bytes=180; header_bytes=300; }
echo "webhook request: $body_bytes-byte body, $header_bytes bytes of header lines; wrk sends the same sizes"

run_wrk() {  # out_file: prints "req/s p50_ms p99_ms requests non2xx socket_errors"
  wrk -t"$wrk_threads" -c"$wrk_connections" -d"$wrk_duration" --latency -s scripts/bench/post_webhook.lua \
    "$receiver_url/raw" -- "$body_bytes" "$header_bytes" >"$1" 2>&1 || { cat "$1" >&2; return 1; }
  wrk_summary "$1"
}

declare -a RAW RATE P50 P99 RATIO INGEST DUPS
echo "runs (wrk raw POST rate, then $events events ingested and delivered)"
for run in $(seq 1 "$runs"); do
  # wrk: the raw rate, and the receiver's CPU while it serves it
  rcpu0=$(cpu_ticks "$receiver_pid"); dcpu0=$(cpu_ticks "$pid"); read -r mbusy0 _ <<<"$(machine_ticks)"; t0=$(date +%s%N)
  read -r raw_rps raw_p50 raw_p99 raw_n raw_bad raw_sock <<<"$(run_wrk "$work/wrk-$run.txt")"
  rcpu1=$(cpu_ticks "$receiver_pid"); dcpu1=$(cpu_ticks "$pid"); read -r mbusy1 _ <<<"$(machine_ticks)"; t1=$(date +%s%N)
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')
  note=""; [ "$raw_bad" -gt 0 ] && note="  ($raw_bad non-2xx)"; [ "$raw_sock" -gt 0 ] && note="$note ($raw_sock socket errors)"
  printf '  run %d  wrk raw POST:   %8s req/s   p50 %6.2f ms   p99 %6.2f ms   %s requests%s\n' \
    "$run" "$raw_rps" "$raw_p50" "$raw_p99" "$raw_n" "$note"
  printf '         CPU over %.1f s: receiver %s%%, daemon %s%%, wrk and everything else %s%%\n' "$wall" \
    "$(cpu_pct $((rcpu1 - rcpu0)) "$wall")" "$(cpu_pct $((dcpu1 - dcpu0)) "$wall")" \
    "$(cpu_pct $((mbusy1 - mbusy0 - (rcpu1 - rcpu0) - (dcpu1 - dcpu0))) "$wall")"
  if [ "$run" = 1 ]; then
    p=$(stats)
    echo "         (the receiver saw wrk's requests as $(kv plain_body_avg "$p")-byte bodies with $(kv plain_header_avg "$p") bytes of header lines)"
  fi

  # delivery
  curl -fsS -X POST "$receiver_url/_reset?expected=$deliveries" >/dev/null
  dcpu0=$(cpu_ticks "$pid"); rcpu0=$(cpu_ticks "$receiver_pid"); read -r mbusy0 mtotal0 <<<"$(machine_ticks)"
  thread_ticks >"$work/threads0"
  read -r cs0 cc0 as0 ac0 <<<"$(timer_sums)"
  if [ "$perf_sample" = 1 ] && [ "$run" = 1 ] && command -v perf >/dev/null; then
    perf record -e cpu-clock -F 499 -g -p "$pid" -o "$work/perf.data" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  t0=$(date +%s%N)
  ingest_line=$(ingest "$org_id" "$events" "$types_arg" "$next_n" "$ingest_rate"); next_n=$((next_n + events))
  s=$(wait_deliveries "$deliveries")
  t1=$(date +%s%N)
  dcpu1=$(cpu_ticks "$pid"); rcpu1=$(cpu_ticks "$receiver_pid"); read -r mbusy1 mtotal1 <<<"$(machine_ticks)"
  thread_ticks >"$work/threads1"
  read -r cs1 cc1 as1 ac1 <<<"$(timer_sums)"
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; perf_pid=""; fi
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')
  rate=$(kv rate "$s"); p50=$(kv p50_ms "$s"); p99=$(kv p99_ms "$s"); dups=$(kv duplicates "$s"); got=$(kv deliveries "$s")
  irate=$(kv rate "$ingest_line"); icpu=$(kv client_cpu_s "$ingest_line")
  ratio=$(ratio_pct "$rate" "$raw_rps")
  printf '  run %d  delivery:       %8s deliveries/s   p50 %8.1f ms   p99 %8.1f ms   %s/%s delivered in %s s, %s duplicates   = %s%% of raw\n' \
    "$run" "$rate" "$p50" "$p99" "$got" "$deliveries" "$(kv seconds "$s")" "$dups" "$ratio"
  printf '         ingest:         %8s events/s   (%s events in %s s; batch p50 %s ms, p99 %s ms; client CPU %s s)\n' \
    "$irate" "$(kv events "$ingest_line")" "$(kv seconds "$ingest_line")" "$(kv batch_p50_ms "$ingest_line")" \
    "$(kv batch_p99_ms "$ingest_line")" "$icpu"
  mbusy=$((mbusy1 - mbusy0)); mtotal=$((mtotal1 - mtotal0))
  dt=$((dcpu1 - dcpu0)); rt=$((rcpu1 - rcpu0))
  it=$(awk -v c="$icpu" -v hz="$hz" 'BEGIN { printf "%d", c * hz }')
  other=$((mbusy - dt - rt - it)); [ "$other" -lt 0 ] && other=0
  printf '         CPU over %.1f s (100%% = one core of %d): daemon %s%%, receiver %s%%, ingest client %s%%, everything else %s%%, idle %s%%\n' \
    "$wall" "$(nproc)" "$(cpu_pct "$dt" "$wall")" "$(cpu_pct "$rt" "$wall")" "$(cpu_pct "$it" "$wall")" \
    "$(cpu_pct "$other" "$wall")" "$(cpu_pct $((mtotal - mbusy)) "$wall")"
  # threads started during the run count from 0; those that ended during it are missing (dispatch retires idle ones)
  top_threads=$(LC_ALL=C join -a 2 -e 0 -o 1.2,2.2,2.3 <(LC_ALL=C sort -k1,1 "$work/threads0") <(LC_ALL=C sort -k1,1 "$work/threads1") 2>/dev/null |
    awk -v hz="$hz" -v s="$wall" '{ d = $2 - $1; if (d > 0) printf "%s %.0f\n", $3, 100 * d / hz / s }' |
    awk '{ a[$1] += $2; n[$1]++ } END { for (k in a) printf "%d %s%s\n", a[k], k, (n[k] > 1 ? "(x" n[k] ")" : "") }' |
    sort -rn | head -6 | awk '{ printf "%s%s %s%%", (NR > 1 ? ", " : ""), $2, $1 }' || true)
  echo "         daemon threads: ${top_threads:-n/a}"
  awk -v a="$cs0 $cc0 $as0 $ac0" -v b="$cs1 $cc1 $as1 $ac1" -v r="$rate" 'BEGIN {
    split(a, x, " "); split(b, y, " "); n = y[2] - x[2]; m = y[4] - x[4]
    if (n <= 0) exit
    ctf = (y[1] - x[1]) / n * 1000; att = (m > 0) ? (y[3] - x[3]) / m * 1000 : 0
    printf "         daemon timers (/metrics, mean over the run): claim to finish %.2f ms, of which the attempt %.2f ms;", ctf, att
    printf " x %s deliveries/s = %.1f jobs in flight on average\n", r, r * ctf / 1000 }'
  [ "$run" = 1 ] && echo "           (-qos.overcommit: serial dispatch queues, i.e. GRDB's SQLite connections; oot.default-qos: the Swift"\
    "concurrency pool (dispatcher, deliverer, handlers); NIO-SGLTN: event loops (HTTP client and listeners))"
  RAW+=("$raw_rps"); RATE+=("$rate"); P50+=("$p50"); P99+=("$p99"); RATIO+=("$ratio"); INGEST+=("$irate"); DUPS+=("$dups")
  wait_quiet
done
if [ "$perf_sample" = 1 ] && [ -s "$work/perf.data" ]; then
  echo
  echo "perf (daemon, run 1, cpu-clock samples; top symbols by self time)"
  perf report -i "$work/perf.data" --stdio --no-children --sort symbol 2>/dev/null | grep -E '^ +[0-9.]+%' | head -25 |
    { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi } | cut -c1-160 || true
  if [ -n "${BENCH_PERF_DATA:-}" ]; then cp "$work/perf.data" "$BENCH_PERF_DATA"; echo "  (recording kept in $BENCH_PERF_DATA)"; fi
fi
echo

# --- memory with pending jobs ---------------------------------------------------------------------------
echo "memory with $pending pending webhook jobs (organization suspended: its deliveries are held)"
held_id=$(api POST /organizations '{"slug":"bench-held","name":"Webhook benchmark (held)"}' | json_field id)
api POST /organizations/bench-held/webhooks \
  "{\"url\":\"http://127.0.0.1:${ports[0]}/held\",\"event_types\":[\"audit.held.*\"]}" >/dev/null
api POST "/platform/organizations/$held_id/suspend" >/dev/null
sleep 1
rss_before=$(proc_kb "$pid" VmRSS)
echo 5 >"/proc/$pid/clear_refs" 2>/dev/null && hwm_note="peak since the phase began (clear_refs)" || hwm_note="peak since the daemon started"
held_line=$(ingest "$held_id" "$pending" "audit.held.event" 0)
printf '  ingest: %s events/s (%s events in %s s, batch p50 %s ms, p99 %s ms)\n' "$(kv rate "$held_line")" \
  "$(kv events "$held_line")" "$(kv seconds "$held_line")" "$(kv batch_p50_ms "$held_line")" "$(kv batch_p99_ms "$held_line")"
count_pending() {  # the held organization's jobs (all pending: nothing of it is delivered) by state, and the total
  local s
  for s in available leased retrying; do printf '%s=%s ' "$s" "$(job_total "$s" "$held_id")"; done
  echo "total=$(job_total "" "$held_id")"
}
start_wait=$SECONDS
while :; do  # until every event is fanned out into a pending job
  line=$(count_pending)
  [ "$(kv total "$line")" -ge "$pending" ] && break
  [ $((SECONDS - start_wait)) -ge 120 ] && { echo "  WARNING: not all fanned out after 120 s: $line"; break; }
  sleep 0.5
done
echo "  jobs of the suspended organization after the fan-out: $line  ($((SECONDS - start_wait)) s after the ingest)"
# The dispatcher claims the held jobs, sees the suspension and postpones each by 60 s (state retrying): watch
# the daemon's memory during that first pass.
rss_max=0
for _ in $(seq 1 "$memory_seconds"); do
  sleep 1
  rss=$(proc_kb "$pid" VmRSS)
  [ "$rss" -gt "$rss_max" ] && rss_max=$rss
done
hwm=$(proc_kb "$pid" VmHWM)
echo "  jobs of the suspended organization $memory_seconds s later:  $(count_pending)"
metrics_line=$(curl -fsS -H "$auth" "$admin/metrics" 2>/dev/null |
  awk -F'[{}]' '/^herald_jobs\{/ && /webhook.delivery/ { split($2, a, "state=\""); st = a[2]; sub(/".*/, "", st); v = $3 + 0; if (v > 0) printf "%s=%d ", st, v }' || true)
[ -n "$metrics_line" ] && echo "  /metrics herald_jobs{kind=\"webhook.delivery\"} (every organization; refreshed every 15 s): $metrics_line"
rss_verdict=$([ "$rss_max" -le "$rss_target_kb" ] && echo "target met" || echo "target missed")
hwm_verdict=$([ "$hwm" -le "$rss_target_kb" ] && echo "target met" || echo "target missed")
printf '  daemon VmRSS before the phase:      %s\n' "$(mb "$rss_before")"
printf '  daemon VmRSS with %s pending:   %s (highest of %s samples 1 s apart; the last: %s)   target <= 150 MB: %s\n' \
  "$pending" "$(mb "$rss_max")" "$memory_seconds" "$(mb "$rss")" "$rss_verdict"
printf '  daemon VmHWM, %s: %s   target <= 150 MB: %s\n' "$hwm_note" "$(mb "$hwm")" "$hwm_verdict"
echo

# --- summary --------------------------------------------------------------------------------------------
# shellcheck disable=SC2068
m_rate=$(median ${RATE[@]}); m_raw=$(median ${RAW[@]}); m_p50=$(median ${P50[@]}); m_p99=$(median ${P99[@]})
# shellcheck disable=SC2068
m_ratio=$(median ${RATIO[@]}); m_ingest=$(median ${INGEST[@]}); total_dups=$(( $(printf '%s+' ${DUPS[@]})0 ))
rate_verdict=$(awk -v r="$m_rate" -v t="$rate_target" 'BEGIN { print (r >= t) ? "target met" : "target missed" }')
ratio_verdict=$(awk -v r="$m_ratio" -v t="$ratio_target_pct" 'BEGIN { print (r >= t) ? "target met" : "target missed" }')
echo "Results (median of $runs runs; $events events -> $deliveries deliveries per run; $endpoints endpoints; synchronous=full)"
printf '  deliveries/s:                        %8s          target >= %s: %s\n' "$m_rate" "$rate_target" "$rate_verdict"
if [ "$ingest_rate" = 0 ]; then latency_note="a burst: the later events wait behind the earlier ones"; else latency_note="ingest paced at $ingest_rate events/s"; fi
printf '  event-to-delivery latency:           p50 %s ms, p99 %s ms   (%s)\n' "$m_p50" "$m_p99" "$latency_note"
printf '  wrk raw POST rate, same receiver:    %8s req/s\n' "$m_raw"
printf '  deliveries / raw rate (per run):     %7s%%          target >= %s%%: %s\n' "$m_ratio" "$ratio_target_pct" "$ratio_verdict"
printf '  ingest rate (while delivering):      %8s events/s\n' "$m_ingest"
printf '  duplicates:                          %8s\n' "$total_dups"
printf '  RSS with %s pending jobs:        %s, VmHWM %s   target <= 150 MB: %s\n' "$pending" "$(mb "$rss_max")" "$(mb "$hwm")" "$rss_verdict"
echo

stop_pid pid
stop_pid receiver_pid
if grep -qiE 'error|critical' "$log"; then
  echo "daemon log has errors:"; grep -iE 'error|critical' "$log" | head -20 || true
fi
