#!/usr/bin/env bash
# SYN flood (issue 10, part 4): hping3 floods SYNs as fast as it can (the veth's ceiling here) from one spoofed
# TEST-NET-1 source that never answers ARP (192.0.2.200), while a real Linux client (192.0.2.10) connects, echoes
# SIZE bytes and checks them, one connection after another. Per stack -- `wirespeed serve --echo 7` over the veth,
# then the kernel's TCP stack with an asyncio echo server on the same veth -- the client runs once without the flood
# (the same-run baseline) and once during it.
#   bench/run-synflood.sh [SECONDS=10] [SIZE=65536]
# Namespaces made here (wsfA: server, wsfB: clients and hping3), 192.0.2.0/24 only, no route out. hping3 gets a
# fixed destination (192.0.2.1, port 7) and a fixed spoofed source inside 192.0.2.0/24 (-a, never --rand-source);
# it is stopped after SECONDS + 2 s (SIGINT, then SIGKILL), every process by PID, the namespaces deleted on exit,
# the whole run after FLOOD_TIME_LIMIT seconds (default 300).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
SECONDS_=${1:-10}; SIZE=${2:-65536}
A=wsfA$$; B=wsfB$$; VA=wsfa$$; VB=wsfb$$
CLIENT=192.0.2.10; SPOOFED=192.0.2.200
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || { echo "run-synflood.sh needs root (network namespaces)" >&2; exit 2; }
command -v hping3 >/dev/null || { echo "run-synflood.sh needs hping3 (./wirespeed setup installs it)" >&2; exit 2; }
"$ROOT/wirespeed" build >/dev/null 2>&1 || { echo "build failed: run ./wirespeed build" >&2; exit 2; }
ip netns add "$A"; ip netns add "$B"
ip link add "$VA" netns "$A" type veth peer name "$VB" netns "$B"
ip -n "$A" link set lo up; ip -n "$B" link set lo up
ip -n "$A" link set "$VA" up; ip -n "$B" link set "$VB" up
ip -n "$B" addr add "$CLIENT/24" dev "$VB"
ip netns exec "$B" ethtool -K "$VB" tx off >/dev/null; ip netns exec "$A" ethtool -K "$VA" tx off >/dev/null

sleep "${FLOOD_TIME_LIMIT:-300}" >/dev/null 2>&1 &
SLEEPER=$!
( while kill -0 "$SLEEPER" 2>/dev/null; do sleep 1; done
  kill -0 $$ 2>/dev/null && { echo "run-synflood.sh: time limit reached" >&2; kill -TERM $$; } ) >/dev/null 2>&1 &
PIDS+=("$SLEEPER" "$!")

load() { cut -d' ' -f1-3 /proc/loadavg; }
rx_packets() { ip -n "$A" -s -j link show "$VA" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'; }
echo "machine: $(nproc) cores, load average $(load) before the run; clients ${SECONDS_} s per phase, $SIZE B echoed per connection"

clients() { timeout --kill-after=5 $((SECONDS_ + 15)) ip netns exec "$B" python3 "$ROOT/bench/storm/flood_clients.py" 192.0.2.1 7 "$CLIENT" "$SECONDS_" "$SIZE"; }

# the clients once quietly, then once under the flood; sets LAST to "quiet ... | flood ... rate=..."
phases() {
  local who=$1 quiet flood r0 r1 hp
  quiet=$(clients)
  r0=$(rx_packets)
  ip netns exec "$B" timeout -s INT --kill-after=3 $((SECONDS_ + 2)) \
    hping3 -I "$VB" -S -p 7 -a "$SPOOFED" --flood 192.0.2.1 >/tmp/wsf-hping.$$ 2>&1 &
  hp=$!; PIDS+=("$hp")
  sleep 1
  flood=$(clients)
  wait "$hp" 2>/dev/null || true
  r1=$(rx_packets)
  LAST="$who quiet: ${quiet#RESULT } | flood: ${flood#RESULT } frames_in=$((r1 - r0)) flood_pps=$(( (r1 - r0) / (SECONDS_ + 2) ))"
  grep -E 'packets transmitted' /tmp/wsf-hping.$$ | sed "s/^/  hping3 ($who): /" >&2 || true
  rm -f /tmp/wsf-hping.$$
}

name=synflood$$
log=$(mktemp)
ip netns exec "$A" "$ROOT/wirespeed" serve --iface "$VA" --ip 192.0.2.1/24 --echo 7 --idle busy --name "$name" >"$log" 2>&1 &
pid=$!; PIDS+=("$pid")
for _ in $(seq 200); do grep -q '^ready' "$log" && break; sleep 0.1; done
grep -q '^ready' "$log" || { cat "$log"; exit 1; }
phases engine; echo "$LAST"
ps -o pid,pcpu,rss,args -p "$pid" | tail -1 | cut -c1-100 || true
echo "  engine: $("$ROOT/wirespeed" stat --name "$name" --count 1 2>/dev/null | grep -v '^==' | grep -iE 'drop|port |cookie|syn' |
  awk -F': ' '$2 != 0 { printf "%s=%s  ", $1, $2 }' | cut -c1-900)"
kill -TERM "$pid"; wait "$pid" || true
rm -f "/dev/shm/wirespeed-$name.counters" "$log"

ip -n "$A" addr add 192.0.2.1/24 dev "$VA"
log=$(mktemp)
ip netns exec "$A" python3 "$ROOT/bench/storm/echo_listener.py" 192.0.2.1 7 >"$log" 2>&1 &
pid=$!; PIDS+=("$pid")
for _ in $(seq 100); do grep -q READY "$log" && break; sleep 0.1; done
phases linux; echo "$LAST"
echo "  linux listener: $(ip netns exec "$A" nstat -az TcpExtSyncookiesSent TcpExtListenDrops TcpExtTCPReqQFullDrop 2>/dev/null | awk 'NR > 1 && $1 !~ /^#/ { printf "%s=%s ", $1, $2 }')"
kill "$pid"; wait "$pid" 2>/dev/null || true
rm -f "$log"
echo "load average $(load) after the run (other work on the machine shows here)"
