"""Crafted-segment probes against `wirespeed serve`, run by ProbeInteropTest from the Linux namespace with Debian's
scapy (/usr/bin/python3). Usage: probes.py IFACE ENGINE_IP ENGINE_MAC DEADLINE_S

Each probe has its own source port (PORTS, 40001..40007; time_wait_fin goes on with simultaneous_close's
connection), so that the test can tell its frames apart in the capture. The caller makes the kernel drop whatever
comes in for those ports (it has no socket for them and would reset every connection made here).

Prints one line per probe and then DONE:
    PROBE <name> ok <detail>
    PROBE <name> FAIL <reason>
Bounded: every wait has a timeout, and no wait goes past DEADLINE_S seconds from the start."""
import random
import select
import sys
import time

from scapy.all import conf, Ether, IP, TCP, Raw, get_if_hwaddr

conf.verb = 0

IFACE, ENGINE_IP, ENGINE_MAC, DEADLINE_S = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
PEER_IP = "192.0.2.2"
END = time.monotonic() + DEADLINE_S

ECHO, DISCARD, HTTP, CLOSED_PORT = 7, 9, 80, 4444
PORTS = {"closed_port_rst": 40001, "challenge_ack": 40002, "bad_checksum": 40003, "simultaneous_close": 40004,
         "sack_blocks": 40005, "sack_with_timestamps": 40006, "half_open_no_timestamps": 40007}

F, S, R, P, A = 0x01, 0x02, 0x04, 0x08, 0x10
MOD = 1 << 32


class ProbeFailed(Exception):
    pass


def check(cond, reason):
    if not cond:
        raise ProbeFailed(reason)


def flags(pkt):
    return int(pkt[TCP].flags)


def describe(pkt):
    if pkt is None:
        return "nothing"
    t = pkt[TCP]
    return "[%s seq=%d ack=%d len=%d opts=%s]" % (t.sprintf("%TCP.flags%"), t.seq, t.ack, len(t.payload), t.options)


def is_pure_ack(p):
    return flags(p) & (S | R | F) == 0 and flags(p) & A != 0


def sack_blocks(p):
    for kind, value in p[TCP].options:
        if kind == "SAck":
            return [(value[i], value[i + 1]) for i in range(0, len(value), 2)]
    return []


class Wire:
    """One AF_PACKET socket on IFACE: sends whole frames, and reads the engine's TCP segments into a backlog so that
    waiting for one segment does not lose the others."""

    def __init__(self):
        self.sock = conf.L2socket(iface=IFACE)
        self.src_mac = get_if_hwaddr(IFACE)
        self.backlog = []

    def send(self, sport, dport, seq, ack, fl, payload=b"", options=None, corrupt=False):
        frame = Ether(src=self.src_mac, dst=ENGINE_MAC) / IP(src=PEER_IP, dst=ENGINE_IP, ttl=64) / \
            TCP(sport=sport, dport=dport, seq=seq % MOD, ack=ack % MOD, flags=fl, window=64240, options=options or [])
        if payload:
            frame = frame / Raw(payload)
        if corrupt:
            raw = bytearray(bytes(frame))
            at = 14 + 20 + 16  # the TCP checksum (no IP options)
            raw[at] ^= 0x5A
            raw[at + 1] ^= 0x5A
            frame = Ether(bytes(raw))
        self.sock.send(frame)

    def _pump(self, timeout):
        r, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if r:
            pkt = self.sock.recv()
            if pkt is not None and IP in pkt and TCP in pkt and pkt[IP].src == ENGINE_IP:
                self.backlog.append(pkt)

    def expect(self, sport, pred=lambda p: True, timeout=1.0):
        """The first segment from the engine to sport that satisfies pred within timeout, or None. Segments to sport
        before it that do not match are consumed; later ones stay in the backlog."""
        stop = min(time.monotonic() + timeout, END)
        while True:
            for i, p in enumerate(self.backlog):
                if p[TCP].dport == sport and pred(p):
                    self.backlog = [q for q in self.backlog[:i] if q[TCP].dport != sport] + self.backlog[i + 1:]
                    return p
            self.backlog = [q for q in self.backlog if q[TCP].dport != sport]
            now = time.monotonic()
            if now >= stop:
                return None
            self._pump(stop - now)

    def drain(self, sport, quiet):
        """Every segment the engine sends to sport within the next `quiet` seconds (and any already read)."""
        stop = min(time.monotonic() + quiet, END)
        while time.monotonic() < stop:
            self._pump(stop - time.monotonic())
        got = [p for p in self.backlog if p[TCP].dport == sport]
        self.backlog = [p for p in self.backlog if p[TCP].dport != sport]
        return got


class Conn:
    """A TCP connection driven by hand. snd: our next sequence number; rcv: the next one we expect."""

    def __init__(self, wire, sport, dport):
        self.w, self.sport, self.dport = wire, sport, dport
        self.snd = random.randrange(1 << 31)
        self.rcv = 0

    def open(self, options=(("MSS", 1460),)):
        self.w.drain(self.sport, 0)
        iss = self.snd
        self.send(S, options=list(options), ack=0)
        sa = self.expect(lambda p: flags(p) & (S | A) == (S | A), 2.0)
        check(sa is not None, "no SYN-ACK from port %d" % self.dport)
        check(sa[TCP].ack == (iss + 1) % MOD, "SYN-ACK %s does not ack ISS+1 = %d" % (describe(sa), iss + 1))
        self.snd = iss + 1
        self.rcv = sa[TCP].seq + 1
        self.send(A)
        return sa

    def send(self, fl, payload=b"", seq=None, ack=None, options=None, corrupt=False):
        self.w.send(self.sport, self.dport, self.snd if seq is None else seq, self.rcv if ack is None else ack, fl,
                    payload, options, corrupt)

    def expect(self, pred=lambda p: True, timeout=1.0):
        return self.w.expect(self.sport, pred, timeout)

    def drain(self, quiet):
        return self.w.drain(self.sport, quiet)

    def abort(self):
        """Best-effort cleanup: an RST exactly at the engine's RCV.NXT."""
        self.send(R, ack=0)


# --- probes: each returns a detail string or raises ProbeFailed -----------------------------------------------

def closed_port_rst(w, ctx):
    """A SYN to a closed port gets RST+ACK <SEQ=0, ACK=SEG.SEQ+1>; an ACK to it gets RST <SEQ=SEG.ACK>."""
    sport, seq = PORTS["closed_port_rst"], random.randrange(1 << 31)
    w.send(sport, CLOSED_PORT, seq, 0, S, options=[("MSS", 1460)])
    r = w.expect(sport, timeout=2.0)
    check(r is not None, "no reply to a SYN to closed port %d" % CLOSED_PORT)
    check(flags(r) & (R | A) == (R | A) and not flags(r) & (S | F), "SYN got %s, expected RST+ACK" % describe(r))
    check(r[TCP].ack == (seq + 1) % MOD, "RST+ACK %s acks %d, expected SEG.SEQ+1 = %d" % (describe(r), r[TCP].ack,
                                                                                          (seq + 1) % MOD))
    check(r[TCP].seq == 0, "RST+ACK to a SYN %s has SEQ %d, expected 0" % (describe(r), r[TCP].seq))
    ack = random.randrange(1 << 31)
    w.send(sport, CLOSED_PORT, seq + 1, ack, A)
    r2 = w.expect(sport, timeout=2.0)
    check(r2 is not None and flags(r2) & R and r2[TCP].seq == ack,
          "a bare ACK (ack=%d) to a closed port got %s, expected RST seq=SEG.ACK" % (ack, describe(r2)))
    return "SYN -> RST+ACK seq=0 ack=SEG.SEQ+1; ACK -> RST seq=SEG.ACK"


def challenge_ack(w, ctx):
    """RFC 5961 §3/§4: an RST in the window but not at RCV.NXT, and a SYN in ESTABLISHED, each get a challenge ACK
    <SEQ=SND.NXT, ACK=RCV.NXT>, an RST outside the window gets nothing; the connection survives all three (echo
    still works). An RST exactly at RCV.NXT then resets it: data afterwards gets an RST, as for a connection that
    does not exist."""
    c = Conn(w, PORTS["challenge_ack"], ECHO)
    c.open()
    c.drain(0.05)
    c.send(R, seq=c.snd + 1000, ack=0)
    ch = c.expect(timeout=1.0)
    check(ch is not None, "no challenge ACK for an in-window RST at RCV.NXT+1000")
    check(is_pure_ack(ch) and ch[TCP].seq == c.rcv % MOD and ch[TCP].ack == c.snd % MOD,
          "in-window RST got %s, expected a challenge ACK seq=%d ack=%d" % (describe(ch), c.rcv % MOD, c.snd % MOD))
    c.send(R, seq=c.snd + (1 << 30), ack=0)  # far outside the window: dropped silently
    oow = c.expect(timeout=0.3)
    check(oow is None, "an RST outside the window was answered: " + describe(oow))
    c.send(S, seq=c.snd + 5000, ack=0, options=[("MSS", 1460)])
    ch2 = c.expect(timeout=1.0)
    check(ch2 is not None, "no challenge ACK for a SYN in ESTABLISHED")
    check(is_pure_ack(ch2) and ch2[TCP].seq == c.rcv % MOD and ch2[TCP].ack == c.snd % MOD,
          "SYN in ESTABLISHED got %s, expected a challenge ACK seq=%d ack=%d" % (describe(ch2), c.rcv % MOD,
                                                                                c.snd % MOD))
    c.send(P | A, b"still-alive")
    c.snd += len(b"still-alive")
    echo = c.expect(lambda p: len(p[TCP].payload) > 0 or flags(p) & R, 2.0)
    check(echo is not None and not flags(echo) & R and bytes(echo[TCP].payload) == b"still-alive",
          "no echo after the challenge ACKs (the connection did not survive): " + describe(echo))
    c.rcv = echo[TCP].seq + len(echo[TCP].payload)
    c.send(A)
    c.drain(0.1)
    c.send(R, ack=0)
    quiet = c.expect(timeout=0.3)
    check(quiet is None, "an RST exactly at RCV.NXT was answered: " + describe(quiet))
    c.send(P | A, b"after-reset")
    r = c.expect(timeout=1.0)
    check(r is not None and flags(r) & R and r[TCP].seq == c.rcv % MOD,
          "data after an exact RST got %s, expected RST seq=%d (no connection)" % (describe(r), c.rcv % MOD))
    return "in-window RST and SYN challenged, out-of-window RST dropped, echo survived, exact RST reset it"


def bad_checksum(w, ctx):
    """RFC 9293 §3.10.7 / RFC 1122: a segment with a bad TCP checksum is dropped silently. A corrupt SYN to a
    listening port gets nothing; on an established connection, corrupt data gets no ACK and is not echoed, and the
    same data with a good checksum is echoed exactly once."""
    c = Conn(w, PORTS["bad_checksum"], ECHO)
    c.send(S, ack=0, options=[("MSS", 1460)], corrupt=True)
    r = c.expect(timeout=1.0)
    check(r is None, "a SYN with a bad TCP checksum was answered: " + describe(r))
    c.open()
    c.drain(0.1)
    c.send(P | A, b"corrupt!", corrupt=True)
    r2 = c.expect(timeout=0.5)
    check(r2 is None, "data with a bad TCP checksum was answered: " + describe(r2))
    c.send(P | A, b"checksum")
    c.snd += len(b"checksum")
    got = b""
    deadline = time.monotonic() + 2.0
    while len(got) < 8 and time.monotonic() < deadline:
        e = c.expect(lambda p: len(p[TCP].payload) > 0, deadline - time.monotonic())
        if e is None:
            break
        got += bytes(e[TCP].payload)
        c.rcv = e[TCP].seq + len(e[TCP].payload)
    check(got == b"checksum", "after the corrupt segment, the good one echoed %r, expected b'checksum'" % got)
    c.send(A)
    extra = [p for p in c.drain(0.3) if len(p[TCP].payload) > 0]
    check(not extra, "more echoed than sent: " + " ".join(describe(p) for p in extra))
    c.abort()
    return "corrupt SYN and corrupt data ignored; good data echoed once"


def simultaneous_close(w, ctx):
    """RFC 9293 §3.6 simultaneous close, seen from the engine: HTTP with Connection: close makes it send its FIN
    right after the response. We ack the response but not that FIN, and send our own FIN (as if it crossed theirs).
    The engine (FIN-WAIT-1) must ACK our FIN with SEQ past its own FIN (CLOSING), keep retransmitting its FIN until
    acknowledged, and after our ACK go quiet (TIME-WAIT)."""
    c = Conn(w, PORTS["simultaneous_close"], HTTP)
    c.open()
    c.send(P | A, b"GET /probe HTTP/1.1\r\nHost: 192.0.2.1\r\nConnection: close\r\n\r\n")
    c.snd += len(b"GET /probe HTTP/1.1\r\nHost: 192.0.2.1\r\nConnection: close\r\n\r\n")
    response = b""
    fin_seq = None
    deadline = time.monotonic() + 2.0
    while fin_seq is None and time.monotonic() < deadline:
        p = c.expect(timeout=deadline - time.monotonic())
        if p is None:
            break
        check(not flags(p) & R, "the engine reset the HTTP connection: " + describe(p))
        if p[TCP].seq == (c.rcv + len(response)) % MOD:
            response += bytes(p[TCP].payload)
        if flags(p) & F:
            fin_seq = (p[TCP].seq + len(p[TCP].payload)) % MOD
    check(fin_seq is not None, "no FIN from the engine after a Connection: close response")
    check(response.startswith(b"HTTP/1.1 200 OK\r\n"), "unexpected response %r" % response[:60])
    check(fin_seq == (c.rcv + len(response)) % MOD, "FIN at %d, not right after the response" % fin_seq)
    # our FIN acks the response only: for the engine it crossed its own FIN
    c.rcv = fin_seq
    our_fin = c.snd
    c.send(F | A)
    c.snd += 1
    ack = c.expect(lambda p: p[TCP].ack == c.snd % MOD, 1.0)
    check(ack is not None, "our FIN (seq=%d) was not ACKed" % our_fin)
    check(ack[TCP].seq == (fin_seq + 1) % MOD,
          "the engine ACKed our FIN with %s; expected SEQ=%d (past its own FIN: CLOSING)" % (describe(ack),
                                                                                          (fin_seq + 1) % MOD))
    # CLOSING: our FIN is acknowledged, theirs is not, so it retransmits the FIN alone
    rtx = c.expect(lambda p: flags(p) & F, 4.0)
    check(rtx is not None, "no FIN retransmission while waiting in CLOSING for the ACK of the engine's FIN")
    check(rtx[TCP].seq == fin_seq and len(rtx[TCP].payload) == 0 and rtx[TCP].ack == c.snd % MOD,
          "FIN retransmission in CLOSING is %s, expected seq=%d ack=%d no data" % (describe(rtx), fin_seq,
                                                                                  c.snd % MOD))
    c.rcv = fin_seq + 1
    c.send(A)
    after = c.drain(1.5)
    check(not after, "after the ACK of its FIN (TIME-WAIT) the engine still sent " +
          " ".join(describe(p) for p in after))
    ctx["closed"] = (c, our_fin)
    return "engine FIN crossed ours: ACK seq=FIN+1 (CLOSING), FIN retransmitted, quiet after our ACK (TIME-WAIT)"


def time_wait_fin(w, ctx):
    """TIME-WAIT (RFC 9293 §3.10.7.4): a retransmitted FIN gets an ACK <SEQ=SND.NXT, ACK=RCV.NXT>; per RFC 1337 an
    RST does not end TIME-WAIT early (a FIN after it is still ACKed)."""
    check("closed" in ctx, "skipped: simultaneous_close did not reach TIME-WAIT")
    c, our_fin = ctx["closed"]
    c.send(F | A, seq=our_fin)
    a = c.expect(timeout=1.0)
    check(a is not None, "no reply to a retransmitted FIN in TIME-WAIT")
    check(is_pure_ack(a) and a[TCP].ack == c.snd % MOD and a[TCP].seq == c.rcv % MOD,
          "retransmitted FIN in TIME-WAIT got %s, expected ACK seq=%d ack=%d" % (describe(a), c.rcv % MOD,
                                                                                c.snd % MOD))
    c.send(R | A)
    quiet = c.expect(timeout=0.3)
    check(quiet is None, "an RST in TIME-WAIT was answered: " + describe(quiet))
    c.send(F | A, seq=our_fin)
    a2 = c.expect(timeout=1.0)
    check(a2 is not None and is_pure_ack(a2) and a2[TCP].ack == c.snd % MOD,
          "after an RST in TIME-WAIT a retransmitted FIN got %s, expected the TIME-WAIT ACK (RFC 1337)" % describe(a2))
    return "retransmitted FIN ACKed; RST ignored (RFC 1337)"


def sack_blocks_probe(w, ctx):
    """RFC 2018: with SACK-permitted negotiated, out-of-order data gets an immediate duplicate ACK whose first SACK
    block is the segment that triggered it, then the older block; filling the hole gets an immediate cumulative ACK."""
    c = Conn(w, PORTS["sack_blocks"], DISCARD)
    sa = c.open(options=(("MSS", 1460), ("SAckOK", b"")))
    check(any(k == "SAckOK" for k, _ in sa[TCP].options), "SYN-ACK %s lacks SACK-permitted" % describe(sa))
    c.drain(0.1)
    base = c.snd
    c.send(P | A, b"b" * 50, seq=base + 100)
    d1 = c.expect(timeout=0.5)
    check(d1 is not None, "no immediate ACK for an out-of-order segment")
    check(is_pure_ack(d1) and d1[TCP].ack == base % MOD, "out-of-order data got %s, expected a duplicate ACK=%d"
          % (describe(d1), base % MOD))
    want1 = ((base + 100) % MOD, (base + 150) % MOD)
    check(sack_blocks(d1)[:1] == [want1], "duplicate ACK %s: SACK blocks %s, expected first %s"
          % (describe(d1), sack_blocks(d1), want1))
    c.send(P | A, b"c" * 30, seq=base + 200)
    d2 = c.expect(timeout=0.5)
    want2 = ((base + 200) % MOD, (base + 230) % MOD)
    check(d2 is not None and is_pure_ack(d2) and d2[TCP].ack == base % MOD and sack_blocks(d2)[:2] == [want2, want1],
          "second out-of-order segment got %s, expected ACK=%d with SACK %s then %s" % (describe(d2), base % MOD, want2,
                                                                                      want1))
    c.send(P | A, b"a" * 100, seq=base)
    d3 = c.expect(timeout=0.5)
    want3 = [((base + 200) % MOD, (base + 230) % MOD)]
    check(d3 is not None and is_pure_ack(d3) and d3[TCP].ack == (base + 150) % MOD and sack_blocks(d3) == want3,
          "filling the first hole got %s, expected an immediate ACK=%d with SACK %s" % (describe(d3),
                                                                                     (base + 150) % MOD, want3))
    c.snd = base + 150
    c.abort()
    return "duplicate ACKs carry %s then %s+%s; filling the first hole ACKs up to the second" % (want1, want2, want1)


def sack_with_timestamps(w, ctx):
    """RFC 2018 §3 with RFC 7323: beside a timestamp option (10 bytes + 2 NOPs) only three SACK blocks fit in the 40
    bytes of TCP options. Four separate out-of-order segments: every duplicate ACK carries the three newest blocks,
    newest first, and a timestamp echoing the TSval of the last in-order segment, not of the out-of-order ones
    (RFC 7323 §4.3: TS.Recent moves only with segments that cover the left edge)."""
    c = Conn(w, PORTS["sack_with_timestamps"], DISCARD)
    sa = c.open(options=(("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1000, 0)), ("WScale", 7)))
    opts = dict(sa[TCP].options)
    check("Timestamp" in opts and "SAckOK" in opts and opts["Timestamp"][1] == 1000,
          "SYN-ACK %s lacks SACK-permitted or a timestamp echoing 1000" % describe(sa))
    their_ts = opts["Timestamp"][0]

    def ts(value):
        return [("NOP", None), ("NOP", None), ("Timestamp", (value, their_ts))]

    c.send(A, options=ts(1001))  # the handshake's ACK, with a timestamp as RFC 7323 wants
    c.drain(0.1)
    base = c.snd
    blocks = []
    for i in range(4):
        c.send(P | A, b"q" * 10, seq=base + 100 * (i + 1), options=ts(1002 + i))
        d = c.expect(timeout=0.5)
        blocks.insert(0, ((base + 100 * (i + 1)) % MOD, (base + 100 * (i + 1) + 10) % MOD))
        got_ts = dict(d[TCP].options).get("Timestamp") if d is not None else None
        check(d is not None and is_pure_ack(d) and d[TCP].ack == base % MOD,
              "out-of-order segment %d got %s, expected a duplicate ACK=%d" % (i + 1, describe(d), base % MOD))
        check(got_ts is not None and got_ts[1] == 1001,
              "duplicate ACK %s does not echo TSval 1001 of the last in-order segment" % describe(d))
        check(sack_blocks(d) == blocks[:3], "duplicate ACK %d %s: SACK blocks %s, expected %s"
              % (i + 1, describe(d), sack_blocks(d), blocks[:3]))
    c.abort()
    return "4 holes: each duplicate ACK echoes the in-order TSval and carries the 3 newest SACK blocks"


def half_open_no_timestamps(w, ctx):
    """RFC 5961 §4 half-open recovery as a rebooted Linux peer with net.ipv4.tcp_timestamps=0 meets it: the old
    connection negotiated timestamps, the new SYN (same ports, new ISN) carries none. The engine must answer it with
    a challenge ACK anyway (behaviour 30: the RFC 7323 drop-without-timestamp rule does not apply to a SYN); the peer,
    in SYN-SENT, answers that ACK with an RST <SEQ=SEG.ACK>, which resets the old connection; its retransmitted SYN
    then opens a fresh connection that carries data."""
    c = Conn(w, PORTS["half_open_no_timestamps"], ECHO)
    sa = c.open(options=(("MSS", 1460), ("SAckOK", b""), ("Timestamp", (5000, 0)), ("WScale", 7)))
    opts = dict(sa[TCP].options)
    check("Timestamp" in opts, "SYN-ACK %s did not negotiate timestamps" % describe(sa))
    their_ts = opts["Timestamp"][0]
    ts = [("NOP", None), ("NOP", None), ("Timestamp", (5001, their_ts))]
    c.send(A, options=ts)
    c.drain(0.1)
    old_snd, old_rcv = c.snd, c.rcv
    # the peer reboots: all it knows is its ports; its new SYN has no timestamp option
    iss = random.randrange(1 << 31)
    c.send(S, seq=iss, ack=0, options=[("MSS", 1460)])
    ch = c.expect(timeout=1.0)
    check(ch is not None, "no challenge ACK for a SYN without timestamps on a timestamp connection (half-open "
                          "connection can never be cleared)")
    check(is_pure_ack(ch) and ch[TCP].ack == old_snd % MOD and ch[TCP].seq == old_rcv % MOD,
          "the SYN got %s, expected a challenge ACK seq=%d ack=%d" % (describe(ch), old_rcv % MOD, old_snd % MOD))
    # Linux in SYN-SENT: an ACK that does not ack its SYN → RST <SEQ=SEG.ACK> (no timestamp on an RST)
    w.send(c.sport, c.dport, ch[TCP].ack, 0, R)
    quiet = c.expect(timeout=0.3)
    check(quiet is None, "the RST at RCV.NXT was answered: " + describe(quiet))
    # its SYN retransmission now meets no connection: a fresh handshake, without timestamps
    c.snd = iss
    sa2 = c.open(options=(("MSS", 1460),))
    check("Timestamp" not in dict(sa2[TCP].options), "fresh SYN-ACK %s has a timestamp the SYN lacked"
          % describe(sa2))
    c.send(P | A, b"after-reboot")
    c.snd += len(b"after-reboot")
    echo = c.expect(lambda p: len(p[TCP].payload) > 0 or flags(p) & R, 2.0)
    check(echo is not None and not flags(echo) & R and bytes(echo[TCP].payload) == b"after-reboot",
          "the new connection did not echo: " + describe(echo))
    c.rcv = echo[TCP].seq + len(echo[TCP].payload)
    c.send(A)
    c.drain(0.1)
    c.abort()
    return "timestamp-less SYN challenged, RST at SEG.ACK cleared the old connection, new one echoes"


PROBES = [("closed_port_rst", closed_port_rst), ("challenge_ack", challenge_ack), ("bad_checksum", bad_checksum),
          ("simultaneous_close", simultaneous_close), ("time_wait_fin", time_wait_fin),
          ("sack_blocks", sack_blocks_probe), ("sack_with_timestamps", sack_with_timestamps),
          ("half_open_no_timestamps", half_open_no_timestamps)]


def main():
    w = Wire()
    ctx = {}
    for name, probe in PROBES:
        try:
            detail = probe(w, ctx)
            print("PROBE %s ok %s" % (name, detail), flush=True)
        except ProbeFailed as e:
            print("PROBE %s FAIL %s" % (name, e), flush=True)
        except Exception as e:  # a bug in the probe itself: report it against the probe, go on
            print("PROBE %s FAIL probe error %s: %s" % (name, type(e).__name__, e), flush=True)
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
