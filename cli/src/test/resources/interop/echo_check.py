"""Echo check run by ServeInteropTest from the Linux namespace: sends TOTAL random bytes spread over CONNS concurrent
connections to HOST:PORT, half-closes each, reads everything back and compares SHA-256. Prints one RESULT line.
The clock runs from the first connect to the last byte back: the random data is made before it starts and the hashes
are compared after it stops, so `seconds` and `mbps` are the transfer's own.
Bounded: every socket has a timeout, and the whole run stops after DEADLINE seconds."""
import hashlib, os, socket, sys, threading, time

host, port, conns, total, deadline = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
per = total // conns
results = [None] * conns
datas = [os.urandom(per) for _ in range(conns)]
gots = [None] * conns

def one(i):
    data = datas[i]
    try:
        s = socket.create_connection((host, port), timeout=deadline)
        got = bytearray()
        def reader():
            try:
                while True:
                    b = s.recv(1 << 16)
                    if not b:
                        break
                    got.extend(b)
            except OSError as e:
                results[i] = "read error: %s" % e
        t = threading.Thread(target=reader)
        t.start()
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        t.join(deadline)
        s.close()
        gots[i] = got
    except OSError as e:
        results[i] = "error: %s" % e

t0 = time.time()
threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(conns)]
for t in threads:
    t.start()
for t in threads:
    t.join(max(0.1, deadline - (time.time() - t0)))
elapsed = time.time() - t0
for i in range(conns):
    if results[i] is None and gots[i] is None:
        results[i] = "unfinished at the deadline"
    elif results[i] is None:
        results[i] = "ok" if hashlib.sha256(gots[i]).digest() == hashlib.sha256(datas[i]).digest() else \
            "mismatch: got %d of %d bytes" % (len(gots[i]), per)
ok = sum(1 for r in results if r == "ok")
bad = [r for r in results if r != "ok"]
print("RESULT ok=%d of %d bytes=%d seconds=%.3f mbps=%.1f %s" % (ok, conns, per * conns, elapsed,
      per * conns * 8 / elapsed / 1e6, ("first problem: " + str(bad[0])) if bad else ""))
