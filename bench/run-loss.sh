#!/usr/bin/env bash
# Loss recovery against Linux: a 16 MiB echo on one TCP connection over a lossy veth, the Linux kernel as the client
# (cli/src/test/resources/interop/echo_check.py: random bytes, SHA-256 of everything echoed back), with
#   1. `wirespeed serve --echo` as the server (the engine owns veth end A through DPDK net_af_packet), and
#   2. the same with a Linux server (cli/src/test/resources/interop/echo_server.py) on veth end A,
# rounds alternating, then the medians and the engine/Linux goodput ratio.
# Impairment, the same for both servers, by nftables in the client's namespace B (as in ImpairedEchoInteropTest):
#   - frames B sends to the server: one draw per frame, 2% duplicated, 5% dropped (OUTPUT hook: Linux sees the drop
#     as a local send failure and sends again at once, so this side is mild for both servers);
#   - frames the server sends to B: 5% dropped before B's TCP sees them (INPUT hook: real loss, which the server's
#     loss recovery must repair). Offloads are off on both ends, so every rule sees single segments.
#   bench/run-loss.sh [rounds, default 3]     (LOSS_BYTES, default 16777216; LOSS_DEADLINE_S per echo, default 60)
#   LOSS_ONLY=engine|linux runs one side only; LOSS_PCAP=DIR writes the client end's frames (headers only) of each
#   round to DIR/engine-N.pcap and DIR/linux-CC-N.pcap (dumpcap in the client's namespace, before its INPUT drops).
#   LOSS_LINUX_CC="bbr reno" (a list) runs one Linux round per congestion control per round, set in the server's
#   namespace (net.ipv4.tcp_congestion_control; only those in tcp_allowed_congestion_control can be set there), and
#   prints a median and a ratio for each. Default: the namespace's default, whatever the host runs (printed).
#   LOSS_ENGINE_CC="newreno bbr" (a list) likewise runs one engine round per entry per round with `serve --cc CC`.
#   Default: newreno. Linux's BBR does not treat random loss as congestion, so engine newreno against Linux bbr
#   compares loss-based with model-based congestion control; newreno against reno and bbr against bbr are like
#   with like.
#   LOSS_PERMILLE="0 50" (a list) drops N per mille each way, all rounds for each in turn (default 50; 0: a lossless
#   baseline, duplicates only; with 0 first, the script also prints what the loss costs each server);
#   LOSS_WARMUP=N runs N unmeasured echoes of LOSS_WARMUP_BYTES (16 MiB) before each measured one, on the same
#   connection setup and impairment, for both servers alike (default 16: the engine's JIT keeps recompiling its
#   receive and recovery paths through the first ~256 MiB; Linux is unaffected). LOSS_WARMUP=0: the cold start.
#   LOSS_IDLE=busy|yield|backoff is the engine's idle strategy (default backoff); LOSS_SERVE_OPTS adds serve options
#   (default none: serve's own defaults, e.g. 64 KiB buffers per connection, where Linux autotunes its socket buffers,
#   here up to 32 MiB receive and 4 MiB send; LOSS_SERVE_OPTS="--buffer-kib 1024" gives serve larger ones).
# After each round the server's loss-recovery counters are printed: the engine's summary line, and for Linux the
# nstat TcpExt counters of the server's namespace (timeouts, loss probes, recoveries, retransmissions).
# An echo that does not return every byte by its deadline counts as a failed round (listed, left out of the median).
# Bounded: every echo stops after LOSS_DEADLINE_S; every process started here is stopped by PID; traffic stays between
# two namespaces made here on 192.0.2.0/24 with no route out.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
ROUNDS=${1:-3}
BYTES=${LOSS_BYTES:-16777216}
DEADLINE=${LOSS_DEADLINE_S:-60}
WARMUP=${LOSS_WARMUP:-16}
WARMUP_BYTES=${LOSS_WARMUP_BYTES:-16777216}
case "$WARMUP$WARMUP_BYTES" in *[!0-9]*) echo "wirespeed: error: LOSS_WARMUP and LOSS_WARMUP_BYTES must be numbers" >&2; exit 2 ;; esac
SERVER_IP=192.0.2.1
CLIENT_IP=192.0.2.2
"$ROOT/wirespeed" build >/dev/null 2>&1 || { echo "build failed: run ./wirespeed build" >&2; exit 2; }
for tool in nft ethtool python3; do
  command -v "$tool" >/dev/null || { echo "wirespeed: error: $tool is missing (apt-get install it)" >&2; exit 2; }
done

NA=wsloss-a-$$ NB=wsloss-b-$$ IA=wla$$ IB=wlb$$
SERVE_PID= SOCAT_PID= DUMP_PID= WORK=$(mktemp -d)
cleanup() {
  [ -n "$DUMP_PID" ] && kill "$DUMP_PID" 2>/dev/null && wait "$DUMP_PID" 2>/dev/null || true
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null || true
  [ -n "$SOCAT_PID" ] && kill "$SOCAT_PID" 2>/dev/null && wait "$SOCAT_PID" 2>/dev/null || true
  ip netns del "$NA" 2>/dev/null || true
  ip netns del "$NB" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add "$NA"
ip netns add "$NB"
ip link add "$IA" netns "$NA" type veth peer name "$IB" netns "$NB"
ip -n "$NA" link set lo up
ip -n "$NB" link set lo up
ip -n "$NA" link set "$IA" up
ip -n "$NB" addr add "$CLIENT_IP/24" dev "$IB"
ip -n "$NB" link set "$IB" up
# tx off: veth checksums (see DPDK notes in README); the rest: one segment per frame, and Linux checks every checksum
ip netns exec "$NA" ethtool -K "$IA" tx off gso off tso off gro off >/dev/null 2>&1 || true
ip netns exec "$NB" ethtool -K "$IB" tx off gso off tso off gro off rx off >/dev/null 2>&1 || true
# per-mille drop each way (LOSS_PERMILLE, a list, default 50 = 5%); 0 leaves only the duplicates (a lossless
# baseline); numgen draws 0-999, so the element 1000 never matches
PMS=${LOSS_PERMILLE:-50}
for pm in $PMS; do
  case "$pm" in ''|*[!0-9]*) echo "wirespeed: error: LOSS_PERMILLE must be 0-980, not '$pm'" >&2; exit 2 ;; esac
  [ "$pm" -le 980 ] || { echo "wirespeed: error: LOSS_PERMILLE must be 0-980, not $pm" >&2; exit 2; }
done
impair() { # $1: per mille dropped each way; replaces the table (and its counters)
  local out in
  if [ "$1" -eq 0 ]; then out=1000 in=1000; else out="20-$((19 + $1))" in="0-$(($1 - 1))"; fi
  cat > "$WORK/impair.nft" <<EOF
table ip wirespeed_loss {
  chain dupit {
    counter dup to $SERVER_IP device $IB
  }
  chain dropit {
    counter drop
  }
  chain dropin {
    counter drop
  }
  chain out {
    type filter hook output priority 0; policy accept;
    ip daddr $SERVER_IP numgen random mod 1000 vmap { 0-19 : jump dupit, $out : jump dropit }
  }
  chain in {
    type filter hook input priority 0; policy accept;
    ip saddr $SERVER_IP numgen random mod 1000 vmap { $in : jump dropin }
  }
}
EOF
  ip netns exec "$NB" nft delete table ip wirespeed_loss 2>/dev/null || true
  ip netns exec "$NB" nft -f "$WORK/impair.nft"
}
cp "$ROOT/cli/src/test/resources/interop/echo_check.py" "$ROOT/cli/src/test/resources/interop/echo_server.py" "$WORK/"

load() { cut -d' ' -f1-3 /proc/loadavg; }
SERVE_OPTS=${LOSS_SERVE_OPTS:-}
echo "machine: $(nproc) cores, load average $(load) before the run; $BYTES bytes per echo, $ROUNDS rounds," \
  "each after $WARMUP unmeasured echoes of $WARMUP_BYTES bytes; serve --idle ${LOSS_IDLE:-backoff} $SERVE_OPTS"
CCS=${LOSS_LINUX_CC:-$(ip netns exec "$NA" sysctl -n net.ipv4.tcp_congestion_control)}
for cc in $CCS; do
  ip netns exec "$NA" sysctl -qw "net.ipv4.tcp_congestion_control=$cc" 2>/dev/null || {
    echo "wirespeed: error: cannot set congestion control $cc in the server's namespace (allowed there:" \
      "$(sysctl -n net.ipv4.tcp_allowed_congestion_control))" >&2; exit 2; }
done
ECCS=${LOSS_ENGINE_CC:-newreno}
for ecc in $ECCS; do
  case "$ecc" in newreno|bbr) ;; *) echo "wirespeed: error: LOSS_ENGINE_CC: $ecc is not newreno or bbr" >&2; exit 2 ;; esac
done
echo "congestion control: engine $ECCS, Linux server: $CCS"

# one echo from B: prints the RESULT line; exits non-zero unless every byte came back
capture_start() { # $1: file name stem
  [ -n "${LOSS_PCAP:-}" ] || return 0
  mkdir -p "$LOSS_PCAP"
  ip netns exec "$NB" dumpcap -q -i "$IB" -s 128 -a "duration:$((DEADLINE + 10))" -w "$LOSS_PCAP/$1.pcap" \
    >/dev/null 2>&1 &
  DUMP_PID=$!
  sleep 0.5
}
capture_stop() {
  [ -n "${DUMP_PID:-}" ] || return 0
  sleep 0.2
  kill "$DUMP_PID" 2>/dev/null || true
  wait "$DUMP_PID" 2>/dev/null || true
  DUMP_PID=
}

echo_once() {
  local out w
  # LOSS_WARMUP=N: N unmeasured echoes of LOSS_WARMUP_BYTES first, for both servers alike (see the top)
  for w in $(seq 1 "$WARMUP"); do
    ip netns exec "$NB" python3 "$WORK/echo_check.py" "$SERVER_IP" 7 1 "$WARMUP_BYTES" "$DEADLINE" \
      | sed 's/^/warm-up: /' >&2
  done
  out=$(ip netns exec "$NB" python3 "$WORK/echo_check.py" "$SERVER_IP" 7 1 "$BYTES" "$DEADLINE")
  echo "$out" >&2
  case "$out" in "RESULT ok=1 of 1 "*) ;; *) return 1 ;; esac
  sed -n 's/.* mbps=\([0-9.]*\).*/\1/p' <<<"$out"
}

engine_round() { # $1: round, $2: congestion control
  ip -n "$NA" link set "$IA" up
  ip -n "$NB" neigh flush all
  ip netns exec "$NA" "$ROOT/wirespeed" serve --iface "$IA" --ip "$SERVER_IP/24" --echo 7 --idle "${LOSS_IDLE:-backoff}" --cc "$2" \
    $SERVE_OPTS \
    > "$WORK/serve.log" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 1 300); do grep -qs "ready ip=" "$WORK/serve.log" && break; sleep 0.1; done
  grep -q 'ready ip=' "$WORK/serve.log" || { cat "$WORK/serve.log" >&2; echo "serve did not start" >&2; exit 1; }
  capture_start "engine-$2-$1"
  local r=0; echo_once || r=$?
  capture_stop
  kill -TERM "$SERVE_PID" 2>/dev/null || true
  wait "$SERVE_PID" 2>/dev/null || true
  SERVE_PID=
  grep -E '^summary' "$WORK/serve.log" | cut -c1-1200 >&2 || true
  return $r
}

linux_round() { # $1: round, $2: congestion control
  ip netns exec "$NA" sysctl -qw "net.ipv4.tcp_congestion_control=$2"
  ip -n "$NA" addr add "$SERVER_IP/24" dev "$IA"
  ip -n "$NA" link set "$IA" up
  ip -n "$NB" neigh flush all
  # its output away from the caller's $(...): a forked child of a stalled echo would otherwise hold that pipe open
  # not socat ... PIPE: socat writes what it reads into its own pipe with a blocking write, and a block larger than
  # the pipe's free room (-b 65536) blocks it for good (the server's window stays at zero: about one round in four
  # stalled), while a block that always fits (-b 4096) measured socat more than Linux's TCP on the loaded box
  # (32-46 Mbit/s, against 55-105 with this server at the same load average, about 20-27)
  ip netns exec "$NA" python3 "$WORK/echo_server.py" "$SERVER_IP" 7 "$DEADLINE" >/dev/null 2>&1 &
  SOCAT_PID=$!
  for _ in $(seq 1 50); do ip netns exec "$NA" ss -ltn 'sport = :7' | grep -q LISTEN && break; sleep 0.1; done
  ip netns exec "$NA" nstat -n >/dev/null 2>&1 || true
  capture_start "linux-$2-$1"
  local r=0; echo_once || r=$?
  capture_stop
  ip netns exec "$NA" nstat -z TcpRetransSegs TcpExtTCPTimeouts TcpExtTCPLossProbes TcpExtTCPSackRecovery \
    TcpExtTCPLostRetransmit TcpExtTCPSACKReorder 2>/dev/null | awk 'NR > 1 { printf "%s=%s ", $1, $2 } END { print "" }' \
    | sed 's/^/linux server: /' >&2 || true
  kill "$SOCAT_PID" 2>/dev/null || true
  wait "$SOCAT_PID" 2>/dev/null || true
  ip netns pids "$NA" | xargs -r kill 2>/dev/null || true
  SOCAT_PID=
  ip -n "$NA" addr flush dev "$IA"
  return $r
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A E EF L LF M
status=0
for pm in $PMS; do
  impair "$pm"
  for ecc in $ECCS; do E[$ecc]= EF[$ecc]=0; done
  for cc in $CCS; do L[$cc]= LF[$cc]=0; done
  for round in $(seq 1 "$ROUNDS"); do
    if [ "${LOSS_ONLY:-engine}" = engine ]; then
      for ecc in $ECCS; do
        echo "round $round, $pm per mille: wirespeed serve --cc $ecc" >&2
        if v=$(engine_round "$round" "$ecc"); then E[$ecc]="${E[$ecc]} $v"; else EF[$ecc]=$((EF[$ecc] + 1)); fi
      done
    fi
    if [ "${LOSS_ONLY:-linux}" = linux ]; then
      for cc in $CCS; do
        echo "round $round, $pm per mille: Linux echo_server.py, $cc" >&2
        if v=$(linux_round "$round" "$cc"); then L[$cc]="${L[$cc]} $v"; else LF[$cc]=$((LF[$cc] + 1)); fi
      done
    fi
  done
  echo "== $pm per mille dropped each way"
  ip netns exec "$NB" nft list table ip wirespeed_loss | grep -o 'counter packets [0-9]*' | tr '\n' ' ' | \
    sed 's/^/nft counters (dup, drop out, drop in): /'; echo
  for ecc in $ECCS; do
    echo "engine ($ecc) Mbit/s per round:${E[$ecc]} (failed rounds: ${EF[$ecc]})"
    # shellcheck disable=SC2086
    [ -z "${E[$ecc]}" ] || M["engine ($ecc)/$pm"]=$(median ${E[$ecc]})
  done
  for cc in $CCS; do
    echo "Linux ($cc) Mbit/s per round:${L[$cc]} (failed rounds: ${LF[$cc]})"
    # shellcheck disable=SC2086
    [ -z "${L[$cc]}" ] || M["Linux ($cc)/$pm"]=$(median ${L[$cc]})
  done
  [ -n "${LOSS_ONLY:-}" ] && continue
  for ecc in $ECCS; do
    if [ -z "${E[$ecc]}" ]; then echo "no complete engine ($ecc) round" >&2; status=1; continue; fi
    for cc in $CCS; do
      if [ -z "${L[$cc]}" ]; then echo "no complete Linux ($cc) round" >&2; status=1; continue; fi
      awk -v e="${M["engine ($ecc)/$pm"]}" -v l="${M["Linux ($cc)/$pm"]}" -v ecc="$ecc" -v cc="$cc" -v pm="$pm" 'BEGIN { printf "median goodput at %s per mille: wirespeed (%s) %.1f Mbit/s, Linux (%s) %.1f Mbit/s -> wirespeed/Linux = %.2fx\n", pm, ecc, e, cc, l, e / l }'
    done
  done
done
# with a lossless baseline first in the list: what the loss costs each server (its lossy median over its lossless)
if [ "${PMS%% *}" -eq 0 ]; then
  for pm in $PMS; do
    [ "$pm" -eq 0 ] && continue
    for k in "${!M[@]}"; do
      case "$k" in
        */"$pm")
          srv=${k%/*}
          [ -n "${M["$srv/0"]:-}" ] || continue
          awk -v a="${M[$k]}" -v b="${M["$srv/0"]}" -v s="$srv" -v pm="$pm" 'BEGIN { printf "%s keeps %.2f of its lossless goodput at %s per mille (%.1f of %.1f Mbit/s)\n", s, a / b, pm, a, b }' ;;
      esac
    done
  done
fi
echo "load average $(load) after the run"
exit $status
