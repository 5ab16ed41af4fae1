"""Hostile frames against `wirespeed serve`, run by HostileInteropTest from the Linux namespace with Debian's scapy
(/usr/bin/python3). Usage: hostile.py IFACE ENGINE_IP ENGINE_MAC DEADLINE_S

Martian sources (RFC 1122 §3.2.1.3, RFC 1812 §5.3.7), ping from broadcast and multicast sources, SYN+FIN, a SYN to
another host's MAC, and ARP
abuse (an unsolicited reply, a forged reply for a peer the engine holds, another MAC claiming the engine's own
address). Every frame goes out on an AF_PACKET socket; only TEST-NET-1 addresses (and the martians themselves, as
sources of frames that never leave the veth) are used.

Prints one line per probe and then DONE:
    PROBE <name> ok <detail>
    PROBE <name> FAIL <reason>
Bounded: every wait has a timeout, and no wait goes past DEADLINE_S seconds from the start."""
import random
import select
import sys
import time

from scapy.all import conf, Ether, ARP, IP, ICMP, TCP, get_if_hwaddr

conf.verb = 0

IFACE, ENGINE_IP, ENGINE_MAC, DEADLINE_S = sys.argv[1], sys.argv[2], sys.argv[3].lower(), float(sys.argv[4])
PEER_IP = "192.0.2.2"
END = time.monotonic() + DEADLINE_S
HTTP = 80
# fake neighbours: addresses no host in the namespaces owns, MACs that are nobody's
GHOST_IP, GHOST_MAC = "192.0.2.77", "02:00:5e:00:00:77"
NEIGHBOUR_IP, NEIGHBOUR_MAC, FORGED_MAC = "192.0.2.78", "02:00:5e:00:00:78", "02:00:5e:00:00:66"
INTRUDER_MAC = "02:00:5e:00:00:99"
MARTIANS = ["192.0.2.1", "127.0.0.1", "0.0.0.0", "192.0.2.0", "192.0.2.255", "224.0.0.1", "255.255.255.255",
            "240.0.0.1"]

S, A, R, F = 0x02, 0x10, 0x04, 0x01


class ProbeFailed(Exception):
    pass


def check(cond, reason):
    if not cond:
        raise ProbeFailed(reason)


def describe(p):
    return p.summary() if p is not None else "nothing"


class Wire:
    def __init__(self):
        self.sock = conf.L2socket(iface=IFACE)
        self.mac = get_if_hwaddr(IFACE)

    def send(self, frame):
        self.sock.send(frame)

    def collect(self, seconds, pred=lambda p: True, first=False):
        """Frames from the engine (by source MAC) that satisfy pred within `seconds`; with first, the first one or
        None."""
        stop = min(time.monotonic() + seconds, END)
        got = []
        while True:
            now = time.monotonic()
            if now >= stop:
                break
            r, _, _ = select.select([self.sock], [], [], stop - now)
            if not r:
                continue
            p = self.sock.recv()
            if p is None or Ether not in p or p[Ether].src.lower() != ENGINE_MAC or not pred(p):
                continue
            if first:
                return p
            got.append(p)
        return None if first else got


def syn(src_ip, src_mac, sport, dport=HTTP, flags=S):
    return Ether(src=src_mac, dst=ENGINE_MAC) / IP(src=src_ip, dst=ENGINE_IP, ttl=64) / \
        TCP(sport=sport, dport=dport, seq=random.randrange(1 << 31), flags=flags, window=64240,
            options=[("MSS", 1460)])


def is_arp_request_for(ip):
    return lambda p: ARP in p and p[ARP].op == 1 and p[ARP].pdst == ip


def martian_syns(w, ctx):
    """A SYN from each martian source (our own address: LAND, loopback, 0.0.0.0, the subnet's network and broadcast
    addresses, multicast, limited broadcast, reserved) gets nothing: no SYN-ACK, no RST, no ARP for any of them."""
    for i, src in enumerate(MARTIANS):
        w.send(syn(src, w.mac, 41000 + i))
    got = w.collect(1.0, lambda p: TCP in p or (ARP in p and p[ARP].pdst in MARTIANS))
    check(not got, "the engine answered martian SYNs: " + "; ".join(describe(p) for p in got))
    ctx["martian"] = ctx.get("martian", 0) + len(MARTIANS)
    return "%d martian SYNs, no answer and no ARP" % len(MARTIANS)


def martian_pings(w, ctx):
    """ICMP echo from the subnet broadcast, a multicast and our own source is not answered; from the peer it is."""
    for i, src in enumerate(["192.0.2.255", "224.0.0.5", ENGINE_IP]):
        w.send(Ether(src=w.mac, dst=ENGINE_MAC) / IP(src=src, dst=ENGINE_IP) / ICMP(id=0x4242, seq=i) / (b"m" * 32))
    got = w.collect(0.7, lambda p: ICMP in p)
    check(not got, "ping from a broadcast/multicast/own source was answered: " + describe(got[0] if got else None))
    ctx["martian"] = ctx.get("martian", 0) + 3
    w.send(Ether(src=w.mac, dst=ENGINE_MAC) / IP(src=PEER_IP, dst=ENGINE_IP) / ICMP(id=0x4243, seq=9) / (b"k" * 32))
    reply = w.collect(1.0, lambda p: ICMP in p and p[ICMP].type == 0 and p[ICMP].id == 0x4243, first=True)
    check(reply is not None, "the control ping from %s got no reply" % PEER_IP)
    return "3 martian pings unanswered, the control ping answered"


def syn_fin(w, ctx):
    """SYN+FIN is dropped (a TCP drop reason the live counters must show)."""
    w.send(syn(PEER_IP, w.mac, 41100, flags=S | F))
    got = w.collect(0.5, lambda p: TCP in p and p[TCP].dport == 41100)
    check(not got, "SYN+FIN was answered: " + describe(got[0] if got else None))
    return "no answer"


def other_host(w, ctx):
    """A SYN to the engine's IP but to another host's unicast MAC (a promiscuous port or a flooding switch
    delivers such frames) is not ours: no answer, and the live counters show it as OTHER_HOST."""
    frame = syn(PEER_IP, w.mac, 41200)
    frame[Ether].dst = GHOST_MAC
    w.send(frame)
    got = w.collect(0.7, lambda p: TCP in p and p[TCP].dport == 41200)
    check(not got, "a SYN to another host's MAC was answered: " + describe(got[0] if got else None))
    ctx["other_host"] = ctx.get("other_host", 0) + 1
    return "no answer"


def arp_unsolicited_reply(w, ctx):
    """Linux arp_accept=0: a reply nobody asked for creates no entry. After a forged reply 'GHOST is at GHOST_MAC',
    a SYN from GHOST makes the engine ask for GHOST's MAC (it holds none); our answer is then learned, and the
    SYN-ACK goes to the MAC of the answer."""
    w.send(Ether(src=GHOST_MAC, dst=ENGINE_MAC) /
           ARP(op=2, hwsrc=GHOST_MAC, psrc=GHOST_IP, hwdst=ENGINE_MAC, pdst=ENGINE_IP))
    time.sleep(0.2)
    answer_mac = "02:00:5e:00:00:7a"
    w.send(syn(GHOST_IP, answer_mac, 41200))
    req = w.collect(1.5, is_arp_request_for(GHOST_IP), first=True)
    check(req is not None, "no ARP request for %s: the unsolicited reply was learned" % GHOST_IP)
    w.send(Ether(src=answer_mac, dst=ENGINE_MAC) /
           ARP(op=2, hwsrc=answer_mac, psrc=GHOST_IP, hwdst=ENGINE_MAC, pdst=ENGINE_IP))
    sa = w.collect(1.5, lambda p: TCP in p and p[TCP].dport == 41200 and p[TCP].flags & (S | A) == (S | A),
                   first=True)
    check(sa is not None, "no SYN-ACK after answering the engine's ARP request")
    check(sa[Ether].dst.lower() == answer_mac, "SYN-ACK went to %s, not to the solicited answer %s"
          % (sa[Ether].dst, answer_mac))
    w.send(Ether(src=answer_mac, dst=ENGINE_MAC) / IP(src=GHOST_IP, dst=ENGINE_IP) /
           TCP(sport=41200, dport=HTTP, seq=sa[TCP].ack, flags=R))
    return "unsolicited reply ignored (engine asked), solicited answer learned"


def arp_forged_reply_known_peer(w, ctx):
    """A forged reply for a peer the engine holds: within the 1 s lock time the first answer stays (no ARP
    thrashing); after it the forged MAC is taken, as Linux does (ARP has no authentication). The engine's RST to a
    closed port shows which MAC it holds."""
    w.send(syn(NEIGHBOUR_IP, NEIGHBOUR_MAC, 41300, dport=4444))
    req = w.collect(1.5, is_arp_request_for(NEIGHBOUR_IP), first=True)
    check(req is not None, "no ARP request for %s" % NEIGHBOUR_IP)
    w.send(Ether(src=NEIGHBOUR_MAC, dst=ENGINE_MAC) /
           ARP(op=2, hwsrc=NEIGHBOUR_MAC, psrc=NEIGHBOUR_IP, hwdst=ENGINE_MAC, pdst=ENGINE_IP))
    rst = w.collect(1.5, lambda p: TCP in p and p[TCP].dport == 41300, first=True)
    check(rst is not None and rst[Ether].dst.lower() == NEIGHBOUR_MAC, "RST after resolution: " + describe(rst))
    learned_at = time.monotonic()
    w.send(Ether(src=FORGED_MAC, dst=ENGINE_MAC) /
           ARP(op=2, hwsrc=FORGED_MAC, psrc=NEIGHBOUR_IP, hwdst=ENGINE_MAC, pdst=ENGINE_IP))
    time.sleep(0.1)
    w.send(syn(NEIGHBOUR_IP, NEIGHBOUR_MAC, 41301, dport=4444))
    rst = w.collect(1.0, lambda p: TCP in p and p[TCP].dport == 41301, first=True)
    check(rst is not None and rst[Ether].dst.lower() == NEIGHBOUR_MAC,
          "a forged reply within the lock time took over: " + describe(rst))
    time.sleep(max(0.0, learned_at + 1.2 - time.monotonic()))
    w.send(Ether(src=FORGED_MAC, dst=ENGINE_MAC) /
           ARP(op=2, hwsrc=FORGED_MAC, psrc=NEIGHBOUR_IP, hwdst=ENGINE_MAC, pdst=ENGINE_IP))
    time.sleep(0.1)
    w.send(syn(NEIGHBOUR_IP, NEIGHBOUR_MAC, 41302, dport=4444))
    rst = w.collect(1.0, lambda p: TCP in p and p[TCP].dport == 41302, first=True)
    check(rst is not None and rst[Ether].dst.lower() == FORGED_MAC,
          "after the lock time the reply should update the entry, as in Linux: " + describe(rst))
    return "forged reply ignored within 1 s of the answer, taken after it (Linux locktime)"


def arp_conflict(w, ctx):
    """Another MAC claiming the engine's address (gratuitous ARP) is counted and defended with one broadcast
    announcement (RFC 5227 §2.4); a second claim right after gets none (one defence per 10 s)."""
    claim = Ether(src=INTRUDER_MAC, dst="ff:ff:ff:ff:ff:ff") / \
        ARP(op=1, hwsrc=INTRUDER_MAC, psrc=ENGINE_IP, hwdst="00:00:00:00:00:00", pdst=ENGINE_IP)
    w.send(claim)
    ann = w.collect(1.0, lambda p: ARP in p and p[ARP].psrc == ENGINE_IP and p[ARP].pdst == ENGINE_IP, first=True)
    check(ann is not None, "no defending announcement after a conflicting claim")
    check(ann[Ether].dst.lower() == "ff:ff:ff:ff:ff:ff" and ann[ARP].op == 1 and ann[ARP].hwsrc.lower() == ENGINE_MAC,
          "the defence is not a broadcast announcement of our MAC: " + describe(ann))
    w.send(claim)
    again = w.collect(0.7, lambda p: ARP in p and p[ARP].psrc == ENGINE_IP and p[ARP].pdst == ENGINE_IP)
    check(not again, "a second claim within 10 s was defended again (no rate limit)")
    return "claim defended once with a broadcast announcement; the second claim only counted"


PROBES = [("martian_syns", martian_syns), ("martian_pings", martian_pings), ("syn_fin", syn_fin),
          ("other_host", other_host), ("arp_unsolicited_reply", arp_unsolicited_reply),
          ("arp_forged_reply_known_peer", arp_forged_reply_known_peer), ("arp_conflict", arp_conflict)]


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
    print("MARTIANS %d" % ctx.get("martian", 0), flush=True)
    print("OTHER_HOST %d" % ctx.get("other_host", 0), flush=True)
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
