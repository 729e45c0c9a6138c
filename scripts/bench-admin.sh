#!/usr/bin/env bash
# Admin API benchmark (`make bench-admin`). Starts the daemon on free ports with a temporary state directory
# (default configuration: database.synchronous=full), measures its resident memory at idle, seeds organizations
# through the real API, then runs wrk against the admin listener of that one process:
#   GET /healthz                                  the HTTP ceiling of the process
#   GET /api/platform/organizations?limit=20      with BENCH_ORGS (10,000) organizations
#   POST /api/organizations                       unique slugs (scripts/bench/post_org.lua)
# Every measurement runs BENCH_RUNS (3) times; the medians of req/s, p50 and p99 are reported, with the ratio
# list/ceiling (target >= 30%) and the idle RSS before seeding and after the runs (target <= 40 MiB).
# These are figures, not a test: the script fails only when the benchmark itself cannot run.
# Usage: scripts/bench-admin.sh [HERALD_BINARY]
#   BENCH_RUNS=3 BENCH_DURATION=5s BENCH_THREADS=1 BENCH_CONNECTIONS=8 BENCH_ORGS=10000 BENCH_SEED_CONNECTIONS=8
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench/lib.sh
bin=${1:-.build/release/herald}
runs=${BENCH_RUNS:-3}
duration=${BENCH_DURATION:-5s}
threads=${BENCH_THREADS:-1}
connections=${BENCH_CONNECTIONS:-8}
orgs=${BENCH_ORGS:-10000}
seed_connections=${BENCH_SEED_CONNECTIONS:-8}
list_target_pct=30
rss_target_kb=$((40 * 1024))

command -v wrk >/dev/null || { echo "wrk is not installed (make deps, or apt-get install wrk)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }
[ -x "$bin" ] || { echo "no executable at $bin (make release)" >&2; exit 1; }

state=$(mktemp -d)
log="$state/herald.log"
pid=""
stop_daemon() {
  [ -n "$pid" ] || return 0
  local start=$(date +%s%N) i
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "daemon still running 30 s after SIGTERM: SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  pid=""
  echo "daemon stopped $(( ($(date +%s%N) - start) / 1000000 )) ms after SIGTERM"
}
cleanup() { stop_daemon >/dev/null 2>&1 || true; rm -rf "$state"; }
trap cleanup EXIT

# Measure the defaults: no configuration file, no synchronous override.
unset HERALD_DATABASE_SYNCHRONOUS CONFIGURATION_DIRECTORY
synchronous="full (built-in default; no HERALD_DATABASE_SYNCHRONOUS, no config file)"

HERALD_LIMITS_AUTH_FAILURES=1000000 "$bin" serve --state-dir "$state" \
  --public-address 127.0.0.1:0 --admin-address 127.0.0.1:0 --log-level warning >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -s "$state/addresses.json" ] && break; sleep 0.1; done
[ -s "$state/addresses.json" ] || { echo "daemon did not start:"; cat "$log"; exit 1; }
admin=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["admin"])' "$state/addresses.json")
key=$(cat "$state/bootstrap-admin-key")
auth="Authorization: Bearer $key"
for _ in $(seq 1 100); do curl -fsS -o /dev/null "$admin/readyz" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$admin/readyz" || { echo "daemon not ready:"; cat "$log"; exit 1; }

# VmRSS of the daemon in kB.
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
rss_line() {  # label
  local kb; kb=$(rss_kb)
  local verdict="target missed"; [ "$kb" -le "$rss_target_kb" ] && verdict="target met"
  printf '%-34s %6.1f MiB (%s kB)   target <= 40 MiB: %s\n' "$1" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" "$kb" "$verdict"
}
# total of GET /api/platform/organizations
org_total() {
  curl -fsS -H "$auth" "$admin/api/platform/organizations?limit=1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'
}

echo "Herald admin API benchmark"
echo "  binary:               $bin ($("$bin" --version 2>/dev/null || echo "version unknown"))"
echo "  admin listener:       $admin (pid $pid)"
echo "  database.synchronous: $synchronous"
echo "  wrk:                  -t$threads -c$connections -d$duration --latency, $runs runs each, medians reported"
echo "  machine:              $(nproc) cores, load generator on the same machine"
echo

sleep 1
rss_line "RSS at idle after start:"

# --- seeding --------------------------------------------------------------------------------------------
before=$(org_total)
echo "seeding $orgs organizations (POST /api/organizations, $before present) ..."
python3 scripts/bench/seed_orgs.py "$admin" "$key" "$orgs" seed "$seed_connections" | sed 's/^/  /'
total=$(org_total)
page=$(curl -fsS -H "$auth" "$admin/api/platform/organizations?limit=20" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["organizations"]), len(json.dumps(d)))')
echo "  organizations now: $total; GET ?limit=20 returns ${page% *} organizations, ${page#* } bytes of JSON"
echo

# --- wrk ------------------------------------------------------------------------------------------------
# Runs wrk and prints "req/s p50_ms p99_ms requests non2xx socket_errors" from its output.
run_wrk() {  # out_file wrk_args...
  local out=$1; shift
  wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" >"$out" 2>&1 || { cat "$out" >&2; return 1; }
  wrk_summary "$out"
}
print_run() {  # label run result
  read -r rps p50 p99 n bad sock <<<"$3"
  local note=""; [ "$bad" -gt 0 ] && note="  ($bad non-2xx)"; [ "$sock" -gt 0 ] && note="$note  ($sock socket errors)"
  printf '  %-42s run %d: %8s req/s   p50 %7.2f ms   p99 %7.2f ms   %7s requests%s\n' "$1" "$2" "$rps" "$p50" "$p99" "$n" "$note"
}

declare -A RPS P50 P99
record() {  # name result
  read -r rps p50 p99 _ <<<"$2"
  RPS[$1]="${RPS[$1]:-} $rps"; P50[$1]="${P50[$1]:-} $p50"; P99[$1]="${P99[$1]:-} $p99"
}

health_url="$admin/healthz"
list_url="$admin/api/platform/organizations?limit=20"
echo "warm-up (1 s each, not counted)"
wrk -t"$threads" -c"$connections" -d1s "$health_url" >/dev/null
wrk -t"$threads" -c"$connections" -d1s -H "$auth" "$list_url" >/dev/null

echo "GET /healthz and GET /api/platform/organizations?limit=20, alternating"
for run in $(seq 1 "$runs"); do
  r=$(run_wrk "$state/wrk-health-$run.txt" "$health_url"); print_run "GET /healthz (HTTP ceiling)" "$run" "$r"; record health "$r"
  r=$(run_wrk "$state/wrk-list-$run.txt" -H "$auth" "$list_url"); print_run "GET /api/platform/organizations?limit=20" "$run" "$r"; record list "$r"
done

echo "POST /api/organizations (unique slugs post<run>-<thread>-<n>)"
post_before=$(org_total)
post_sent=0
for run in $(seq 1 "$runs"); do
  r=$(run_wrk "$state/wrk-post-$run.txt" -H "$auth" -s scripts/bench/post_org.lua "$admin" -- "post$run")
  print_run "POST /api/organizations" "$run" "$r"; record post "$r"
  read -r _ _ _ n bad _ <<<"$r"; post_sent=$((post_sent + n - bad))
done
post_after=$(org_total)
echo "  organizations created by the POST runs: $((post_after - post_before)); wrk counted $post_sent 2xx answers"
echo "  (wrk does not count the up to $connections requests in flight when each run stops); total now $post_after"
echo

# --- summary --------------------------------------------------------------------------------------------
echo "Results (median of $runs runs; wrk -t$threads -c$connections -d$duration; database.synchronous=full)"
printf '  %-42s %10s %10s %10s\n' "endpoint" "req/s" "p50 ms" "p99 ms"
for name in health list post; do
  case $name in
    health) label="GET /healthz (HTTP ceiling)" ;;
    list) label="GET /api/platform/organizations?limit=20" ;;
    post) label="POST /api/organizations" ;;
  esac
  # shellcheck disable=SC2086
  printf '  %-42s %10s %10.2f %10.2f\n' "$label" "$(median ${RPS[$name]})" "$(median ${P50[$name]})" "$(median ${P99[$name]})"
done
# shellcheck disable=SC2086
health_rps=$(median ${RPS[health]}); list_rps=$(median ${RPS[list]}); post_rps=$(median ${RPS[post]})
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "0" }'; }
list_pct=$(ratio "$list_rps" "$health_rps")
verdict=$(awk -v p="$list_pct" -v t="$list_target_pct" 'BEGIN { print (p >= t) ? "target met" : "target missed" }')
printf '  list / ceiling: %s%% (%s of %s req/s with %s organizations)   target >= %s%%: %s\n' \
  "$list_pct" "$list_rps" "$health_rps" "$total" "$list_target_pct" "$verdict"
printf '  POST / ceiling: %s%% (for information; every POST is one synchronous=full commit)\n' "$(ratio "$post_rps" "$health_rps")"
echo

sleep 2
rss_line "RSS at idle after the runs:"
stop_daemon
if grep -qiE 'error|critical' "$log"; then
  echo "daemon log has errors:"; grep -iE 'error|critical' "$log" | head -20
fi
