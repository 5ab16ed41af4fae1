#!/usr/bin/env bash
# TCP core benchmarks (JMH, -prof gc) and the Linux kernel doing the same work over loopback through Java NIO,
# in one JMH run, then the Wirespeed ÷ kernel ratios.
#   bench/run-tcp.sh [JMH options, default: -f 1 -wi 3 -w 1 -i 5 -r 1]
# Bounded: every benchmark runs a fixed number of short iterations; traffic stays on 127.0.0.0/8.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
OPTS=("$@"); [ ${#OPTS[@]} -gt 0 ] || OPTS=(-f 1 -wi 3 -w 1 -i 5 -r 1)
"$ROOT/wirespeed" build >/dev/null 2>&1 || { echo "build failed: run ./wirespeed build" >&2; exit 2; }
out=$(mktemp)
WIRESPEED_JAVA_OPTS=-Djmh.ignoreLock=true "$ROOT/wirespeed" jmh \
  'TcpSegmentBenchmark|TcpLifetimeBenchmark|NioLoopbackBenchmark|TcpOptionParseBenchmark' \
  -bm avgt -tu ns -prof gc "${OPTS[@]}" 2>/dev/null > "$out"
# the result table: score and gc.alloc.rate.norm rows (a parameter column, N/A where none, precedes Mode)
sed -n '/^Benchmark /,$p' "$out" | grep -E '^Benchmark |avgt' | grep -vE ':gc\.(alloc\.rate|count|time) '
score() { awk -v b=".$1" -v p="${2:-}" 'substr($1, length($1) - length(b) + 1) == b && (p == "" || $2 == p) { print $5; exit }' "$out"; }
seg=$(score TcpSegmentBenchmark.inOrderSegmentInAckOut true)
life=$(score TcpLifetimeBenchmark.lifetime)
nioLife=$(score NioLoopbackBenchmark.connectAcceptClose)
nioPing=$(score NioLoopbackBenchmark.pingPong)
rm -f "$out"
awk -v seg="$seg" -v life="$life" -v nl="$nioLife" -v np="$nioPing" 'BEGIN {
  printf "\nper established data segment: wirespeed %.1f ns, kernel %.1f ns (NIO ping-pong / 2: one 64-byte segment each way)  -> kernel/wirespeed = %.0fx\n", seg, np / 2, (np / 2) / seg
  printf "per connection lifetime:      wirespeed %.1f ns, kernel %.1f ns (NIO connect+accept+close)            -> kernel/wirespeed = %.0fx\n", life, nl, nl / life
  printf "targets: segment <= 150 ns, lifetime <= 3000 ns, 0 B/op (see gc.alloc.rate.norm above)\n" }'
