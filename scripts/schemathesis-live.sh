#!/usr/bin/env bash
# Starts the real daemon on free ports with a temporary state directory, seeds a little data, runs
# schemathesis (scripts/schemathesis.sh) against docs/openapi.yaml with the bootstrap platform owner's key,
# then stops the daemon with SIGTERM and checks that it exits in time.
# Usage: scripts/schemathesis-live.sh [HERALD_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/herald}
state=$(mktemp -d)
log="$state/herald.log"
cleanup() { [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null || true; rm -rf "$state"; }
trap cleanup EXIT

# Negative tests send bad credentials on purpose: lift the failed-authentication limit for this run.
# Short webhook timeouts: the test ping waits for its first attempt, and generated endpoint hosts do not
# resolve here (no DNS), so the attempt fails at the resolution bound instead of outliving st's timeout.
HERALD_WEBHOOKS_REQUEST_TIMEOUT_SECONDS=3 HERALD_WEBHOOKS_CONNECT_TIMEOUT_SECONDS=2 \
HERALD_SIEM_REQUEST_TIMEOUT_SECONDS=3 HERALD_SIEM_CONNECT_TIMEOUT_SECONDS=2 \
HERALD_SMTP_TIMEOUT_SECONDS=3 HERALD_SMTP_CONNECT_TIMEOUT_SECONDS=2 \
HERALD_LIMITS_AUTH_FAILURES=1000000 "$bin" serve --state-dir "$state" --public-address 127.0.0.1:0 --admin-address 127.0.0.1:0 --log-level warning \
  >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -s "$state/addresses.json" ] && break; sleep 0.1; done
[ -s "$state/addresses.json" ] || { echo "daemon did not start:"; cat "$log"; exit 1; }
admin=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["admin"])' "$state/addresses.json")
key=$(cat "$state/bootstrap-admin-key")
auth=(-H "Authorization: Bearer $key" -H "Content-Type: application/json")

# A little data so that the reads have something to return.
# docs/schemathesis.toml gives the path parameters these resources' ids, so requests reach real data.
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
curl -fsS "${auth[@]}" -X POST "$admin/api/platform/tiers" -d '{"id":"pro","display_name":"Pro","max_users":50}' >/dev/null
for slug in acme-corp globex initech; do
  id=$(curl -fsS "${auth[@]}" -X POST "$admin/api/organizations" -d "{\"slug\":\"$slug\",\"name\":\"$slug\"}" | json_field id)
  case $slug in acme-corp) export HERALD_ORG_ID=$id ;; globex) export HERALD_SPARE_ORG_ID=$id ;; esac
done
HERALD_USER_ID=$(curl -fsS "${auth[@]}" -X POST "$admin/api/organizations/acme-corp/members" \
  -d '{"email":"member@acme.example","role":"member"}' | json_field user_id)
export HERALD_USER_ID
export SCHEMATHESIS_CONFIG=docs/schemathesis.toml

status=0
scripts/schemathesis.sh "$admin" "$key" --exclude-operation-id ingestEvents || status=$?
# Ingest accepts only service keys (the SSO core's): test it with one, made by the CLI on the live store.
service_key=$("$bin" apikey create --email core@sso.example --service --name schemathesis --state-dir "$state" 2>/dev/null)
scripts/schemathesis.sh "$admin" "$service_key" --include-operation-id ingestEvents || status=$?

start=$(date +%s%N)
kill -TERM "$pid"
wait "$pid" || true
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
pid=""
echo "daemon stopped ${elapsed_ms} ms after SIGTERM"
if [ "$status" -ne 0 ]; then
  echo "schemathesis failed (exit $status); daemon log:"; tail -50 "$log"
fi
exit "$status"
