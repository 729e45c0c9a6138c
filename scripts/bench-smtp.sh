#!/usr/bin/env bash
# SMTP mail delivery benchmark (`make bench-smtp`). Messages/s that Herald renders and sends through its platform
# relay into a fast local SMTP sink, beside Python's smtplib sending the same messages into the same sink,
# measured in the same run.
#
# Starts `herald-bench smtp-sink` (SwiftNIO, plain ESMTP with PIPELINING and 8BITMIME, no TLS, no AUTH: it
# accepts every MAIL/RCPT/DATA at once, undoes dot-stuffing, counts messages and distinct Message-IDs, keeps
# connections open; counts on an HTTP control port) and the release daemon on free ports with a temporary
# state directory and the default configuration (database.synchronous=full, smtp.workers=64,
# smtp.connections_per_server=20: mails in flight to the relay and connections kept), with HERALD_SMTP_RELAY pointed at the
# sink (smtp+plain://127.0.0.1:PORT, allowed by HERALD_OUTBOUND_ALLOWLIST=127.0.0.0/8) and
# HERALD_SMTP_FROM="Herald <noreply@herald.example>", HERALD_SMTP_CONNECT_TIMEOUT_SECONDS=hold+20 (a connection
# opened during the hold below waits for its greeting until the hold ends). It creates a service API key (herald apikey create
# --service) and reads the shipped `verification` template from the API. Mail n goes to
# bench-<n>@recipients.example with code=<n> and url=https://sso.example/verify?code=<n>.
#   warm-up       BENCH_WARMUP mails through Herald (not counted): the relay's connections are open after it;
#                 one message of each sender described (parts, encodings, size); the sink's own ceiling (Herald's
#                 message resent by scripts/bench/smtp_blast.py over one connection, pipelined and not)
#   per run
#     baseline    scripts/bench/smtp_baseline.py: N messages built from the same template text (a small
#                 Mustache, email.message.EmailMessage with text and HTML alternatives, the headers Herald sets)
#                 and sent with smtplib over ONE reused connection (one transaction per message): messages/s at
#                 the sink, first 250 to last 250
#     baseline xK the same over BENCH_BASELINE_CONNECTIONS connections (one process each), for context only
#     Herald      N mails POSTed to /api/mail (scripts/bench/smtp_send_mail.py, BENCH_API_CONNECTIONS keep-alive
#                 connections, one recipient each) while the sink holds its traffic (it reads nothing: the
#                 daemon's transactions wait, as on a slow server), then the sink releases it: messages/s at the
#                 sink, first 250 to last 250, over a backlog of N queued mails (the mailer's rate: render, MIME,
#                 SMTP, the recipient's outcome recorded, the job acked); the API's enqueue rate; the daemon's CPU
#     live        N more mails POSTed with the sink open (BENCH_LIVE=1): messages/s at the sink and from the
#                 first POST to the last 250 (API, queue and mailer together, bounded by the enqueue rate); the
#                 daemon's mean claim-to-finish per mail.send job (/metrics)
# BENCH_RUNS (3) runs; the medians are reported with the ratio Herald : baseline (one connection; each run against its
# own baseline, the median of those ratios) and the targets
# (>= 1,000 messages/s, >= 2x the baseline).
# These are figures, not a test: the script fails only when the benchmark itself cannot run.
# Usage: scripts/bench-smtp.sh [MESSAGES]      (default 10,000 per run and phase)
#   BENCH_BIN_DIR=.build/release BENCH_RUNS=3 BENCH_WARMUP=200 BENCH_API_CONNECTIONS=4 BENCH_BASELINE_CONNECTIONS=4
#   (0 skips that variant) BENCH_LIVE=1 BENCH_HOLD_MAX_SECONDS=40 (the sink releases by then even if the API has
#   not taken every mail yet: curl's reply timeout is 60 s) BENCH_SINK_THREADS=1 BENCH_STALL_SECONDS=60
#   BENCH_PERF=0 (1: `perf record` the daemon during run 1's Herald backlog phase, print the top symbols; api: during
#   its API enqueue instead) BENCH_PERF_DATA=FILE
#   BENCH_KEEP=1 (keep the daemon's state directory and the work files, for a look at the jobs afterwards)
#   BENCH_SYNCHRONOUS=normal (database.synchronous for the daemon; default: its own default, full)
#   HERALD_SMTP_WORKERS and HERALD_SMTP_CONNECTIONS_PER_SERVER are passed to the daemon (defaults 64 and 20).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench/lib.sh
bin_dir=${BENCH_BIN_DIR:-.build/release}
herald=$bin_dir/herald
bench=$bin_dir/herald-bench
messages=${1:-${BENCH_MESSAGES:-10000}}
runs=${BENCH_RUNS:-3}
warmup=${BENCH_WARMUP:-200}
api_connections=${BENCH_API_CONNECTIONS:-4}
baseline_connections=${BENCH_BASELINE_CONNECTIONS:-4}
live=${BENCH_LIVE:-1}
hold_max=${BENCH_HOLD_MAX_SECONDS:-40}
sink_threads=${BENCH_SINK_THREADS:-1}
stall_seconds=${BENCH_STALL_SECONDS:-60}
perf_sample=${BENCH_PERF:-0}
synchronous=${BENCH_SYNCHRONOUS:-}
workers=${HERALD_SMTP_WORKERS:-64}
per_server=${HERALD_SMTP_CONNECTIONS_PER_SERVER:-20}
sender="Herald <noreply@herald.example>"
rate_target=1000
ratio_target=2

for tool in python3 curl; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (make deps)" >&2; exit 1; }
done
for b in "$herald" "$bench"; do
  [ -x "$b" ] || { echo "no executable at $b (make bench-smtp builds both in release)" >&2; exit 1; }
done
[ "$messages" -ge 100 ] || { echo "MESSAGES must be at least 100" >&2; exit 1; }

state=$(mktemp -d)
work=$(mktemp -d)
log="$state/herald.log"
pid="" sink_pid="" perf_pid="" driver_pid=""
cleanup() {
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; fi
  for v in driver_pid pid sink_pid; do stop_pid "$v" >/dev/null 2>&1 || true; done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept: state $state, work $work"; else rm -rf "$state" "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ns() { date +%s%N; }
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "0" }'; }

api() {  # method path: admin API call with the platform owner's key; prints the body, fails on non-2xx
  local code; code=$(curl -sS -X "$1" -H "$auth" -o "$work/api.out" -w '%{http_code}' "$admin/api$2")
  if [ "${code:0:1}" != 2 ]; then
    echo "$1 $2: HTTP $code $(head -c 500 "$work/api.out")" >&2
    return 1
  fi
  cat "$work/api.out"
}
sink_stats() { curl -fsS "$control/_stats"; }
sink_reset() { curl -fsS -X POST "$control/_reset?expected=$1&forget=1" >/dev/null; }
# Waits until the sink has `expected` distinct Message-IDs (or nothing new for BENCH_STALL_SECONDS); prints the
# stats line and leaves "daemon_ticks sink_ticks machine_busy machine_total now_ns" of that moment in $work/done.
wait_sink() {  # expected label
  local last=-1 since=$SECONDS line n next_note=$((SECONDS + 10))
  while :; do
    line=$(sink_stats) || { echo "the sink stopped answering" >&2; return 1; }
    n=$(kv unique "$line")
    if [ "$n" -ge "$1" ]; then break; fi
    if [ "$n" != "$last" ]; then last=$n; since=$SECONDS; fi
    if [ $((SECONDS - since)) -ge "$stall_seconds" ]; then
      echo "  WARNING: $2: only $n of $1 messages at the sink, none new for $stall_seconds s; reporting what arrived" >&2
      break
    fi
    if [ "$SECONDS" -ge "$next_note" ]; then
      echo "         ... $2: $n of $1 at the sink" >&2
      next_note=$((SECONDS + 10))
    fi
    sleep 0.1
  done
  echo "$(cpu_ticks "${pid:-0}") $(cpu_ticks "$sink_pid") $(machine_ticks) $(now_ns)" >"$work/done"
  sink_stats
}
job_total() {  # state: total of GET /api/platform/jobs?kind=mail.send&state=…
  api GET "/platform/jobs?kind=mail.send&state=$1&limit=1" | json_field total
}
# Waits until no mail.send job is available, leased or retrying (acks trail the sink a moment).
wait_quiet() {
  local i s total
  for i in $(seq 1 300); do
    total=0
    for s in available leased retrying; do total=$((total + $(job_total "$s"))); done
    [ "$total" -eq 0 ] && return 0
    sleep 0.1
  done
  echo "  WARNING: $total mail jobs still pending 30 s after the last message" >&2
}
# "sum count" of the daemon's claim-to-finish histogram for mail.send jobs (GET /metrics)
mail_timer() {
  curl -fsS -H "$auth" "$admin/metrics" 2>/dev/null | awk '
    /^herald_job_claim_to_finish_seconds_sum\{.*mail\.send/ { s += $NF }
    /^herald_job_claim_to_finish_seconds_count\{.*mail\.send/ { c += $NF }
    END { printf "%.6f %d\n", s, c }' || echo "0 0"
}
send_mails() {  # count start: the API driver's key=value line
  python3 scripts/bench/smtp_send_mail.py "$admin" "$service_key" "$1" "$api_connections" "$2"
}
baseline() {  # count start connections: the baseline's key=value line
  python3 scripts/bench/smtp_baseline.py "127.0.0.1:$smtp_port" "$work/template.json" "$1" "$2" "$3" "$sender" herald.example
}

# --- sink and daemon ------------------------------------------------------------------------------------
"$bench" smtp-sink --threads "$sink_threads" --port-file "$work/sink.ports" >"$work/sink.log" 2>&1 &
sink_pid=$!
for _ in $(seq 1 100); do [ -s "$work/sink.ports" ] && break; sleep 0.1; done
[ -s "$work/sink.ports" ] || { echo "the sink did not start:"; cat "$work/sink.log"; exit 1; }
read -r smtp_port control_port <"$work/sink.ports"
control="http://127.0.0.1:$control_port"
sink_stats >/dev/null || { echo "the sink does not answer:"; cat "$work/sink.log"; exit 1; }

# Measure the defaults: no configuration file, no synchronous override (unless BENCH_SYNCHRONOUS asks for one).
unset HERALD_DATABASE_SYNCHRONOUS CONFIGURATION_DIRECTORY
[ -n "$synchronous" ] && export HERALD_DATABASE_SYNCHRONOUS=$synchronous
# A connection opened while the sink holds its traffic waits for the greeting until the hold ends: the connect
# timeout (which covers the greeting) must outlast the hold.
HERALD_SMTP_RELAY="smtp+plain://127.0.0.1:$smtp_port" HERALD_SMTP_FROM="$sender" \
  HERALD_SMTP_CONNECT_TIMEOUT_SECONDS=$((hold_max + 20)) \
  HERALD_OUTBOUND_ALLOWLIST=127.0.0.0/8 HERALD_LIMITS_AUTH_FAILURES=1000000 \
  "$herald" serve --state-dir "$state" --public-address 127.0.0.1:0 --admin-address 127.0.0.1:0 \
  --log-level warning >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -s "$state/addresses.json" ] && break; sleep 0.1; done
[ -s "$state/addresses.json" ] || { echo "daemon did not start:"; cat "$log"; exit 1; }
admin=$(json_field admin <"$state/addresses.json")
auth="Authorization: Bearer $(cat "$state/bootstrap-admin-key")"
for _ in $(seq 1 100); do curl -fsS -o /dev/null "$admin/readyz" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$admin/readyz" || { echo "daemon not ready:"; cat "$log"; exit 1; }
service_key=$("$herald" apikey create --email core@sso.example --service --name bench-mail --state-dir "$state" 2>/dev/null)
[ -n "$service_key" ] || { echo "herald apikey create gave no key" >&2; exit 1; }
api GET /platform/email-templates | python3 -c '
import json, sys
found = [t for t in json.load(sys.stdin)["templates"] if t["name"] == "verification" and t["language"] == "en"]
if not found: sys.exit("the daemon has no verification template")
json.dump(found[0], open(sys.argv[1], "w"))' "$work/template.json"

echo "Herald SMTP delivery benchmark"
echo "  binaries:   $herald ($("$herald" --version 2>/dev/null || echo "version unknown")), $bench"
echo "  daemon:     $admin (pid $pid), database.synchronous=${synchronous:-full (default)}, log level warning"
echo "  mail:       relay smtp+plain://127.0.0.1:$smtp_port, smtp.workers=$workers,"\
  "smtp.connections_per_server=$per_server (mails in flight to the relay and curl handles kept)"
echo "  sink:       herald-bench smtp-sink (pid $sink_pid), $sink_threads event loop thread(s), control $control"
echo "  template:   verification (shipped): subject \"$(json_field subject <"$work/template.json")\", variables code, url"
echo "  per run:    $messages messages per phase, one recipient each; $runs runs, medians reported;"\
  "API driver over $api_connections keep-alive connections"
echo "  machine:    $(nproc) cores, daemon, sink and the Python clients on the same machine; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# --- warm-up and the messages ---------------------------------------------------------------------------
next_n=0
if [ "$warmup" -gt 0 ]; then
  sink_reset "$warmup"
  r=$(send_mails "$warmup" "$next_n") || { echo "the API driver failed: $r" >&2; exit 1; }
  next_n=$((next_n + warmup))
  w=$(wait_sink "$warmup" warm-up)
  curl -fsS "$control/_sample" -o "$work/herald.eml" || true
  wait_quiet
  printf 'warm-up: %s mails through Herald at %s/s, over %s connection(s) to the sink (not counted)\n' \
    "$(kv unique "$w")" "$(kv rate "$w")" "$(kv connections "$w")"
fi
sink_reset 10
baseline 10 "$next_n" 1 >/dev/null || { echo "the baseline cannot send" >&2; exit 1; }
next_n=$((next_n + 10))
curl -fsS "$control/_sample" -o "$work/baseline.eml" || true
for side in herald baseline; do
  [ -s "$work/$side.eml" ] && printf '%-9s message: %s\n' "$side" "$(python3 scripts/bench/smtp_describe.py "$work/$side.eml")"
done
if [ -s "$work/herald.eml" ]; then
  # The sink's own ceiling: Herald's message resent over one connection, 100 transactions per write, then one per
  # round trip (scripts/bench/smtp_blast.py).
  sink_reset $((2 * messages))
  c1=$(python3 scripts/bench/smtp_blast.py "127.0.0.1:$smtp_port" "$work/herald.eml" "$messages" 100) || c1=""
  c2=$(python3 scripts/bench/smtp_blast.py "127.0.0.1:$smtp_port" "$work/herald.eml" "$messages" 1) || c2=""
  printf 'sink ceiling: %s messages/s pipelined (100 transactions per write), %s messages/s one transaction per round trip (1 connection, raw socket client)\n' \
    "$(kv rate "$c1")" "$(kv rate "$c2")"
fi
echo

# --- runs -----------------------------------------------------------------------------------------------
BASE=() BASE_N=() HERALD=() RATIO=() LIVE=() LIVE_E2E=() LIVE_RATIO=() API=() API_LIVE=() DCPU=() CTF=()
echo "runs ($messages messages per phase)"
for run in $(seq 1 "$runs"); do
  # baseline: smtplib over one connection
  sink_reset "$messages"
  read -r m0 _ <<<"$(machine_ticks)"; d0=$(cpu_ticks "$pid"); s0=$(cpu_ticks "$sink_pid"); t0=$(now_ns)
  b=$(baseline "$messages" "$next_n" 1) || echo "  WARNING: the baseline did not send every message: $b" >&2
  next_n=$((next_n + messages))
  s=$(wait_sink "$messages" baseline)
  read -r d1 s1 m1 _ t1 <"$work/done"; wall=$(seconds_between "$t0" "$t1")
  brate=$(kv rate "$s")
  # everything but the client, the sink and the (idle) daemon: other work on the machine
  bc=$(awk -v c="$(kv client_cpu_s "$b")" -v hz="$hz" 'BEGIN { printf "%d", c * hz }')
  other=$((m1 - m0 - bc - (s1 - s0) - (d1 - d0))); [ "$other" -lt 0 ] && other=0
  printf '  run %d  baseline (smtplib, 1 connection):  %6s messages/s   (%s in %s s at the sink; client CPU %s s, of which building the messages %s s; sink CPU %s%%, everything else %s%%)\n' \
    "$run" "$(fmt "$brate")" "$(kv unique "$s")" "$(kv seconds "$s")" "$(kv client_cpu_s "$b")" "$(kv render_s "$b")" \
    "$(cpu_pct $((s1 - s0)) "$wall")" "$(cpu_pct "$other" "$wall")"
  BASE+=("$brate")

  if [ "$baseline_connections" -gt 1 ]; then
    sink_reset "$messages"
    b=$(baseline "$messages" "$next_n" "$baseline_connections") || echo "  WARNING: the baseline did not send every message: $b" >&2
    next_n=$((next_n + messages))
    s=$(wait_sink "$messages" "baseline x$baseline_connections")
    printf '         baseline (smtplib, %d processes):  %6s messages/s   (%s in %s s; client CPU %s s)\n' \
      "$baseline_connections" "$(fmt "$(kv rate "$s")")" "$(kv unique "$s")" "$(kv seconds "$s")" "$(kv client_cpu_s "$b")"
    BASE_N+=("$(kv rate "$s")")
  fi

  # Herald: a backlog of N mails queued behind the held sink, then released
  sink_reset "$messages"
  curl -fsS -X POST "$control/_hold" >/dev/null
  if [ "$perf_sample" = api ] && [ "$run" = 1 ] && command -v perf >/dev/null; then
    perf record -e cpu-clock -F 999 -g -p "$pid" -o "$work/perf.data" >/dev/null 2>&1 &
    perf_pid=$!
    sleep 0.3
  fi
  hold_start=$SECONDS
  e0=$(cpu_ticks "$pid"); te0=$(now_ns)
  send_mails "$messages" "$next_n" >"$work/driver.out" 2>"$work/driver.err" &
  driver_pid=$!
  next_n=$((next_n + messages))
  while kill -0 "$driver_pid" 2>/dev/null && [ $((SECONDS - hold_start)) -lt "$hold_max" ]; do sleep 0.1; done
  e1=$(cpu_ticks "$pid"); te1=$(now_ns)
  early=""
  if kill -0 "$driver_pid" 2>/dev/null; then
    early="  (released after $hold_max s with the API still taking mails: part of this phase ran live)"
  fi
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; perf_pid=""; fi
  if [ "$perf_sample" = 1 ] && [ "$run" = 1 ] && command -v perf >/dev/null; then
    perf record -e cpu-clock -F 999 -g -p "$pid" -o "$work/perf.data" >/dev/null 2>&1 &
    perf_pid=$!
    sleep 0.3
  fi
  read -r m0 mt0 <<<"$(machine_ticks)"; d0=$(cpu_ticks "$pid"); s0=$(cpu_ticks "$sink_pid"); t0=$(now_ns)
  curl -fsS -X POST "$control/_release" >/dev/null
  s=$(wait_sink "$messages" Herald)
  read -r d1 s1 m1 mt1 t1 <"$work/done"; wall=$(seconds_between "$t0" "$t1")
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; perf_pid=""; fi
  wait "$driver_pid" || echo "  WARNING: the API driver failed: $(cat "$work/driver.err")" >&2
  driver_pid=""
  a=$(cat "$work/driver.out")
  hrate=$(kv rate "$s")
  other=$((m1 - m0 - (d1 - d0) - (s1 - s0))); [ "$other" -lt 0 ] && other=0
  printf '         Herald (backlog of %s queued mails): %6s messages/s   (%s in %s s at the sink over %s new connection(s), %s duplicates)  = %sx baseline%s\n' \
    "$messages" "$(fmt "$hrate")" "$(kv unique "$s")" "$(kv seconds "$s")" "$(kv connections "$s")" "$(kv duplicates "$s")" \
    "$(ratio "$hrate" "$brate")" "$early"
  printf '           API enqueue (sink held):        %6s mails/s      (POST /api/mail p50 %s ms, p99 %s ms; daemon CPU %s%%, driver CPU %s s)\n' \
    "$(kv rate "$a")" "$(kv p50_ms "$a")" "$(kv p99_ms "$a")" "$(cpu_pct $((e1 - e0)) "$(seconds_between "$te0" "$te1")")" \
    "$(kv client_cpu_s "$a")"
  printf '           CPU over %s s (100%% = one core of %d): daemon %s%%, sink %s%%, everything else %s%%, idle %s%%\n' \
    "$wall" "$(nproc)" "$(cpu_pct $((d1 - d0)) "$wall")" "$(cpu_pct $((s1 - s0)) "$wall")" "$(cpu_pct "$other" "$wall")" \
    "$(cpu_pct $((mt1 - mt0 - (m1 - m0))) "$wall")"
  HERALD+=("$hrate"); RATIO+=("$(ratio "$hrate" "$brate")"); API+=("$(kv rate "$a")"); DCPU+=("$(cpu_pct $((d1 - d0)) "$wall")")
  wait_quiet

  # live: the API and the mailer together
  if [ "$live" = 1 ]; then
    sink_reset "$messages"
    read -r c0 n0 <<<"$(mail_timer)"
    read -r m0 mt0 <<<"$(machine_ticks)"; d0=$(cpu_ticks "$pid"); t0=$(now_ns)
    a=$(send_mails "$messages" "$next_n") || echo "  WARNING: the API driver failed: $a" >&2
    next_n=$((next_n + messages))
    s=$(wait_sink "$messages" live)
    read -r d1 _ m1 mt1 t1 <"$work/done"; wall=$(seconds_between "$t0" "$t1")
    wait_quiet
    read -r c1 n1 <<<"$(mail_timer)"
    lrate=$(kv rate "$s")
    e2e=$(awk -v n="$(kv unique "$s")" -v a="$(kv first_ms "$a")" -v b="$(kv last_ms "$s")" 'BEGIN { if (b > a) printf "%.1f", n / ((b - a) / 1000); else print 0 }')
    ctf=$(awk -v a="$c0 $n0" -v b="$c1 $n1" 'BEGIN { split(a, x, " "); split(b, y, " "); n = y[2] - x[2]; if (n > 0) printf "%.2f", (y[1] - x[1]) / n * 1000; else print 0 }')
    printf '         live (POST and send together):  %6s messages/s   at the sink; %s/s from the first POST to the last 250; API %s mails/s (p50 %s ms)\n' \
      "$(fmt "$lrate")" "$(fmt "$e2e")" "$(kv rate "$a")" "$(kv p50_ms "$a")"
    printf '           daemon CPU %s%% over %s s; mean claim to finish of a mail.send job %s ms (/metrics)\n' \
      "$(cpu_pct $((d1 - d0)) "$wall")" "$wall" "$ctf"
    LIVE+=("$lrate"); LIVE_E2E+=("$e2e"); LIVE_RATIO+=("$(ratio "$e2e" "$brate")"); API_LIVE+=("$(kv rate "$a")"); CTF+=("$ctf")
  fi
done

if [ "$perf_sample" != 0 ] && [ -s "$work/perf.data" ]; then
  demangle() { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; }
  echo
  if [ "$perf_sample" = api ]; then phase="API enqueue (sink held)"; else phase="Herald backlog"; fi
  echo "perf (daemon, run 1, $phase phase, cpu-clock samples)"
  echo "  by thread:"
  perf report -i "$work/perf.data" --stdio --no-children --sort comm 2>/dev/null | grep -E '^ +[0-9.]+%' | head -8 || true
  echo "  top symbols by self time:"
  perf report -i "$work/perf.data" --stdio --no-children --sort symbol 2>/dev/null | grep -E '^ +[0-9.]+%' | head -25 |
    demangle | cut -c1-160 || true
  echo "  Herald frames by inclusive time:"
  perf report -i "$work/perf.data" --stdio --children --sort symbol 2>/dev/null | grep -E '^ +[0-9.]+%' | demangle |
    grep -E 'Mailer|MailService|MailController|SMTP|Curl|curl_easy|SQLiteStore|GroupCommit|MailTemplate|MailMessage|Mustache|JobDispatcher|JobProcessor|fdatasync|Hummingbird|Authenticat|APIKey|SHA256|AES' |
    head -30 | cut -c1-160 || true
  if [ -n "${BENCH_PERF_DATA:-}" ]; then cp "$work/perf.data" "$BENCH_PERF_DATA"; echo "  (recording kept in $BENCH_PERF_DATA)"; fi
fi
echo

# --- summary --------------------------------------------------------------------------------------------
# shellcheck disable=SC2068
m_base=$(median ${BASE[@]}); m_herald=$(median ${HERALD[@]}); m_api=$(median ${API[@]}); m_cpu=$(median ${DCPU[@]})
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "target met" : "target missed" }'; }
# shellcheck disable=SC2068
m_ratio=$(median ${RATIO[@]})  # each run's Herald against the same run's baseline
echo "Results (median of $runs runs; $messages messages per phase; synchronous=${synchronous:-full}, smtp.workers=$workers, smtp.connections_per_server=$per_server)"
printf '  Python smtplib, 1 reused connection:      %6s messages/s\n' "$(fmt "$m_base")"
if [ ${#BASE_N[@]} -gt 0 ]; then
  # shellcheck disable=SC2068
  printf '  Python smtplib, %d processes (context):    %6s messages/s\n' "$baseline_connections" "$(fmt "$(median ${BASE_N[@]})")"
fi
printf '  Herald, backlog of queued mails:          %6s messages/s   target >= %s: %s\n' "$(fmt "$m_herald")" "$rate_target" \
  "$(verdict "$m_herald" "$rate_target")"
printf '  Herald : baseline (same run):             %6sx             target >= %sx: %s\n' "$m_ratio" "$ratio_target" \
  "$(verdict "$m_ratio" "$ratio_target")"
printf '  daemon CPU while sending:                 %6s%% of one core\n' "$m_cpu"
printf '  API enqueue (POST /api/mail, %d conns):    %6s mails/s\n' "$api_connections" "$(fmt "$m_api")"
if [ ${#LIVE[@]} -gt 0 ]; then
  # shellcheck disable=SC2068
  m_live=$(median ${LIVE[@]}); m_e2e=$(median ${LIVE_E2E[@]}); m_api_live=$(median ${API_LIVE[@]}); m_ctf=$(median ${CTF[@]})
  # shellcheck disable=SC2068
  m_live_ratio=$(median ${LIVE_RATIO[@]})
  printf '  Herald live (POST while sending):         %6s messages/s at the sink, %s/s first POST to last 250 (= %sx baseline); API %s mails/s; claim to finish %s ms\n' \
    "$(fmt "$m_live")" "$(fmt "$m_e2e")" "$m_live_ratio" "$(fmt "$m_api_live")" "$m_ctf"
fi
echo

stop_pid pid
stop_pid sink_pid
if grep -qiE 'error|critical' "$log"; then
  echo "daemon log has errors:"; grep -iE 'error|critical' "$log" | head -20 || true
fi
