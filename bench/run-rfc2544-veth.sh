#!/usr/bin/env bash
# A full RFC 2544 run through a veth pair, as the example report in bench/examples/ was made: 'nicbench reflect'
# with a known answer (--max-pps 10k through a 512-frame buffer) in one test namespace, 'nicbench rfc2544' in the
# other, both over net_af_packet, line rate declared as 50 Mbit/s. Namespaces and veth are made here and deleted at
# the end (also on failure); traffic stays between them (192.0.2.0/24, no route). Needs root.
#   bench/run-rfc2544-veth.sh [OUT_PREFIX] [extra rfc2544 flags...]
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
OUT=${1:-$ROOT/bench/examples/rfc2544-veth}; shift || true
A=wsrfcA$$; B=wsrfcB$$; IA=wsrfa$$; IB=wsrfb$$; RPID=
cleanup() {
  [ -n "$RPID" ] && kill -TERM "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null || true
  ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true
}
trap cleanup EXIT
"$ROOT/wirespeed" build >/dev/null 2>&1 || { echo "build failed: run ./wirespeed build" >&2; exit 2; }
ip netns add "$A"; ip netns add "$B"
ip link add "$IA" netns "$A" type veth peer name "$IB" netns "$B"
for ns_if in "$A:$IA" "$B:$IB"; do
  ns=${ns_if%%:*}; if=${ns_if#*:}
  ip netns exec "$ns" sysctl -q -w "net.ipv6.conf.$if.disable_ipv6=1"
  ip -n "$ns" link set "$if" up
  ip netns exec "$ns" ethtool -K "$if" tx off >/dev/null
done
mkdir -p "$(dirname "$OUT")"
uptime
ip netns exec "$B" "$ROOT/wirespeed" nicbench reflect --iface "$IB" --max-pps 10k --buffer 512 --seconds 3600 --quiet \
  > "$OUT.reflector.log" 2>&1 &
RPID=$!
for _ in $(seq 1 600); do grep -q 'ready: reflecting' "$OUT.reflector.log" 2>/dev/null && break; sleep 0.2; done
grep -q 'ready: reflecting' "$OUT.reflector.log" || { cat "$OUT.reflector.log"; exit 1; }
ip netns exec "$A" "$ROOT/wirespeed" nicbench rfc2544 --port "$IA" --line-rate 50M --trial 1s --warmup 0.5s \
  --resolution 0.5% --attempts 1 --b2b-repeats 3 --b2b-max 100ms --settle 300ms --json "$OUT.json" --html "$OUT.html" "$@"
kill -TERM "$RPID"; wait "$RPID" || true; RPID=
tail -1 "$OUT.reflector.log"; rm -f "$OUT.reflector.log"
uptime
