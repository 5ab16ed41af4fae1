"""HTTP abuse against `wirespeed serve`, run by HostileInteropTest from the Linux namespace with plain sockets.
Usage: http_abuse.py HOST PORT MODE [ARGS]

    pipeline N        N pipelined GETs (and a last one with Connection: close) in one write; every response must
                      come back whole and in order, byte for byte
    requests          bodies (chunked, Content-Length) and invalid requests, one connection each; checks the status
    idle N TIMEOUT_S  N connections each sending an unfinished head; all must be closed by the server within
                      TIMEOUT_S + 3 s (and not before TIMEOUT_S - 0.5 s); then a fresh request must still work

Prints one line: RESULT ok ... or RESULT FAIL ...; bounded by socket timeouts."""
import select
import socket
import sys
import time

HOST, PORT, MODE = sys.argv[1], int(sys.argv[2]), sys.argv[3]
BODY = b"Hello from Wirespeed\n"


def ok_response(close=False, head=False):
    r = (b"HTTP/1.1 200 OK\r\nServer: wirespeed\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n" +
         (b"Connection: close\r\n" if close else b"") + b"\r\n")
    return r if head else r + BODY


def exchange(data, timeout=10.0):
    s = socket.create_connection((HOST, PORT), timeout=timeout)
    s.sendall(data)
    got = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        got += chunk
    s.close()
    return got


def pipeline(n):
    req = b"".join(b"GET /%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(n))
    req += b"GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    want = ok_response() * n + ok_response(close=True)
    got = exchange(req, timeout=30.0)
    if got == want:
        return "RESULT ok %d pipelined requests (%d bytes in one write), %d whole responses in order" % (
            n + 1, len(req), got.count(b"HTTP/1.1 200 OK"))
    whole = 0
    unit = ok_response()
    while got[whole * len(unit):(whole + 1) * len(unit)] == unit:
        whole += 1
    return "RESULT FAIL got %d bytes, want %d; %d whole responses, then %r" % (
        len(got), len(want), whole, got[whole * len(unit):whole * len(unit) + 80])


CASES = [
    ("chunked body with a request inside", b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"21\r\nGET /smuggled HTTP/1.1\r\nHost:\r\n\r\n\r\n0\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
     ok_response() + ok_response(close=True)),
    ("Content-Length body with a request inside", b"POST /l HTTP/1.1\r\nHost: x\r\nContent-Length: 35\r\n\r\n"
     b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\nHEAD /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
     ok_response() + ok_response(close=True, head=True)),
    ("bare LF", b"GET / HTTP/1.1\nHost: x\n\nGET / HTTP/1.1\nHost: x\nConnection: close\n\n",
     ok_response() + ok_response(close=True)),
    ("invalid method", b"FOO / HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 501 "),
    ("HTTP/9.9", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", b"HTTP/1.1 505 "),
    ("malformed request line", b"GET/HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 400 "),
    ("bare-LF garbage", b"\x01\x02garbage\n\n", b"HTTP/1.1 400 "),
    ("Content-Length with Transfer-Encoding", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", b"HTTP/1.1 400 "),
]


def requests():
    failures = []
    for name, req, want in CASES:
        got = exchange(req)
        if want.endswith(b" ") and want.startswith(b"HTTP/1.1 ") and len(want) == 13:
            good = got.startswith(want) and got.count(b"HTTP/1.1") == 1 and got.endswith(b"Connection: close\r\n\r\n")
        else:
            good = got == want
        if not good:
            failures.append("%s: got %r" % (name, got[:200]))
    if failures:
        return "RESULT FAIL " + " | ".join(failures)
    return "RESULT ok %d cases: bodies read as bodies, bare LF accepted, 400/501/505 answered then closed" % len(CASES)


def idle(n, timeout_s):
    socks = []
    start = time.monotonic()
    for i in range(n):
        s = socket.create_connection((HOST, PORT), timeout=5)
        s.sendall(b"GET /slow%d HTTP/1.1\r\nHost: x\r\nX-Slow: " % i)
        s.setblocking(False)
        socks.append(s)
    open_socks = set(socks)
    closed_at = []
    deadline = start + timeout_s + 3.0
    while open_socks and time.monotonic() < deadline:
        r, _, _ = select.select(list(open_socks), [], [], max(0.0, deadline - time.monotonic()))
        for s in r:
            try:
                data = s.recv(4096)
            except (ConnectionResetError, BlockingIOError):
                data = b""
            if data:
                return "RESULT FAIL an unfinished request got an answer: %r" % data[:100]
            open_socks.discard(s)
            closed_at.append(time.monotonic() - start)
            s.close()
    for s in open_socks:
        s.close()
    if open_socks:
        return "RESULT FAIL %d of %d idle connections still open after %.1f s" % (len(open_socks), n,
                                                                                  time.monotonic() - start)
    if min(closed_at) < timeout_s - 0.5:
        return "RESULT FAIL a connection was closed after %.2f s, before the %.1f s timeout" % (min(closed_at),
                                                                                                 timeout_s)
    fresh = exchange(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    if fresh != ok_response(close=True):
        return "RESULT FAIL a fresh request after the timeouts got %r" % fresh[:100]
    return "RESULT ok closed=%d of %d first=%.2fs last=%.2fs; a fresh request still works" % (
        len(closed_at), n, min(closed_at), max(closed_at))


if MODE == "pipeline":
    print(pipeline(int(sys.argv[4])), flush=True)
elif MODE == "requests":
    print(requests(), flush=True)
elif MODE == "idle":
    print(idle(int(sys.argv[4]), float(sys.argv[5])), flush=True)
else:
    print("RESULT FAIL unknown mode " + MODE, flush=True)
