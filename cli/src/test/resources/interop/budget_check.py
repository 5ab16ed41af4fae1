"""Budget check run by BudgetInteropTest from the Linux namespace: EXISTING connections to HOST:PORT each echo
BYTES random bytes (compared by SHA-256) and stays open while, once they are all open, EXTRA further connections are
attempted one after another, each with a one-byte echo and a short timeout. Prints one RESULT line.
Bounded: every socket has a timeout, and the echoes stop after DEADLINE seconds."""
import hashlib, os, socket, sys, threading, time

host, port, existing, extra, per, deadline = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
                                              int(sys.argv[5]), float(sys.argv[6]))
results = [None] * existing
socks = [socket.create_connection((host, port), timeout=deadline) for _ in range(existing)]
started = threading.Event()

def echo(i):
    """Echo BYTES, then hold the connection open until the extra attempts are over (it counts in the budget)."""
    s = socks[i]
    data = os.urandom(per)
    got = bytearray()
    def reader():
        try:
            while len(got) < per:
                b = s.recv(1 << 16)
                if not b:
                    break
                got.extend(b)
        except OSError as e:
            results[i] = "read error: %s" % e
    t = threading.Thread(target=reader)
    t.start()
    try:
        started.wait()
        s.sendall(data)
    except OSError as e:
        results[i] = "write error: %s" % e
    t.join(deadline)
    if results[i] is None:
        results[i] = "ok" if hashlib.sha256(got).digest() == hashlib.sha256(data).digest() else \
            "mismatch: %d of %d bytes" % (len(got), per)
    extras_done.wait(deadline)
    s.close()

extras_done = threading.Event()
threads = [threading.Thread(target=echo, args=(i,)) for i in range(existing)]
for t in threads:
    t.start()
started.set()
extra_ok = extra_failed = 0
for j in range(extra):
    try:
        s = socket.create_connection((host, port), timeout=1.0)
        try:
            s.sendall(b"x")
            if s.recv(1) == b"x":
                extra_ok += 1
            else:
                extra_failed += 1
        finally:
            s.close()
    except OSError:
        extra_failed += 1
extras_done.set()
for t in threads:
    t.join(deadline)
ok = sum(1 for r in results if r == "ok")
print("RESULT existing_ok=%d of %d extra_ok=%d extra_failed=%d %s" % (
    ok, existing, extra_ok, extra_failed, " ".join(r for r in results if r != "ok")))
