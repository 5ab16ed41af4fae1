#!/usr/bin/env bash
# The TCP core's JMH figures (a connection lifetime; an in-order segment in, ACK out, timestamps off and on) of this
# checkout against another commit, alternated fork by fork so that both builds meet the same minutes of the box.
# Each fork runs 5 warm-up and 25 measured iterations of 200 ms; a fork's figure is its fastest iteration, a build's
# figure the median over its forks, and the ratio is this checkout's median over the other's (below 1 is faster).
#   bench/run-tcp-vs.sh <commit> [rounds, default 8]
# The other commit is built in a temporary git worktree, removed at the end. Bounded: rounds x 2 builds x 3 forks of
# about 8 s each, plus the two builds. Nothing goes on the network. Stop other busy processes first: a fork that
# shares its core runs 1.5-2x slower, and each JIT has a slow mode some forks fall into (listed, counted as they are).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
REF=${1:?usage: bench/run-tcp-vs.sh <commit> [rounds]}
ROUNDS=${2:-8}
JMH_OPTS=(-bm avgt -tu ns -f 1 -wi 5 -w 200ms -i 25 -r 200ms)

git -C "$ROOT" rev-parse --verify --quiet "$REF^{commit}" >/dev/null || { echo "unknown commit: $REF" >&2; exit 2; }
echo "== $(date -u +%H:%M:%S) UTC, $(uptime)"
ps -eo pid,pcpu,comm --sort=-pcpu | head -4
"$ROOT/wirespeed" build >/dev/null 2>&1 || { echo "build failed here: run ./wirespeed build" >&2; exit 2; }
OTHER=$(mktemp -d /tmp/wirespeed-vs.XXXXXX)
cleanup() { git -C "$ROOT" worktree remove --force "$OTHER" >/dev/null 2>&1 || rm -rf "$OTHER"; }
trap cleanup EXIT
git -C "$ROOT" worktree add --detach --quiet "$OTHER" "$REF"
echo "building $REF in $OTHER ..."
"$OTHER/wirespeed" build >/dev/null 2>&1 || { echo "build of $REF failed" >&2; exit 2; }

results=$(mktemp)
# one fork of each benchmark for one build: "<build> <benchmark> <fastest iteration, ns>" per line
fork() {
  local label=$1 root=$2 out
  out=$(mktemp)
  WIRESPEED_JAVA_OPTS=-Djmh.ignoreLock=true "$root/wirespeed" jmh 'TcpLifetimeBenchmark|TcpSegmentBenchmark' \
    "${JMH_OPTS[@]}" > "$out" 2>&1 || { echo "jmh failed for $label:" >&2; tail -20 "$out" >&2; exit 2; }
  awk -v b="$label" '
    /^# Benchmark: / { name = $3; sub(/.*\./, "", name) }
    /^# Parameters: / { p = $0; sub(/.*= /, "", p); sub(/\)/, "", p); name = name "[timestamps=" p "]" }
    /^Iteration/ { v = $(NF - 1) + 0; if (!(name in min) || v < min[name]) min[name] = v }
    END { for (n in min) printf "%s %s %.1f\n", b, n, min[n] }' "$out" >> "$results"
  rm -f "$out"
}
for ((r = 1; r <= ROUNDS; r++)); do
  fork other "$OTHER"
  fork this "$ROOT"
  echo "round $r of $ROUNDS done, $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "== $(date -u +%H:%M:%S) UTC, $(uptime)"
echo "this = $(git -C "$ROOT" rev-parse --short HEAD), other = $(git -C "$ROOT" rev-parse --short "$REF"); per-fork minima, ns"
sort -k2,2 -k1,1 -k3n "$results" | awk '
  function median(a, n) { return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  { key = $2; v[$1, key, ++n[$1, key]] = $3; list[$1, key] = list[$1, key] " " $3; keys[key] = 1 }
  END {
    for (k in keys) {
      for (b = 0; b < 2; b++) {
        build = b ? "this" : "other"
        for (i = 1; i <= n[build, k]; i++) a[i] = v[build, k, i]
        m[build] = median(a, n[build, k])
        printf "%-40s %-5s median %7.1f  forks:%s\n", k, build, m[build], list[build, k]
      }
      printf "%-40s this/other = %.3fx\n", k, m["this"] / m["other"]
    }
  }'
rm -f "$results"
