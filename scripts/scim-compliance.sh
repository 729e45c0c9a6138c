#!/usr/bin/env bash
# SCIM 2.0 compliance of the live daemon (`make test-scim`). Starts the real daemon on free ports with a temporary
# state directory, creates a tier, an organization (approved by the bootstrap platform owner) and a SCIM token for
# it, then runs two independent checkers from the peers virtualenv against <public>/scim/v2:
#   (a) scim2-tester through scim2-cli (`scim2 test`): every result is printed; fails unless every check is SUCCESS
#   (b) scim-sanity `probe --i-accept-side-effects --json-output` in strict mode (no --compat): fails on any failed
#       or errored check, and prints the summary and every check that did not pass
# then stops the daemon with SIGTERM. Exits non-zero if either checker fails or cannot run (a missing peer is an
# error, never a skip); on failure the tail of the daemon log is printed.
# The token reaches both checkers through environment variables, never the command line.
# Usage: scripts/scim-compliance.sh [HERALD_BINARY]
#   PEERS_VENV=.build/peers-venv (make peers)
#   SCIM_BASE_URL=http://HOST:PORT/scim/v2 SCIM_TOKEN=...   check an already running server instead (no daemon)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/herald}
venv=${PEERS_VENV:-.build/peers-venv}

for tool in scim2 scim-sanity python; do
  [ -x "$venv/bin/$tool" ] || { echo "FAIL: $venv/bin/$tool is missing: install the test peers (make peers)" >&2; exit 1; }
done

state=$(mktemp -d)
log="$state/herald.log"
pid=""
stop_daemon() {  # SIGTERM, then SIGKILL after 30 s; prints how long the daemon took to stop
  [ -n "$pid" ] || return 0
  local start i
  start=$(date +%s%N)
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { echo "daemon still running 30 s after SIGTERM: SIGKILL"; kill -9 "$pid" 2>/dev/null || true; }
  wait "$pid" 2>/dev/null || true
  pid=""
  echo "daemon stopped $(( ($(date +%s%N) - start) / 1000000 )) ms after SIGTERM"
}
cleanup() { stop_daemon >/dev/null 2>&1 || true; rm -rf "$state"; }
trap cleanup EXIT

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

if [ -n "${SCIM_BASE_URL:-}" ]; then
  [ -n "${SCIM_TOKEN:-}" ] || { echo "FAIL: SCIM_BASE_URL is set but SCIM_TOKEN is not" >&2; exit 1; }
  base=${SCIM_BASE_URL%/}
  token=$SCIM_TOKEN
  echo "checking the running server at $base"
else
  [ -x "$bin" ] || { echo "FAIL: no executable at $bin (make build)" >&2; exit 1; }
  HERALD_LIMITS_AUTH_FAILURES=1000000 "$bin" serve --state-dir "$state" \
    --public-address 127.0.0.1:0 --admin-address 127.0.0.1:0 --log-level warning >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do [ -s "$state/addresses.json" ] && break; sleep 0.1; done
  [ -s "$state/addresses.json" ] || { echo "FAIL: daemon did not start:"; cat "$log"; exit 1; }
  address() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$state/addresses.json" "$1"; }
  admin=$(address admin)
  public=$(address public)
  # The keys go to curl through a header file, not the command line.
  (umask 077; printf 'Authorization: Bearer %s\n' "$(cat "$state/bootstrap-admin-key")" >"$state/admin.h")
  api() {  # METHOD PATH [JSON]: the answer's body goes to $state/answer; exits on anything but a 2xx answer
    local data=() code
    [ $# -ge 3 ] && data=(-d "$3")
    code=$(curl -sS -o "$state/answer" -w '%{http_code}' -H @"$state/admin.h" -H "Content-Type: application/json" \
      -X "$1" "${data[@]}" "$admin$2") || code="no answer"
    case $code in
      2??) ;;
      *) echo "FAIL: $1 $2: HTTP $code $(head -c 500 "$state/answer" 2>/dev/null)"; echo "daemon log:"; tail -50 "$log"; exit 1 ;;
    esac
  }
  answer() { json_field "$1" <"$state/answer"; }
  api POST /api/platform/tiers '{"id":"scim-compliance","display_name":"SCIM compliance","max_users":1000}'
  api POST /api/organizations '{"slug":"scim-compliance","name":"SCIM compliance"}'
  org=$(answer id)
  api POST "/api/platform/organizations/$org/approve" '{"tier_id":"scim-compliance"}'
  api POST /api/organizations/scim-compliance/scim/tokens '{"name":"scim-compliance"}'
  token=$(answer token)
  base="$public/scim/v2"
  echo "herald $("$bin" --version 2>/dev/null || echo "(version unknown)") (pid $pid): checking $base"
fi

status=0

echo
echo "== scim2-tester $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("scim2-tester"))') (scim2 test)"
tester_rc=0
SCIM_CLI_URL=$base SCIM_CLI_HEADERS="Authorization: Bearer $token" "$venv/bin/scim2" test \
  >"$state/scim2-tester.txt" 2>&1 || tester_rc=$?
# Drop colour codes, should any be there; every result line starts with its status.
sed -i 's/\x1b\[[0-9;]*m//g' "$state/scim2-tester.txt"
cat "$state/scim2-tester.txt"
statuses='SUCCESS|COMPLIANT|ACCEPTABLE|DEVIATION|ERROR|CRITICAL|SKIPPED'
counts=$(grep -oE "^($statuses) " "$state/scim2-tester.txt" | sort | uniq -c | awk '{ printf "%s%s %d", sep, $2, $1; sep=", " }' || true)
total=$(grep -cE "^($statuses) " "$state/scim2-tester.txt" || true)
success=$(grep -cE '^SUCCESS ' "$state/scim2-tester.txt" || true)
echo "scim2-tester: $total checks: ${counts:-none}; exit code $tester_rc"
if [ "$tester_rc" -ne 0 ] || [ "$total" -eq 0 ] || [ "$success" -ne "$total" ]; then
  if [ "$total" -eq 0 ]; then echo "FAIL: scim2-tester ran no checks (exit code $tester_rc)"
  else echo "FAIL: scim2-tester: $((total - success)) of $total checks are not SUCCESS (exit code $tester_rc)"; fi
  status=1
fi

echo
echo "== scim-sanity $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("scim-sanity"))') (probe, strict)"
# The probe command's --token, read by click from SCIM_SANITY_PROBE_TOKEN (auto_envvar_prefix).
sanity_rc=0
SCIM_SANITY_PROBE_TOKEN=$token "$venv/bin/python" -c \
  'from scim_sanity.cli import main; main(prog_name="scim-sanity", auto_envvar_prefix="SCIM_SANITY")' \
  probe "$base" --i-accept-side-effects --json-output >"$state/scim-sanity.json" 2>"$state/scim-sanity.err" || sanity_rc=$?
report_rc=0
python3 scripts/peers/scim_sanity_report.py "$state/scim-sanity.json" || report_rc=$?
if [ "$report_rc" -ne 0 ] || [ "$sanity_rc" -ne 0 ]; then
  echo "FAIL: scim-sanity (exit code $sanity_rc)"
  [ -s "$state/scim-sanity.err" ] && tail -20 "$state/scim-sanity.err"
  status=1
fi

if [ -n "$pid" ]; then
  echo
  stop_daemon
  if [ "$status" -ne 0 ]; then echo "daemon log (last 50 lines):"; tail -50 "$log"; fi
fi
[ "$status" -eq 0 ] && echo "SCIM compliance: scim2-tester and scim-sanity passed" || echo "SCIM compliance: FAILED"
exit "$status"
