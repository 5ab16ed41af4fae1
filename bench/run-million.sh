#!/usr/bin/env bash
# A million concurrent connections engine to engine (issue 10, part 3): two Wirespeed engines in one JVM over a
# crossed net_ring pair; the client engine, with ADDRESSES local addresses (192.0.2.10 up; default: enough for N
# at 64,511 ports each), ramps to N established connections to the server engine's echo port (at most 2,048
# handshakes in flight), holds them HOLD_S seconds with keepalives on every connection (idle 20 s, probes every
# 20 s) and 16 of them ping-ponging 64 B, then closes them all. Prints the ramp rate, heap per connection (after a
# full GC, with none and with all up), the p50/p99 echo latency during the hold, the close time and lost connections.
#   bench/run-million.sh [N=1000000] [ADDRESSES] [HOLD_S=30] [SAMPLE=16] [shared|dedicated: threads, default shared]
# Bounded: every phase has a deadline; traffic never leaves the process (net_ring). Needs hugepages (./wirespeed setup).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
N=${1:-1000000}; ADDRS=${2:-$(( (N + 64510) / 64511 ))}; HOLD=${3:-30}
"$ROOT/wirespeed" build >/dev/null 2>&1 || { echo "build failed: run ./wirespeed build" >&2; exit 2; }
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores, load average $(load) before the run; N=$N from $ADDRS addresses, hold ${HOLD} s"
timeout --kill-after=10 "${MILLION_TIME_LIMIT:-900}" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xms8g -Xmx8g \
  -cp "$ROOT/cli/target/wirespeed.jar:$ROOT/cli/target/lib/*" dev.wirespeed.bench.e2e.HoldBench "$N" "$ADDRS" "$HOLD" "${4:-16}" "${5:-shared}" &
pid=$!
( sleep 20; ps -o pid,rss,vsz,pcpu,args -p "$pid" | cut -c1-120 ) || true
rc=0; wait "$pid" || rc=$?
echo "load average $(load) after the run (other work on the machine shows here)"
exit $rc
