#!/usr/bin/env bash
# Generator benchmark: 'wirespeed nicbench gen' vs dpdk-testpmd --forward-mode=txonly, same vdev (net_null0, which
# frees what it is given), same frame size (64 B with FCS = 60-byte mbufs: testpmd --txpkts=60), one sending core
# each, same memory mode, alternated round by round in the same run. Prints both rates and the ratio, plus the
# generator's allocation per frame.
#   bench/run-gen.sh [--rounds N] [--seconds S]
# Every run is bounded in time and stops by itself; no traffic leaves the process (net_null).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
ROUNDS=3; SECONDS_=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--seconds S]" >&2; exit 2 ;;
  esac
done

"$ROOT/wirespeed" build >/dev/null 2>&1 || { echo "build failed: run ./wirespeed build" >&2; exit 2; }
command -v dpdk-testpmd >/dev/null || { echo "dpdk-testpmd not found (apt-get install dpdk)" >&2; exit 2; }

# Same memory mode as the Java side picks (EalOptions.hugepagesAvailable with 512 MiB).
free_kb=$(awk '/HugePages_Free/ {f=$2} /Hugepagesize/ {s=$2} END {print f*s}' /proc/meminfo)
if grep -q ' hugetlbfs ' /proc/mounts && [ "$free_kb" -ge $((512 * 1024)) ]; then MEM=(--in-memory); MODE=hugepages
else MEM=(--no-huge -m 512 --file-prefix ws-testpmd-$$); MODE=no-huge; fi

testpmd_round() { # prints the median Tx-pps of the stable periods, in Mpps
  local out; out=$(mktemp)
  timeout -s INT $((SECONDS_ + 4)) dpdk-testpmd -l 0,1 --no-pci "${MEM[@]}" --log-level='*:error' --vdev net_null0 -- \
    --forward-mode=txonly --txpkts=60 --port-topology=loop --nb-cores=1 --total-num-mbufs=16384 --stats-period 1 \
    >"$out" 2>&1 || true
  # one port: one Tx-pps per period; skip 3 start-up periods, median
  awk '/Tx-pps:/ { v[n++] = $2 } END { for (i = 3; i < n; i++) print v[i] / 1e6 }' "$out" |
    sort -g | awk '{v[NR]=$1} END { if (NR == 0) print 0; else print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2) }'
  rm -f "$out"
}

java_round() { # prints "Mpps B/frame": the median of the per-second totals after the first (warm-up) second
  local out; out=$(mktemp)
  "$ROOT/wirespeed" nicbench gen --vdev net_null0 --size 64 --seconds $((SECONDS_ + 1)) >"$out" 2>/dev/null || true
  local mpps alloc
  mpps=$(awk '/^ *[0-9]+ s total/ { if (n++ > 0) print $4 / 1e6 }' "$out" | sort -g |
    awk '{v[NR]=$1} END { if (NR == 0) print 0; else print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2) }')
  alloc=$(sed -n 's/^result: gen.*allocated \([0-9.]*\) B\/frame.*/\1/p' "$out")
  rm -f "$out"
  echo "$mpps ${alloc:-?}"
}

echo "generator benchmark: net_null0, 64-byte frames (60 B + FCS), one sending core, $MODE, $ROUNDS rounds of ${SECONDS_} s"
uptime
tp=(); jv=(); alloc=()
for r in $(seq 1 "$ROUNDS"); do
  t=$(testpmd_round); read -r j a < <(java_round)
  printf '  round %d: testpmd txonly %8.2f Mpps   wirespeed gen %8.2f Mpps   gen alloc %s B/frame\n' "$r" "$t" "$j" "$a"
  tp+=("$t"); jv+=("$j"); alloc+=("$a")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
mt=$(median "${tp[@]}"); mj=$(median "${jv[@]}"); ma=$(printf '%s\n' "${alloc[@]}" | sort -g | tail -1)
ratio=$(awk -v j="$mj" -v t="$mt" 'BEGIN { printf "%.3f", (t > 0 ? j / t : 0) }')
echo "median: testpmd txonly $mt Mpps, gen $mj Mpps, ratio gen/testpmd = $ratio (target >= 0.9); worst gen allocation $ma B/frame"
uptime
ps -eo pid,pcpu,etime,comm --sort=-pcpu | head -6   # what else was running
