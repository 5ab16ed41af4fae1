#!/usr/bin/env bash
# wirespeed load benchmarks (issue 8), ratios from one run:
#  1. load against wrk, both against the same nginx (one worker) across veth pairs, same core for the client
#     (taskset), same connections: keep-alive requests/s and Connection: close connections/s;
#  2. load against serve engine to engine over net_ring, one shard each: connect-mode connections/s and HTTP
#     keep-alive requests/s, median of 3, with the CPU each side's shard thread used.
# Namespaces of its own (TEST-NET-1, no default route), removed on exit. Run as root from the repository.
#   bench/run-load.sh [--seconds 5] [--connections 64] [--rounds 3]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=5; CONNS=64; ROUNDS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECS=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    *) echo "usage: $0 [--seconds S] [--connections N] [--rounds R]" >&2; exit 2 ;;
  esac
done
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
CP="$ROOT/cli/target/wirespeed.jar:$ROOT/cli/target/lib/*"
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED)
"$ROOT/wirespeed" build >/dev/null

T=$$; L=wsbL$T; W=wsbW$T; S=wsbS$T; DIR=$(mktemp -d /tmp/wirespeed-bench-load.XXXXXX)
NGINX_PID=
cleanup() {
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  for ns in $L $W $S; do ip netns delete "$ns" 2>/dev/null || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

for ns in $L $W $S; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip link add wsbl$T netns $L type veth peer name wsbpl$T netns $S
ip link add wsbw$T netns $W type veth peer name wsbpw$T netns $S
ip -n $S link add br0 type bridge
ip -n $S link set wsbpl$T master br0; ip -n $S link set wsbpw$T master br0
ip -n $S addr add 192.0.2.2/24 dev br0
for l in br0 wsbpl$T wsbpw$T; do ip -n $S link set $l up; done
ip -n $W addr add 192.0.2.3/24 dev wsbw$T; ip -n $W link set wsbw$T up
ip -n $L link set wsbl$T up
ip netns exec $S ethtool -K wsbpl$T tx off >/dev/null; ip netns exec $S ethtool -K br0 tx off >/dev/null
ip netns exec $L ethtool -K wsbl$T tx off >/dev/null
cat > "$DIR/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $DIR/nginx.pid;
error_log $DIR/error.log;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $DIR; proxy_temp_path $DIR; fastcgi_temp_path $DIR; uwsgi_temp_path $DIR; scgi_temp_path $DIR;
  keepalive_requests 100000000;
  server { listen 192.0.2.2:80; location / { return 200 "Hello from nginx\n"; } }
}
CONF
# nginx on CPU 1, the clients on CPU 0
ip netns exec $S taskset -c 1 nginx -c "$DIR/nginx.conf" & NGINX_PID=$!
for _ in $(seq 100); do ip netns exec $S ss -ltn | grep -q 192.0.2.2:80 && break; sleep 0.1; done

wrk_rps() { ip netns exec $W taskset -c 0 wrk -t1 -c"$CONNS" -d"${SECS}s" "$@" http://192.0.2.2/ | awk '/Requests\/sec/ {print $2}'; }
load_rate() { # $1: json field, rest: load flags
  local field=$1; shift
  ip netns exec $L taskset -c 0 "${JAVA[@]}" -cp "$CP" dev.wirespeed.cli.WirespeedCli load --iface wsbl$T \
    --ip 192.0.2.1/24 --target 192.0.2.2:80 --connections "$CONNS" --duration "${SECS}s" --warmup 3s \
    --json "$DIR/load.json" "$@" >"$DIR/load.out" 2>&1 || { cat "$DIR/load.out" >&2; return 1; }
  python3 -c "import json,sys; print(json.load(open('$DIR/load.json'))['$field'])"
}

echo "== 1. load vs wrk, same nginx worker (CPU 1), client on CPU 0, $CONNS connections, ${SECS} s each"
uptime
KA_WRK=$(wrk_rps); KA_LOAD=$(load_rate reqPerS)
CL_WRK=$(wrk_rps -H "Connection: close"); CL_LOAD=$(load_rate connPerS --requests-per-conn 1)
printf 'keep-alive req/s:        load %10.0f   wrk %10.0f   load/wrk = %.2fx\n' "$KA_LOAD" "$KA_WRK" "$(echo "$KA_LOAD / $KA_WRK" | bc -l)"
printf 'Connection: close conn/s: load %10.0f   wrk %10.0f   load/wrk = %.2fx\n' "$CL_LOAD" "$CL_WRK" "$(echo "$CL_LOAD / $CL_WRK" | bc -l)"
ps -o pid,psr,pcpu,comm -p "$NGINX_PID" $(pgrep -P "$NGINX_PID" | tr '\n' ' ') 2>/dev/null || true

echo "== 2. load vs serve, engine to engine over net_ring, one shard each, median of $ROUNDS"
uptime
"${JAVA[@]}" -cp "$CP" dev.wirespeed.bench.load.LoadServeBenchmark "$ROUNDS" "$SECS" 256 | grep -v '^EAL'
uptime
