#!/bin/sh
# Checks systemd/herald.service the way it will be installed:
#   1. stages a root: ROOT/usr/local/bin/herald (the built binary), ROOT/etc/systemd/system/herald.service,
#      ROOT/etc/herald/herald.yaml (from etc/herald.example.yaml), ROOT/etc/herald/credentials/master-key;
#   2. `systemd-analyze verify --root=ROOT` must print nothing;
#   3. `systemd-analyze security --offline=yes` must rate the unit at most $MAX_EXPOSURE (default 2.0).
# It builds nothing: pass the binary as $1, or it takes .build/release/herald, else .build/debug/herald.
# Works without systemd as PID 1 (containers, CI). Needs systemd-analyze (systemd >= 252).
set -eu

cd "$(dirname "$0")/.."
MAX_EXPOSURE=${MAX_EXPOSURE:-2.0}
ANALYZE=${SYSTEMD_ANALYZE:-systemd-analyze}

binary=${1:-}
if [ -z "$binary" ]; then
    for candidate in .build/release/herald .build/debug/herald; do
        if [ -x "$candidate" ]; then binary=$candidate; break; fi
    done
fi
if [ -z "$binary" ] || [ ! -x "$binary" ]; then
    echo "check-systemd: no herald binary (pass its path, or build it first)" >&2
    exit 2
fi
command -v "$ANALYZE" >/dev/null 2>&1 || { echo "check-systemd: $ANALYZE not found" >&2; exit 2; }

root=$(mktemp -d "${TMPDIR:-/tmp}/herald-systemd-root.XXXXXX")
trap 'rm -rf "$root"' EXIT INT TERM
install -D -m 0755 "$binary" "$root/usr/local/bin/herald"
install -D -m 0644 systemd/herald.service "$root/etc/systemd/system/herald.service"
install -D -m 0644 etc/herald.example.yaml "$root/etc/herald/herald.yaml"
install -d -m 0700 "$root/etc/herald/credentials"
install -m 0600 /dev/null "$root/etc/herald/credentials/master-key"
# ExecReload= runs /bin/kill; verify looks it up under the root.
for kill_binary in /bin/kill /usr/bin/kill; do
    if [ -x "$kill_binary" ]; then install -D -m 0755 "$kill_binary" "$root/bin/kill"; break; fi
done

# verify follows the unit's dependencies (sysinit.target, network-online.target, …): stage the host's units.
for units in /usr/lib/systemd/system /lib/systemd/system; do
    if [ -d "$units" ]; then
        mkdir -p "$root/usr/lib/systemd"
        cp -a "$units" "$root/usr/lib/systemd/"
        break
    fi
done

status=0

# --man=no: the unit's Documentation= is a URL, and man pages are not part of the staged root.
verify_output=$("$ANALYZE" verify --man=no --root="$root" "$root/etc/systemd/system/herald.service" 2>&1) || status=1
if [ -n "$verify_output" ]; then
    echo "check-systemd: systemd-analyze verify complained:" >&2
    printf '%s\n' "$verify_output" >&2
    status=1
else
    echo "check-systemd: verify clean"
fi

security_output=$("$ANALYZE" security --offline=yes --root="$root" "$root/etc/systemd/system/herald.service" 2>&1) || true
score=$(printf '%s\n' "$security_output" | sed -n 's/.*Overall exposure level for herald.service: \([0-9.]*\).*/\1/p')
if [ -z "$score" ]; then
    echo "check-systemd: could not read the exposure level:" >&2
    printf '%s\n' "$security_output" >&2
    status=1
elif awk -v s="$score" -v max="$MAX_EXPOSURE" 'BEGIN { exit !(s > max) }'; then
    echo "check-systemd: exposure level $score is above $MAX_EXPOSURE:" >&2
    printf '%s\n' "$security_output" | grep '✗' >&2 || true
    status=1
else
    echo "check-systemd: exposure level $score (at most $MAX_EXPOSURE)"
fi

exit $status
