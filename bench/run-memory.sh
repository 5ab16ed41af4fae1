#!/usr/bin/env bash
# Memory per idle connection: two in-memory endpoints open N connections (default 1000000), hold them idle, then
# the server closes them all into TIME-WAIT; prints bytes per established connection and per TIME-WAIT tuple
# (heap after a full GC, minus the baseline, divided by the connections), the ramp rate and the close rate.
#   bench/run-memory.sh [N] [extra JVM options]
# Bounded: N connections, in-process, no network; the heap is 8 GiB (about 2.2 KB per connection pair is needed).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
N=${1:-1000000}; shift || true
"$ROOT/wirespeed" build >/dev/null 2>&1 || { echo "build failed: run ./wirespeed build" >&2; exit 2; }
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
uptime
"$JAVA_HOME/bin/java" --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms8g -Xmx8g "$@" \
  -cp "$ROOT/cli/target/wirespeed.jar:$ROOT/cli/target/lib/*" dev.wirespeed.bench.tcp.ConnectionMemoryBench "$N" &
pid=$!
( sleep 5; ps -o pid,rss,vsz,pcpu,args -p "$pid" | cut -c1-150 ) || true
wait "$pid"
uptime
