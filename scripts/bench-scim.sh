#!/usr/bin/env bash
# SCIM 2.0 benchmark (`make bench-scim`): Herald beside the Python reference server scim2-server, in the same run,
# one after the other on the same machine. For each server: seed BENCH_SCIM_SMALL_USERS (1,000) users through the
# real API (POST /Users, scripts/bench/scim_seed.py), measure the filter, seed up to BENCH_SCIM_USERS (100,000),
# then run wrk (-t1 -c8, like bench-admin) against:
#   filter  GET /Users?filter=userName eq "user<i>@bench.example", a random seeded i     (scim_filter.lua)
#   post    POST /Users, a new userName every request                                    (scim_post_user.lua)
#   patch   PATCH /Users/<id> replacing displayName (new value) of a random seeded user  (scim_patch_user.lua)
#   group   PATCH /Groups/<id> over ONE connection (-t1 -c1), alternately adding and removing the same
#           BENCH_SCIM_GROUP_MEMBERS (10,000) users, on a new empty group every run   (scim_group_members.lua):
#             add:    one operation {"op":"add","path":"members","value":[{"value":"<id>"}, ...]}
#             remove: one operation per member {"op":"remove","path":"members[value eq \"<id>\"]"}
#           (RFC 7644 §3.5.2.2 removes chosen values only through a value filter, and a single filter of
#           10,000 "or" terms would exceed any server's filter limits); its p50/p99 mix adds and removes
# Every measurement runs BENCH_RUNS (3) times; the medians of req/s, p50 and p99 are printed for both servers with
# the ratio herald/reference (target >= 10x on each load), and the filter latency at 1,000 users against 100,000
# (target: within +-20%). Targets are figures, not a test; but the script fails loudly when a step fails: a non-2xx
# answer while seeding or setting up, any non-2xx answer, wrong filter result, socket error or timeout in a wrk run.
#
# The reference: `scim2-server` from the peers virtualenv (in-memory; wsgiref, one thread per request, HTTP/1.0, so
# every request opens a new connection). It has no way to load resources at start (--dump-resources only writes
# them at exit), so it is seeded through its API as Herald is (~440 users/s here: ~4 min for 100,000).
# Its group PATCH is quadratic in the members removed (measured: 1,000 removals 12 s, 4,000 removals 227 s, so
# 10,000 would take ~20 min per request); its group load therefore runs with BENCH_SCIM_REFERENCE_GROUP_MEMBERS
# (1,000) members per PATCH for BENCH_SCIM_REFERENCE_GROUP_DURATION (30s) per run, and the group ratio, which
# compares Herald's 10,000-member PATCHes with the reference's smaller ones, is a lower bound.
#
# Usage: scripts/bench-scim.sh [HERALD_BINARY]
#   BENCH_RUNS=3 BENCH_DURATION=5s BENCH_THREADS=1 BENCH_CONNECTIONS=8 BENCH_SEED_CONNECTIONS=8 BENCH_SCIM_TIMEOUT=60s
#   BENCH_SCIM_USERS=100000 BENCH_SCIM_SMALL_USERS=1000 BENCH_SCIM_GROUP_MEMBERS=10000 BENCH_SCIM_GROUP_DURATION=5s
#   BENCH_SCIM_REFERENCE_USERS=$BENCH_SCIM_USERS BENCH_SCIM_REFERENCE_GROUP_MEMBERS=1000
#   BENCH_SCIM_REFERENCE_GROUP_DURATION=30s PEERS_VENV=.build/peers-venv
#   BENCH_SCIM_ONLY_REFERENCE=1   development knob: skip Herald, measure only the reference (to try the script out)
#   BENCH_SCIM_ONLY_HERALD=1      development knob: skip the reference (to measure a change to Herald quickly)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench/lib.sh
bin=${1:-.build/release/herald}
venv=${PEERS_VENV:-.build/peers-venv}
runs=${BENCH_RUNS:-3}
duration=${BENCH_DURATION:-5s}
threads=${BENCH_THREADS:-1}
connections=${BENCH_CONNECTIONS:-8}
seed_connections=${BENCH_SEED_CONNECTIONS:-8}
wrk_timeout=${BENCH_SCIM_TIMEOUT:-60s}
users=${BENCH_SCIM_USERS:-100000}
small=${BENCH_SCIM_SMALL_USERS:-1000}
members=${BENCH_SCIM_GROUP_MEMBERS:-10000}
group_duration=${BENCH_SCIM_GROUP_DURATION:-$duration}
ref_users=${BENCH_SCIM_REFERENCE_USERS:-$users}
ref_members=${BENCH_SCIM_REFERENCE_GROUP_MEMBERS:-1000}
ref_group_duration=${BENCH_SCIM_REFERENCE_GROUP_DURATION:-30s}
only_reference=${BENCH_SCIM_ONLY_REFERENCE:-0}
ratio_target=10
flat_target_pct=20

fail() {
  echo "FAIL: $*" >&2
  if [ -n "${herald_pid:-}" ]; then echo "herald log (last 30 lines):" >&2; tail -30 "$state/herald.log" >&2; fi
  exit 1
}
command -v wrk >/dev/null || fail "wrk is not installed (make deps, or apt-get install wrk)"
command -v python3 >/dev/null || fail "python3 is required"
[ -x "$venv/bin/scim2-server" ] || fail "$venv/bin/scim2-server is missing: install the test peers (make peers)"
[ "$only_reference" = 1 ] || [ -x "$bin" ] || fail "no executable at $bin (make release)"
[ "$small" -le "$users" ] && [ "$small" -le "$ref_users" ] || fail "BENCH_SCIM_SMALL_USERS exceeds the user counts"
[ "$only_reference" = 1 ] || [ "$members" -le "$users" ] || fail "BENCH_SCIM_GROUP_MEMBERS exceeds BENCH_SCIM_USERS"
[ "$ref_members" -le "$ref_users" ] || fail "BENCH_SCIM_REFERENCE_GROUP_MEMBERS exceeds the reference's users"

state=$(mktemp -d)
herald_pid=""
ref_pid=""
stop() {  # NAME PID_VARIABLE: SIGTERM, SIGKILL after 30 s
  local pid=${!2} start i
  [ -n "$pid" ] || return 0
  start=$(date +%s%N)
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { echo "$1 still running 30 s after SIGTERM: SIGKILL"; kill -9 "$pid" 2>/dev/null || true; }
  wait "$pid" 2>/dev/null || true
  printf -v "$2" '%s' ""
  echo "$1 stopped $(( ($(date +%s%N) - start) / 1000000 )) ms after SIGTERM"
}
cleanup() { stop herald herald_pid >/dev/null 2>&1 || true; stop scim2-server ref_pid >/dev/null 2>&1 || true; rm -rf "$state"; }
trap cleanup EXIT

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
answer() { json_field "$1" <"$state/answer"; }
# HEADER_FILE CONTENT_TYPE METHOD URL [BODY]: the answer's body goes to $state/answer; fails on a non-2xx answer.
request() {
  local headers=$1 type=$2 method=$3 url=$4 data=() code
  [ $# -ge 5 ] && data=(-d "$5")
  code=$(curl -sS -m 1800 -o "$state/answer" -w '%{http_code}' -H @"$headers" -H "Content-Type: $type" \
    -X "$method" "${data[@]}" "$url") || code="no answer"
  case $code in 2??) ;; *) fail "$method $url: HTTP $code $(head -c 400 "$state/answer" 2>/dev/null)" ;; esac
}
# The current target's SCIM API (target, base and token are set by measure).
scim() { request "$state/$target.h" application/scim+json "$1" "$base$2" "${@:3}"; }
fmt_rps() { awk -v r="$1" 'BEGIN { if (r == "-") print "-"; else if (r < 100) printf "%.2f", r; else printf "%.0f", r }'; }
rss_mib() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

declare -A RPS P50 P99 BODIES
# TARGET LOAD LABEL RUN WRK_ARGS...: one wrk run; fails on errors, records the figures.
run_load() {
  local target=$1 load=$2 label=$3 run=$4 out="$state/wrk-$1-$2-$4.txt" lua_bad lua_body
  shift 4
  SCIM_TOKEN=$token wrk --latency --timeout "$wrk_timeout" "$@" >"$out" 2>&1 || { cat "$out"; fail "wrk failed: $target $label"; }
  read -r rps p50 p99 n bad sock <<<"$(wrk_summary "$out")"
  rps=$(awk '$1 == "Requests/sec:" { print $2 }' "$out")  # unrounded: a group load may do less than 1 req/s
  lua_bad=$(awk '/^scim-lua non-2xx:/ { print $3 }' "$out")
  lua_body=$(awk '/^scim-lua bad-body:/ { print $3 }' "$out")
  printf '  %-9s %-44s run %d: %8s req/s   p50 %8.2f ms   p99 %8.2f ms   %7s requests\n' \
    "$target" "$label" "$run" "$(fmt_rps "$rps")" "$p50" "$p99" "$n"
  if [ -z "$lua_bad" ] || [ "$n" -eq 0 ] || [ "$bad" -gt 0 ] || [ "$sock" -gt 0 ] || [ "$lua_bad" -gt 0 ] || [ "${lua_body:-0}" -gt 0 ]; then
    grep -E 'Socket errors|Non-2xx|^scim-lua|rror' "$out" || cat "$out"
    fail "$target $label run $run: $n requests, $bad non-2xx, $sock socket errors/timeouts, ${lua_body:-?} wrong filter results"
  fi
  grep -q '^scim-lua bodies: ' "$out" && BODIES[$target]=$(sed -n 's/^scim-lua bodies: //p' "$out" | head -1)
  RPS[$target.$load]="${RPS[$target.$load]:-} $rps"
  P50[$target.$load]="${P50[$target.$load]:-} $p50"
  P99[$target.$load]="${P99[$target.$load]:-} $p99"
}

seed_to() {  # FIRST LAST: seeds the current target and checks its user count
  echo "  seeding users $1 … $2 into $target (POST /Users, $seed_connections connections)"
  SCIM_TOKEN=$token python3 scripts/bench/scim_seed.py "$base" "$1" "$2" "$state/$target.ids" "$seed_connections" |
    sed 's/^/    /' || fail "seeding $target failed"
  scim GET "/Users?count=0"
  local total; total=$(answer totalResults)
  [ "$total" -eq "$2" ] || fail "$target holds $total users after seeding $2"
}

# TARGET BASE_URL TOKEN USERS MEMBERS GROUP_DURATION: seeds one server and runs every load against it.
measure() {
  target=$1 base=${2%/} token=$3
  local count=$4 m=$5 gd=$6 origin path run gid patch_op
  origin=$(sed -E 's#^(https?://[^/]+).*#\1#' <<<"$base")
  path=${base#"$origin"}
  (umask 077; printf 'Authorization: Bearer %s\n' "$token" >"$state/$target.h")
  : >"$state/$target.ids"
  local common=(-t"$threads" -c"$connections" -d"$duration")
  echo "== $target: $base"

  seed_to 1 "$small"
  SCIM_TOKEN=$token wrk "${common[@]}" -d1s -s scripts/bench/scim_filter.lua "$origin" -- "$path" "$small" >/dev/null ||
    fail "warm-up of $target failed"
  for run in $(seq 1 "$runs"); do
    run_load "$target" filter_small "GET /Users?filter (${small} users)" "$run" "${common[@]}" \
      -s scripts/bench/scim_filter.lua "$origin" -- "$path" "$small"
  done

  seed_to $((small + 1)) "$count"
  SCIM_TOKEN=$token wrk "${common[@]}" -d1s -s scripts/bench/scim_filter.lua "$origin" -- "$path" "$count" >/dev/null ||
    fail "warm-up of $target failed"
  for run in $(seq 1 "$runs"); do
    run_load "$target" filter "GET /Users?filter (${count} users)" "$run" "${common[@]}" \
      -s scripts/bench/scim_filter.lua "$origin" -- "$path" "$count"
  done
  for run in $(seq 1 "$runs"); do
    run_load "$target" patch "PATCH /Users/{id} replace displayName" "$run" "${common[@]}" \
      -s scripts/bench/scim_patch_user.lua "$origin" -- "$path" "$state/$target.ids"
  done
  patch_op='{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"%s"}]}'
  for run in $(seq 1 "$runs"); do
    scim POST /Groups "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"bench-group-$run\"}"
    gid=$(answer id)
    run_load "$target" group "PATCH /Groups/{id} ${m} members add|remove" "$run" -t1 -c1 -d"$gd" \
      -s scripts/bench/scim_group_members.lua "$origin" -- "$path" "$gid" "$state/$target.ids" "$m"
    # wrk leaves its last request in flight: a small write to the same group waits for it.
    # shellcheck disable=SC2059
    scim PATCH "/Groups/$gid" "$(printf "$patch_op" "bench-group-$run-done")"
  done
  for run in $(seq 1 "$runs"); do
    run_load "$target" post "POST /Users (new userNames)" "$run" "${common[@]}" \
      -s scripts/bench/scim_post_user.lua "$origin" -- "$path" "post$run"
  done
  echo "  group PATCH bodies: ${BODIES[$target]:-?}"
}

echo "Herald SCIM benchmark"
echo "  wrk:        -t$threads -c$connections -d$duration --latency (group: -t1 -c1), $runs runs each, medians reported"
echo "  machine:    $(nproc) cores; the servers run one after the other, load generator on the same machine"
echo "  herald:     $([ "$only_reference" = 1 ] && echo "SKIPPED (BENCH_SCIM_ONLY_REFERENCE=1, development knob)" ||
  echo "$bin ($("$bin" --version 2>/dev/null || echo "version unknown")), $users users, groups of $members members")"
echo "  reference:  scim2-server $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("scim2-server"))'), $ref_users users, groups of $ref_members members ($ref_group_duration per group run)"
[ "$ref_users" -ne "$users" ] &&
  echo "  NOTE: the reference holds $ref_users users, not $users (BENCH_SCIM_REFERENCE_USERS)"
echo

# --- herald ---------------------------------------------------------------------------------------------
if [ "$only_reference" != 1 ]; then
  # The POST load adds users beyond BENCH_SCIM_USERS, as many as the daemon takes: the tier has no user limit.
  mkdir "$state/herald"
  HERALD_LIMITS_AUTH_FAILURES=1000000 "$bin" serve --state-dir "$state/herald" \
    --public-address 127.0.0.1:0 --admin-address 127.0.0.1:0 --log-level warning >"$state/herald.log" 2>&1 &
  herald_pid=$!
  for _ in $(seq 1 100); do [ -s "$state/herald/addresses.json" ] && break; sleep 0.1; done
  [ -s "$state/herald/addresses.json" ] || fail "herald did not start"
  address() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$state/herald/addresses.json" "$1"; }
  admin=$(address admin)
  public=$(address public)
  (umask 077; printf 'Authorization: Bearer %s\n' "$(cat "$state/herald/bootstrap-admin-key")" >"$state/admin.h")
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "$admin/readyz" 2>/dev/null && break; sleep 0.1; done
  admin_api() { request "$state/admin.h" application/json "$1" "$admin$2" "${@:3}"; }
  admin_api GET /readyz
  admin_api POST /api/platform/tiers '{"id":"bench-scim","display_name":"SCIM bench","max_users":null}'
  admin_api POST /api/organizations '{"slug":"bench-scim","name":"SCIM bench"}'
  org=$(answer id)
  admin_api POST "/api/platform/organizations/$org/approve" '{"tier_id":"bench-scim"}'
  admin_api POST /api/organizations/bench-scim/scim/tokens '{"name":"bench-scim"}'
  herald_token=$(answer token)
  measure herald "$public/scim/v2" "$herald_token" "$users" "$members" "$group_duration"
  echo "  herald RSS after the loads: $(rss_mib "$herald_pid") MiB"
  stop herald herald_pid
  if grep -qiE 'error|critical' "$state/herald.log"; then
    echo "herald log has errors:"; grep -iE 'error|critical' "$state/herald.log" | head -20
  fi
  echo
fi

# --- reference ------------------------------------------------------------------------------------------
if [ "${BENCH_SCIM_ONLY_HERALD:-0}" != 1 ]; then
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
ref_token=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
# scim2-server takes its token on the command line only (a throwaway token of this run).
"$venv/bin/scim2-server" --hostname 127.0.0.1 --port "$port" --bearer-token "$ref_token" >"$state/reference.log" 2>&1 &
ref_pid=$!
(umask 077; printf 'Authorization: Bearer %s\n' "$ref_token" >"$state/reference.h")
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null -H @"$state/reference.h" "http://127.0.0.1:$port/v2/ServiceProviderConfig" 2>/dev/null && break
  sleep 0.1
done
request "$state/reference.h" application/scim+json GET "http://127.0.0.1:$port/v2/ServiceProviderConfig"
measure reference "http://127.0.0.1:$port/v2" "$ref_token" "$ref_users" "$ref_members" "$ref_group_duration"
echo "  reference RSS after the loads: $(rss_mib "$ref_pid") MiB"
stop scim2-server ref_pid
echo
fi

# --- summary --------------------------------------------------------------------------------------------
# shellcheck disable=SC2086
med() { [ -n "${1// }" ] || { echo "-"; return; }; median $1; }  # "values": their median, or - if none
fig() { [ "$1" = "-" ] && echo "-" || printf '%.2f' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b <= 0) print "-"; else printf "%.1f", a / b }'; }
echo "Results (median of $runs runs; wrk -t$threads -c$connections -d$duration, group -t1 -c1; herald $users users," \
  "reference $ref_users users)"
printf '  %-34s %10s %9s %9s   %10s %9s %9s   %8s  %s\n' load "herald r/s" p50_ms p99_ms "ref r/s" p50_ms p99_ms ratio \
  "target >= ${ratio_target}x"
for load in filter post patch group; do
  case $load in
    filter) label="GET /Users?filter=userName eq" ;;
    post) label="POST /Users" ;;
    patch) label="PATCH /Users/{id} (1 attribute)" ;;
    group) label="PATCH /Groups/{id} members (*)" ;;
  esac
  h_rps=$(med "${RPS[herald.$load]:-}"); r_rps=$(med "${RPS[reference.$load]:-}")
  r=$(ratio "$h_rps" "$r_rps")
  verdict=$(awk -v r="$r" -v t="$ratio_target" 'BEGIN { if (r == "-") print "-"; else print (r >= t) ? "met" : "missed" }')
  printf '  %-34s %10s %9s %9s   %10s %9s %9s   %8s  %s\n' "$label" "$(fmt_rps "$h_rps")" \
    "$(fig "$(med "${P50[herald.$load]:-}")")" "$(fig "$(med "${P99[herald.$load]:-}")")" "$(fmt_rps "$r_rps")" \
    "$(fig "$(med "${P50[reference.$load]:-}")")" "$(fig "$(med "${P99[reference.$load]:-}")")" "$([ "$r" = - ] && echo - || echo "${r}x")" "$verdict"
done
echo "  (*) herald: $members members per PATCH, reference: $ref_members; member changes/s: herald" \
  "$(awk -v r="$(med "${RPS[herald.group]:-}")" -v m="$members" 'BEGIN { if (r == "-") print "-"; else printf "%.0f", r * m }')," \
  "reference $(awk -v r="$(med "${RPS[reference.group]:-}")" -v m="$ref_members" 'BEGIN { if (r == "-") print "-"; else printf "%.0f", r * m }')"
[ "$ref_members" -lt "$members" ] &&
  echo "      the reference's PATCHes are smaller (its removal is quadratic), so the group ratio is a lower bound"
echo
echo "Filter latency, GET /Users?filter=userName eq (target: herald's p50 within +-${flat_target_pct}% from $small to $users users)"
for target in herald reference; do
  s50=$(med "${P50[$target.filter_small]:-}"); l50=$(med "${P50[$target.filter]:-}")
  s99=$(med "${P99[$target.filter_small]:-}"); l99=$(med "${P99[$target.filter]:-}")
  [ "$s50" = "-" ] && { printf '  %-9s -\n' "$target"; continue; }
  n=$([ "$target" = herald ] && echo "$users" || echo "$ref_users")
  change=$(awk -v a="$s50" -v b="$l50" 'BEGIN { if (a > 0) printf "%+.1f", 100 * (b - a) / a; else print "0" }')
  verdict=$(awk -v c="$change" -v t="$flat_target_pct" 'BEGIN { c = c < 0 ? -c : c; print (c <= t) ? "met" : "missed" }')
  [ "$target" = reference ] && verdict="for information"
  printf '  %-9s p50 %7.2f ms at %6d users, %7.2f ms at %6d users (%s%%)   p99 %7.2f -> %7.2f ms   %s\n' \
    "$target" "$s50" "$small" "$l50" "$n" "$change" "$s99" "$l99" "$verdict"
done
