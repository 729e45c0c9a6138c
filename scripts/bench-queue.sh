#!/bin/sh
# Queue benchmark: enqueue + claim + ack of N no-op jobs through the real SQLite job store,
# with synchronous=FULL and NORMAL (a fresh temporary database file each), in a release build.
# Usage: scripts/bench-queue.sh [jobs] [workers]
set -eu
cd "$(dirname "$0")/.."
swift build ${RELEASE_FLAGS:--c release --static-swift-stdlib -Xlinker --no-export-dynamic} --product herald-bench
exec .build/release/herald-bench "${1:-100000}" "${2:-8}"
