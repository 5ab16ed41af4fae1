"""Real Linux clients during a SYN flood (run by bench/run-synflood.sh in the client namespace).
Usage: flood_clients.py SERVER_IP PORT SOURCE SECONDS SIZE

One blocking client after another, for SECONDS, from SOURCE: connect (3 s timeout), send SIZE bytes, read the echo
back, compare every byte, close. Prints one line:
RESULT connections=... ok=... failed=... bytes=... mbit_s=... connect_p50_ms=... connect_p99_ms=...
Bounded: SECONDS + 8 s at most (each step has its own timeout)."""
import os
import socket
import sys
import time

SERVER, PORT, SOURCE = sys.argv[1], int(sys.argv[2]), sys.argv[3]
SECONDS, SIZE = float(sys.argv[4]), int(sys.argv[5])
payload = os.urandom(SIZE)


def one():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(3.0)
    try:
        s.bind((SOURCE, 0))
        t0 = time.monotonic()
        s.connect((SERVER, PORT))
        connect_s = time.monotonic() - t0
        s.settimeout(5.0)
        got = bytearray()
        sent = 0
        while sent < SIZE:
            sent += s.send(payload[sent:sent + 65536])
            while len(got) < sent:
                chunk = s.recv(262144)
                if not chunk:
                    return None
                got += chunk
        return connect_s if bytes(got) == payload else None
    except OSError:
        return None
    finally:
        s.close()


def main():
    end = time.monotonic() + SECONDS
    start = time.monotonic()
    ok = failed = 0
    connects = []
    while time.monotonic() < end:
        r = one()
        if r is None:
            failed += 1
        else:
            ok += 1
            connects.append(r)
    elapsed = time.monotonic() - start
    connects.sort()

    def pct(q):
        return 1000 * connects[min(len(connects) - 1, int(q * len(connects)))] if connects else float("nan")

    print("RESULT connections=%d ok=%d failed=%d bytes=%d mbit_s=%.1f connect_p50_ms=%.2f connect_p99_ms=%.2f" % (
        ok + failed, ok, failed, ok * SIZE, ok * SIZE * 8 / elapsed / 1e6, pct(0.5), pct(0.99)), flush=True)


if __name__ == "__main__":
    main()
