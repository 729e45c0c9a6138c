#!/usr/bin/env bash
# Property-based contract test of Herald's admin API against docs/openapi.yaml.
#
# usage: scripts/schemathesis.sh ADMIN_URL API_KEY [extra `st run` arguments]
#   ADMIN_URL  base URL of the admin listener, e.g. http://127.0.0.1:8081
#   API_KEY    a platform-owner API key (e.g. the contents of <state>/bootstrap-admin-key)
#
# environment:
#   PEERS_VENV            venv holding schemathesis (default .build/peers-venv; create it with
#                         python3 -m venv .build/peers-venv &&
#                         .build/peers-venv/bin/pip install -r scripts/requirements-peers.txt)
#   SCHEMATHESIS_TIMEOUT  wall-clock bound of the run in seconds (default 900)
#   SCHEMATHESIS_REPORTS  directory for the JUnit report (default .build/schemathesis-report)
#   Relative paths are taken from the repository root (st itself runs in
#   .build/schemathesis-work, so relative paths among the extra st arguments resolve there).
#
# Operations that could revoke the very key or owner the run authenticates with are excluded:
# DELETE /api/me/api-keys/{id}, DELETE /api/platform/api-keys/{id},
# DELETE /api/platform/owners/{user_id}.
#
# Exit status: 0 when every check passed, st's status otherwise (124 when the time bound hit),
# 2 for a usage error.
set -euo pipefail

if [ "$#" -lt 2 ]; then
    echo "usage: $0 ADMIN_URL API_KEY [extra st run args]" >&2
    exit 2
fi
admin_url=$1
api_key=$2
shift 2

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

venv=${PEERS_VENV:-.build/peers-venv}
case $venv in /*) ;; *) venv="$root/$venv" ;; esac
st="$venv/bin/st"
if [ ! -x "$st" ]; then
    echo "error: $st not found; create the venv first:" >&2
    echo "  python3 -m venv $venv && $venv/bin/pip install -r scripts/requirements-peers.txt" >&2
    exit 2
fi
py="$venv/bin/python"

time_bound=${SCHEMATHESIS_TIMEOUT:-900}
report_dir=${SCHEMATHESIS_REPORTS:-.build/schemathesis-report}
case $report_dir in /*) ;; *) report_dir="$root/$report_dir" ;; esac
mkdir -p "$report_dir"
# st keeps a crash cache in ./.schemathesis; run it from a scratch directory under .build so
# the repository's root stays clean.
workdir="$root/.build/schemathesis-work"
mkdir -p "$workdir"
junit="$report_dir/junit.xml"
rm -f "$junit"

echo "schemathesis: $("$st" --version) against $admin_url (bound ${time_bound}s)" >&2

# --max-time is deliberately not used: in schemathesis 4.x it makes fuzzing repeat until the
# budget is spent. `timeout` bounds the run instead.
set +e
# SCHEMATHESIS_CONFIG: an optional config file (e.g. docs/schemathesis.toml) giving path parameters real values.
config_args=()
if [ -n "${SCHEMATHESIS_CONFIG:-}" ]; then config_args=(--config-file "$(cd "$(dirname "$SCHEMATHESIS_CONFIG")" && pwd)/$(basename "$SCHEMATHESIS_CONFIG")"); fi
(cd "$workdir" && exec timeout --kill-after=30 "$time_bound" "$st" "${config_args[@]}" run "$root/docs/openapi.yaml" \
    --url "$admin_url" \
    -H "Authorization: Bearer $api_key" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --mode all \
    --phases examples,coverage,fuzzing \
    --max-examples 30 \
    --workers 1 \
    --seed 1 \
    --request-timeout 10 \
    --generation-database none \
    --exclude-operation-id revokeMyApiKey \
    --exclude-operation-id revokePlatformApiKey \
    --exclude-operation-id demotePlatformOwner \
    --report junit \
    --report-junit-path "$junit" \
    --no-color \
    "$@")
status=$?
set -e

echo "---- schemathesis summary ----"
if [ -s "$junit" ]; then
    "$py" - "$junit" <<'EOF' || true
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
tests = failures = errors = skipped = 0
failed = []
for suite in suites:
    for case in suite.iter("testcase"):
        tests += 1
        if case.find("failure") is not None:
            failures += 1
            failed.append(case.get("name"))
        elif case.find("error") is not None:
            errors += 1
            failed.append(case.get("name") + " (error)")
        elif case.find("skipped") is not None:
            skipped += 1
print(f"operations: {tests}  passed: {tests - failures - errors - skipped}  "
      f"failed: {failures}  errored: {errors}  skipped: {skipped}")
for name in failed:
    print(f"  FAILED {name}")
EOF
    echo "report: $junit"
else
    echo "no report written"
fi
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "result: TIMED OUT after ${time_bound}s (exit $status)"
elif [ "$status" -eq 0 ]; then
    echo "result: PASSED"
else
    echo "result: FAILED (st exit $status)"
fi
exit "$status"
