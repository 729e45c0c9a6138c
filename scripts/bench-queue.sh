#!/bin/sh
# Queue benchmark: enqueue + claim + ack of N no-op jobs through the real SQLite job store,
# with synchronous=FULL and NORMAL (a fresh temporary database file each), in a release build.
# Usage: scripts/bench-queue.sh [jobs] [workers]
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory -s bench-tools
exec .build/release/herald-bench "${1:-100000}" "${2:-8}"
