#!/usr/bin/env bash
# Engine-to-engine benchmark: two Wirespeed engines in one process over a net_ring pair (one shard thread each,
# 192.0.2.1 server, 192.0.2.2 client) against the Linux kernel over loopback from the same JVM (Java NIO, one
# client and one server thread): connections/s (connect + 64 B request/response + close, 64 in flight),
# ping-pong latency (64 B, one keep-alive connection, HdrHistogram p50/p99/p99.9), bulk Gbit/s (one connection,
# one direction). Rounds alternate the stacks; the end is a table of medians and the engine/kernel ratios.
#   bench/run-e2e.sh [wirespeed e2e options, default: --rounds 3 --seconds 3 --warmup 1]
# Bounded: every phase stops by itself (its window plus a drain timeout), and the whole run is killed after
# E2E_TIME_LIMIT seconds (default 1800). Needs DPDK (./wirespeed setup); traffic stays on net_ring and 127.0.0.1.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
ARGS=("$@"); [ ${#ARGS[@]} -gt 0 ] || ARGS=(--rounds 3 --seconds 3 --warmup 1)
"$ROOT/wirespeed" build >/dev/null 2>&1 || { echo "build failed: run ./wirespeed build" >&2; exit 2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load average $(load) before the run"
rc=0
timeout --kill-after=10 "${E2E_TIME_LIMIT:-1800}" "$ROOT/wirespeed" e2e "${ARGS[@]}" || rc=$?
echo "load average $(load) after the run (other work on the machine shows here: busy-polling needs free cores)"
exit $rc
