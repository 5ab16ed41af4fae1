#!/usr/bin/env bash
# Forwarding benchmark: Wirespeed's Java io-forward loop vs dpdk-testpmd --forward-mode=io, same vdevs, same
# memory mode, same run. Prints both rates and the ratio, plus the Java loop's allocation per packet.
#   bench/run-forward.sh [--rounds N] [--seconds S] [--jmh]
# Every run is bounded in time and stops by itself; no traffic leaves the process (net_null devices).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
ROUNDS=3; SECONDS_=5; JMH=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --jmh) JMH=1; shift ;;
    *) echo "usage: $0 [--rounds N] [--seconds S] [--jmh]" >&2; exit 2 ;;
  esac
done
VDEVS=(--vdev net_null0,copy=1 --vdev net_null1,copy=1)

"$ROOT/wirespeed" build >/dev/null 2>&1 || { echo "build failed: run ./wirespeed build" >&2; exit 2; }
command -v dpdk-testpmd >/dev/null || { echo "dpdk-testpmd not found (apt-get install dpdk)" >&2; exit 2; }

# Same memory mode as the Java side picks (EalOptions.hugepagesAvailable with 512 MiB).
free_kb=$(awk '/HugePages_Free/ {f=$2} /Hugepagesize/ {s=$2} END {print f*s}' /proc/meminfo)
if grep -q ' hugetlbfs ' /proc/mounts && [ "$free_kb" -ge $((512 * 1024)) ]; then MEM=(--in-memory); MODE=hugepages
else MEM=(--no-huge -m 512 --file-prefix ws-testpmd-$$); MODE=no-huge; fi

testpmd_round() { # prints the median total Rx-pps (both ports) of the stable periods
  local out; out=$(mktemp)
  timeout -s INT $((SECONDS_ + 4)) dpdk-testpmd -l 0,1 --no-pci "${MEM[@]}" --log-level='*:error' "${VDEVS[@]}" -- \
    --forward-mode=io --total-num-mbufs=16384 --stats-period 1 >"$out" 2>&1 || true
  # per period, both ports' Rx-pps are printed one after the other: sum them, skip 3 start-up periods, median
  awk '/Rx-pps:/ { v[n++] = $2 } END { for (i = 0; i + 1 < n; i += 2) if (i >= 6) print (v[i] + v[i+1]) / 1e6 }' "$out" |
    sort -g | awk '{v[NR]=$1} END { if (NR == 0) print 0; else print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2) }'
  rm -f "$out"
}

java_round() { # prints "Mpps B/packet"
  "$ROOT/wirespeed" nicbench fwd "${VDEVS[@]}" --warmup 2 --seconds "$SECONDS_" 2>/dev/null |
    sed -n 's/^result: java io-forward \([0-9.]*\) Mpps.*allocated \([0-9.]*\) B\/packet.*/\1 \2/p'
}

echo "forwarding benchmark: net_null pair, 64-byte frames, one forwarding core, $MODE, $ROUNDS rounds of ${SECONDS_} s"
tp=(); jv=(); alloc=()
for r in $(seq 1 "$ROUNDS"); do
  t=$(testpmd_round); read -r j a < <(java_round)
  printf '  round %d: testpmd %8.2f Mpps   java %8.2f Mpps   java alloc %s B/packet\n' "$r" "$t" "$j" "$a"
  tp+=("$t"); jv+=("$j"); alloc+=("$a")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
mt=$(median "${tp[@]}"); mj=$(median "${jv[@]}"); ma=$(printf '%s\n' "${alloc[@]}" | sort -g | tail -1)
ratio=$(awk -v j="$mj" -v t="$mt" 'BEGIN { printf "%.3f", (t > 0 ? j / t : 0) }')
echo "median: testpmd $mt Mpps, java $mj Mpps, ratio java/testpmd = $ratio (target >= 0.8); worst java allocation $ma B/packet"

if [ "$JMH" = 1 ]; then
  echo "JMH ForwardBenchmark with -prof gc (ops = packets):"
  ( "$ROOT/wirespeed" jmh ForwardBenchmark -f 1 -wi 3 -w 2 -i 3 -r 2 -prof gc 2>/dev/null |
    grep -E '^(Benchmark|ForwardBenchmark)' )
fi
