#!/usr/bin/env bash
# Connection storm (issue 10, part 4): real Linux clients open connections as fast as asked, from several source
# addresses, against `wirespeed serve --echo` over a veth, then against a Linux listener (the kernel's TCP stack
# and an asyncio echo server) on the same veth, same clients, same rate, in one run. An attempt counts when its
# handshake completes within 5 s; a fresh connection made in the middle of each storm must echo a line.
#   bench/run-storm.sh [RATE=20000 attempts/s] [SECONDS=5] [ROUNDS=2]
# Namespaces made here (wsstA: server, wsstB: clients), TEST-NET-1 only (192.0.2.1 server, 192.0.2.10-14
# clients), no route out; everything is stopped by PID and the namespaces are deleted on exit. Bounded: each storm
# lasts SECONDS + 5 s at most, the whole run STORM_TIME_LIMIT seconds (default 600).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
RATE=${1:-20000}; SECONDS_=${2:-5}; ROUNDS=${3:-2}
A=wsstA$$; B=wsstB$$; VA=wssta$$; VB=wsstb$$
SOURCES=192.0.2.10,192.0.2.11,192.0.2.12,192.0.2.13,192.0.2.14
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || { echo "run-storm.sh needs root (network namespaces)" >&2; exit 2; }
"$ROOT/wirespeed" build >/dev/null 2>&1 || { echo "build failed: run ./wirespeed build" >&2; exit 2; }
ip netns add "$A"; ip netns add "$B"
ip link add "$VA" netns "$A" type veth peer name "$VB" netns "$B"
ip -n "$A" link set lo up; ip -n "$B" link set lo up
ip -n "$A" link set "$VA" up; ip -n "$B" link set "$VB" up
for ip in ${SOURCES//,/ }; do ip -n "$B" addr add "$ip/24" dev "$VB"; done
ip netns exec "$B" ethtool -K "$VB" tx off >/dev/null; ip netns exec "$A" ethtool -K "$VA" tx off >/dev/null
ip netns exec "$B" sysctl -qw net.ipv4.ip_local_port_range="10000 65000"

load() { cut -d' ' -f1-3 /proc/loadavg; }
# kernel counters of a namespace (absolute), e.g. kstat "$B" TcpExtTCPSynRetrans -> "TcpExtTCPSynRetrans=12"
kstat() { local ns=$1; shift; ip netns exec "$ns" nstat -az "$@" 2>/dev/null | awk 'NR > 1 && $1 !~ /^#/ { printf "%s=%s ", $1, $2 }'; }
# the difference of two kstat lines, nonzero entries only
kdiff() { awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, "="); o[kv[1]] = kv[2] }
  n = split(b, y, " "); for (i = 1; i <= n; i++) { split(y[i], kv, "="); d = kv[2] - o[kv[1]]; if (d != 0) printf "%s=%d ", kv[1], d } }'; }
CLIENT_KEYS="TcpActiveOpens TcpExtTCPSynRetrans TcpAttemptFails"
SERVER_KEYS="TcpPassiveOpens TcpExtListenOverflows TcpExtListenDrops TcpExtTCPReqQFullDrop TcpExtSyncookiesSent TcpExtTCPBacklogDrop"
echo "machine: $(nproc) cores, load average $(load) before the run; rate $RATE/s for $SECONDS_ s from 5 addresses, $ROUNDS rounds"
storm() { timeout --kill-after=5 $((SECONDS_ + 30)) ip netns exec "$B" python3 "$ROOT/bench/storm/storm_client.py" 192.0.2.1 7 "$SOURCES" "$RATE" "$SECONDS_" 1; }

run_engine() {
  local log; log=$(mktemp)
  local name=storm$$
  ip netns exec "$A" "$ROOT/wirespeed" serve --iface "$VA" --ip 192.0.2.1/24 --echo 7 --idle busy --name "$name" >"$log" 2>&1 &
  local pid=$!; PIDS+=("$pid")
  for _ in $(seq 200); do grep -q '^ready' "$log" && break; sleep 0.1; done
  grep -q '^ready' "$log" || { cat "$log"; exit 1; }
  local c0; c0=$(kstat "$B" $CLIENT_KEYS)
  local r; r=$(storm)
  sleep 0.5
  ps -o pid,pcpu,rss,args -p "$pid" | tail -1 | cut -c1-100 >&2 || true
  echo "  clients: $(kdiff "$c0" "$(kstat "$B" $CLIENT_KEYS)")" >&2
  # every nonzero drop counter of the engine (its own reasons, TCP's, and the port's imissed/rx_nombuf/oerrors)
  echo "  engine: $("$ROOT/wirespeed" stat --name "$name" --count 1 2>/dev/null | grep -v '^==' | grep -iE 'drop|port |overflow|full|cookie|syn' |
    awk -F': ' '$2 != 0 { printf "%s=%s  ", $1, $2 }' | cut -c1-900)" >&2
  kill -TERM "$pid"; wait "$pid" || true
  rm -f "/dev/shm/wirespeed-$name.counters"
  LAST="engine $r"
  rm -f "$log"
}

run_linux() {
  ip -n "$A" addr add 192.0.2.1/24 dev "$VA"
  local log; log=$(mktemp)
  ip netns exec "$A" python3 "$ROOT/bench/storm/echo_listener.py" 192.0.2.1 7 >"$log" 2>&1 &
  local pid=$!; PIDS+=("$pid")
  for _ in $(seq 100); do grep -q READY "$log" && break; sleep 0.1; done
  local c0 s0; c0=$(kstat "$B" $CLIENT_KEYS); s0=$(kstat "$A" $SERVER_KEYS)
  local r; r=$(storm)
  ps -o pid,pcpu,rss,args -p "$pid" | tail -1 | cut -c1-100 >&2 || true
  echo "  clients: $(kdiff "$c0" "$(kstat "$B" $CLIENT_KEYS)")" >&2
  echo "  linux listener: $(kdiff "$s0" "$(kstat "$A" $SERVER_KEYS)")" >&2
  kill "$pid"; wait "$pid" 2>/dev/null || true
  ip -n "$A" addr del 192.0.2.1/24 dev "$VA"
  # the clients' neighbour entry for 192.0.2.1 now points at the kernel's MAC, which is the same veth: keep it
  LAST="linux $r"
  rm -f "$log"
}

sleep "${STORM_TIME_LIMIT:-600}" >/dev/null 2>&1 &
SLEEPER=$!
( wait_for() { while kill -0 "$SLEEPER" 2>/dev/null; do sleep 1; done; }; wait_for
  kill -0 $$ 2>/dev/null && { echo "run-storm.sh: time limit reached" >&2; kill -TERM $$; } ) >/dev/null 2>&1 &
WATCHDOG=$!
PIDS+=("$SLEEPER" "$WATCHDOG")
RESULTS=""
for round in $(seq "$ROUNDS"); do
  run_engine; echo "$LAST"; RESULTS+="$LAST"$'\n'
  run_linux; echo "$LAST"; RESULTS+="$LAST"$'\n'
done
kill "$WATCHDOG" "$SLEEPER" 2>/dev/null || true
printf '%s' "$RESULTS" | awk '
  { who = $1; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[who, kv[1]] = v[who, kv[1]] " " kv[2] } }
  END { print "per round (engine | linux):";
        n = split("rate pct p50_ms p99_ms fresh", keys, " ");
        for (k = 1; k <= n; k++) printf "  %-7s engine%s | linux%s\n", keys[k], v["engine", keys[k]], v["linux", keys[k]] }'
echo "load average $(load) after the run (other work on the machine shows here)"
