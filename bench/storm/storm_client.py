"""Connection storm from real Linux sockets (run by bench/run-storm.sh in the client namespace).
Usage: storm_client.py SERVER_IP PORT SOURCES RATE SECONDS [PROBE]

SOURCES: comma-separated local addresses, one process each; RATE: connection attempts per second in all;
SECONDS: how long attempts are started. An attempt counts as answered when its handshake completes within 5 s
(then it is closed with an RST: SO_LINGER 0, so no TIME-WAIT piles up). With PROBE=1 a separate connection is
made in the middle of the storm and must echo one line (the "fresh connection during the storm").
Prints one line: RESULT attempts=... answered=... refused=... timeouts=... pct=... p50_ms=... p99_ms=...
Bounded: SECONDS + 6 s at most."""
import multiprocessing
import selectors
import socket
import struct
import sys
import time

SERVER, PORT, SOURCES = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
RATE, SECONDS = float(sys.argv[4]), float(sys.argv[5])
PROBE = len(sys.argv) > 6 and sys.argv[6] == "1"
WINDOW = 5.0
LINGER0 = struct.pack("ii", 1, 0)


def storm(source, rate, out):
    sel = selectors.DefaultSelector()
    pending = {}
    attempts = answered = refused = errors = 0
    latencies = []
    start = time.monotonic()
    end = start + SECONDS
    interval = 1.0 / rate
    next_at = start
    while True:
        now = time.monotonic()
        if now >= end + WINDOW or (now >= end and not pending):
            break
        # start the attempts that are due (in small batches, to hold the rate)
        while now < end and next_at <= now:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
            try:
                s.bind((source, 0))
                s.connect_ex((SERVER, PORT))
            except OSError:
                errors += 1
                s.close()
                next_at += interval
                continue
            attempts += 1
            pending[s.fileno()] = (s, now)
            sel.register(s, selectors.EVENT_WRITE)
            next_at += interval
        for key, _ in sel.select(timeout=0.001):
            s, t0 = pending.pop(key.fd)
            sel.unregister(s)
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err == 0:
                dt = time.monotonic() - t0
                if dt <= WINDOW:
                    answered += 1
                    latencies.append(dt)
            else:
                refused += 1
            s.close()
        # attempts older than the window count as unanswered
        now = time.monotonic()
        for fd in [fd for fd, (s, t0) in pending.items() if now - t0 > WINDOW]:
            s, _ = pending.pop(fd)
            sel.unregister(s)
            s.close()
    for s, _ in pending.values():
        s.close()
    out.put((attempts, answered, refused, errors, attempts - answered - refused, latencies))


def probe(out):
    time.sleep(SECONDS / 2)
    t0 = time.monotonic()
    try:
        s = socket.create_connection((SERVER, PORT), timeout=WINDOW)
        s.sendall(b"fresh connection during the storm\n")
        got = b""
        while not got.endswith(b"\n"):
            chunk = s.recv(100)
            if not chunk:
                break
            got += chunk
        s.close()
        out.put(("probe", got == b"fresh connection during the storm\n", time.monotonic() - t0))
    except OSError as e:
        out.put(("probe", False, str(e)))


def main():
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=storm, args=(src, RATE / len(SOURCES), out)) for src in SOURCES]
    if PROBE:
        procs.append(multiprocessing.Process(target=probe, args=(out,)))
    for p in procs:
        p.start()
    attempts = answered = refused = errors = unanswered = 0
    latencies = []
    probe_result = None
    for _ in procs:
        r = out.get(timeout=SECONDS + 30)
        if r[0] == "probe":
            probe_result = r
            continue
        attempts += r[0]
        answered += r[1]
        refused += r[2]
        errors += r[3]
        unanswered += r[4]
        latencies += r[5]
    for p in procs:
        p.join(10)
    latencies.sort()

    def pct(q):
        return 1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")

    line = ("RESULT attempts=%d rate=%.0f/s answered=%d refused=%d local_errors=%d unanswered=%d pct=%.1f "
            "p50_ms=%.1f p99_ms=%.1f" % (attempts, attempts / SECONDS, answered, refused, errors, unanswered,
                                         100.0 * answered / max(1, attempts), pct(0.5), pct(0.99)))
    if probe_result is not None:
        line += " fresh=%s" % ("ok" if probe_result[1] else "FAIL(%s)" % (probe_result[2],))
    print(line, flush=True)


if __name__ == "__main__":
    main()
