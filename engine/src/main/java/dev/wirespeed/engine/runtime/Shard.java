package dev.wirespeed.engine.runtime;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.Mbuf;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.MbufView;
import dev.wirespeed.bindings.Mempool;
import dev.wirespeed.bindings.NativeLayout;
import dev.wirespeed.engine.tcp.SegmentEmitter;
import dev.wirespeed.engine.tcp.TcpFrameCodec;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpSegment;
import dev.wirespeed.engine.wire.EthernetFrame;
import dev.wirespeed.engine.wire.FrameParser;
import dev.wirespeed.engine.wire.Ipv4Header;
import dev.wirespeed.engine.wire.TcpHeader;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One shard: a single thread that owns a port queue pair, a {@link TcpEndpoint} (TCBs and timers), an ARP cache
 * and a TX batch. One duty cycle ({@link #doWork()}), in the order of ARCHITECTURE.md:
 * <ol>
 *   <li>read the clock once ({@code nowNs});</li>
 *   <li>rx_burst, then per frame: parse (Ethernet → ARP/IPv4 → ICMP/TCP, checksums), answer ARP and ICMP echo
 *       in place, hand TCP segments to the endpoint (payload zero-copy over the mbuf);</li>
 *   <li>timers: {@code endpoint.poll(nowNs)}, ARP retries;</li>
 *   <li>{@code endpoint.dispatch}: every segment is written straight into a new mbuf and batched;</li>
 *   <li>tx_burst when the batch is full, when the rx burst came back short (nothing else is waiting, so
 *       holding the batch would only add latency), or when {@link #TX_FLUSH_INTERVAL_NS} has passed.</li>
 * </ol>
 * Mbuf ownership: a received mbuf is freed exactly once at the end of its handling, unless it is turned into a
 * reply in place, in which case it moves to the TX batch; an mbuf in the TX batch belongs to the driver once
 * tx_burst takes it; one queued behind an ARP resolution belongs to the {@link ArpCache} until it transmits or
 * drops it.
 * <p>
 * Not thread safe: everything here runs on the shard's thread.
 */
public final class Shard implements Agent, SegmentEmitter, ArpEmitter
{
    /** TX batches are flushed at least this often, like DPDK's l2fwd drain interval. */
    public static final long TX_FLUSH_INTERVAL_NS = 100_000;

    private final int shardId;
    private final EthPort port;
    private final int rxQueue;
    private final int txQueue;
    private final Mempool pool;
    private final long ourMac;
    private final int ourIp;
    private final boolean txChecksumOffload;
    private final NanoClock clock;
    private final TcpEndpoint endpoint;
    private final ArpCache arpCache;
    private final ArpResponder arp;
    private final IcmpResponder icmp;
    private final PcapWriter pcap;

    private final FrameParser parser = new FrameParser();
    private final TcpFrameCodec codec = new TcpFrameCodec();
    private final TcpSegment rxSegment = new TcpSegment();
    private final MbufView rxView = new MbufView();
    private final MbufView txView = new MbufView();
    private final EthernetFrame txEthernet = new EthernetFrame();
    private final MbufBurst rxBurst;
    private final MbufBurst txBurst;
    private final long[] dropsByReason = new long[FrameParser.DROP_REASON_COUNT];

    private long nowNs;
    private long lastTxFlushNs;
    private long rxPackets;
    private long rxBytes;
    private long txPackets;
    private long txBytes;
    private long txNoMbuf;
    private long txDropped;

    /**
     * @param pcap capture of every frame received and sent, or null.
     */
    public Shard(
        final int shardId,
        final EthPort port,
        final int rxQueue,
        final int txQueue,
        final int ourIp,
        final TcpEndpoint endpoint,
        final NanoClock clock,
        final MbufBurst rxBurst,
        final MbufBurst txBurst,
        final PcapWriter pcap)
    {
        this.shardId = shardId;
        this.port = port;
        this.rxQueue = rxQueue;
        this.txQueue = txQueue;
        this.pool = port.mempool();
        this.ourMac = port.macAddress();
        this.ourIp = ourIp;
        this.txChecksumOffload = (port.txOffloads() & NativeLayout.TX_OFFLOAD_TCP_CKSUM) != 0 &&
            (port.txOffloads() & NativeLayout.TX_OFFLOAD_IPV4_CKSUM) != 0;
        this.clock = clock;
        this.endpoint = endpoint;
        this.rxBurst = rxBurst;
        this.txBurst = txBurst;
        this.pcap = pcap;
        this.arpCache = new ArpCache(1024, 64, 300_000_000_000L, 1_000_000_000L, 3, this);
        this.arp = new ArpResponder(ourMac, ourIp, arpCache);
        this.icmp = new IcmpResponder(ourMac, ourIp);
        this.nowNs = clock.nanoTime();
        this.lastTxFlushNs = nowNs;
    }

    /** Registers the shard's thread with DPDK (lcore id, mempool caches). */
    public void onStart()
    {
        Eal.registerThread();
    }

    public String roleName()
    {
        return "wirespeed-shard-" + shardId;
    }

    public int doWork()
    {
        nowNs = clock.nanoTime();
        final int received = pollRx();
        int work = received;
        work += endpoint.poll(nowNs);
        work += arpCache.poll(nowNs);
        work += endpoint.dispatch(nowNs, this);
        // a short rx burst means nothing else is waiting: send now (batching more would only add latency, up to
        // the whole flush interval per hop); under load the bursts are full and the batch still fills
        work += flushTx(received < rxBurst.capacity());
        return work;
    }

    /** The time of the current duty cycle. */
    public long nowNs()
    {
        return nowNs;
    }

    private int pollRx()
    {
        final int n = port.rxBurst(rxQueue, rxBurst);
        for (int i = 0; i < n; i++)
        {
            onFrame(rxBurst.get(i));
        }
        rxBurst.clear();
        return n;
    }

    private void onFrame(final long mbuf)
    {
        final UnsafeBuffer frame = rxView.wrap(mbuf);
        final int length = frame.capacity();
        rxPackets++;
        rxBytes += length;
        if (pcap != null)
        {
            pcap.write(frame, 0, length, nowNs);
        }
        final int reason = parser.parse(frame, 0, length, rxChecksumFlags(Mbuf.offloadFlags(mbuf)));
        if (reason != FrameParser.DROP_NONE)
        {
            dropsByReason[reason]++;
            Mbuf.free(mbuf);
            return;
        }
        switch (parser.type())
        {
            case FrameParser.TYPE_TCP:
                endpoint.onSegment(nowNs, TcpFrameCodec.decode(parser, rxSegment));
                rxSegment.payload = null;
                Mbuf.free(mbuf);
                break;

            case FrameParser.TYPE_ARP:
                if (arp.onArp(frame, 0, length, nowNs) == ArpResponder.REPLY_IN_PLACE)
                {
                    queueTx(mbuf, frame, length);
                }
                else
                {
                    Mbuf.free(mbuf);
                }
                break;

            case FrameParser.TYPE_ICMP:
                if (icmp.onIcmp(frame, 0, length))
                {
                    queueTx(mbuf, frame, length);
                }
                else
                {
                    Mbuf.free(mbuf);
                }
                break;

            default:
                Mbuf.free(mbuf);
                break;
        }
    }

    private static int rxChecksumFlags(final long olFlags)
    {
        int flags = 0;
        if ((olFlags & NativeLayout.MBUF_F_RX_IP_CKSUM_MASK) == NativeLayout.MBUF_F_RX_IP_CKSUM_GOOD)
        {
            flags |= FrameParser.RX_IPV4_CHECKSUM_GOOD;
        }
        if ((olFlags & NativeLayout.MBUF_F_RX_L4_CKSUM_MASK) == NativeLayout.MBUF_F_RX_L4_CKSUM_GOOD)
        {
            flags |= FrameParser.RX_L4_CHECKSUM_GOOD;
        }
        return flags;
    }

    /** {@link SegmentEmitter}: builds the segment straight into a new mbuf and batches it. */
    public void emit(final TcpSegment segment)
    {
        final long mbuf = pool.alloc();
        if (mbuf == 0)
        {
            txNoMbuf++; // TCP retransmits it later
            return;
        }
        final long knownMac = arpCache.lookup(segment.remoteIp, nowNs);
        final UnsafeBuffer frame = txView.wrapForWrite(mbuf);
        final int length = codec.encode(segment, ourMac, knownMac == ArpCache.NO_MAC ? 0 : knownMac,
            txChecksumOffload, frame, 0);
        if (length < 0)
        {
            txDropped++;
            Mbuf.free(mbuf);
            return;
        }
        Mbuf.length(mbuf, length);
        if (txChecksumOffload)
        {
            final int tcpHeaderLength = (frame.getByte(EthernetFrame.HEADER_LENGTH + Ipv4Header.MIN_HEADER_LENGTH +
                TcpHeader.DATA_OFFSET_OFFSET) & 0xF0) >>> 2;
            Mbuf.offloadFlags(mbuf, NativeLayout.MBUF_F_TX_IPV4 | NativeLayout.MBUF_F_TX_IP_CKSUM |
                NativeLayout.MBUF_F_TX_TCP_CKSUM);
            Mbuf.txOffloadLengths(mbuf, EthernetFrame.HEADER_LENGTH, Ipv4Header.MIN_HEADER_LENGTH, tcpHeaderLength);
        }
        if (knownMac != ArpCache.NO_MAC)
        {
            queueTx(mbuf, frame, length);
            return;
        }
        final long mac = arpCache.resolve(segment.remoteIp, mbuf, nowNs);
        if (mac >= 0)
        {
            transmit(mbuf, mac);
        }
    }

    /** {@link ArpEmitter}: broadcasts "who has {@code targetIp}". */
    public void sendRequest(final int targetIp)
    {
        final long mbuf = pool.alloc();
        if (mbuf == 0)
        {
            txNoMbuf++;
            return;
        }
        final UnsafeBuffer frame = txView.wrapForWrite(mbuf);
        final int length = arp.writeRequest(frame, 0, targetIp);
        Mbuf.length(mbuf, length);
        queueTx(mbuf, frame, length);
    }

    /** {@link ArpEmitter}: a frame that waited for ARP gets its destination MAC and goes. */
    public void transmit(final long mbuf, final long dstMac)
    {
        final UnsafeBuffer frame = txView.wrap(mbuf);
        txEthernet.wrap(frame, 0, frame.capacity());
        txEthernet.dstMac(dstMac);
        queueTx(mbuf, frame, frame.capacity());
    }

    /** {@link ArpEmitter}: a frame that will never be sent. */
    public void drop(final long mbuf)
    {
        txDropped++;
        Mbuf.free(mbuf);
    }

    private void queueTx(final long mbuf, final UnsafeBuffer frame, final int length)
    {
        if (pcap != null)
        {
            pcap.write(frame, 0, length, nowNs);
        }
        if (!txBurst.add(mbuf))
        {
            flushTx(true);
            if (!txBurst.add(mbuf))
            {
                txDropped++;
                Mbuf.free(mbuf);
                return;
            }
        }
        txPackets++;
        txBytes += length;
        if (txBurst.size() == txBurst.capacity())
        {
            flushTx(true);
        }
    }

    /**
     * Sends the batch when full, when forced, or when the flush interval has passed. What the driver does not take
     * stays batched for the next try; if the batch is still full after a forced flush, the rest is dropped (TCP
     * retransmits it).
     */
    private int flushTx(final boolean force)
    {
        final int size = txBurst.size();
        if (size == 0 || (!force && size < txBurst.capacity() && nowNs - lastTxFlushNs < TX_FLUSH_INTERVAL_NS))
        {
            return 0;
        }
        lastTxFlushNs = nowNs;
        final int sent = port.txBurst(txQueue, txBurst);
        if (force && txBurst.size() == txBurst.capacity())
        {
            txDropped += txBurst.size();
            txBurst.freeAll();
        }
        return sent;
    }

    /** Flushes what is batched and frees every mbuf the shard still holds (shutdown). */
    public void onClose()
    {
        nowNs = clock.nanoTime();
        flushTx(true);
        txBurst.freeAll();
        arpCache.clear();
        if (pcap != null)
        {
            pcap.close();
        }
    }

    public TcpEndpoint endpoint()
    {
        return endpoint;
    }

    public ArpCache arpCache()
    {
        return arpCache;
    }

    public long rxPackets()
    {
        return rxPackets;
    }

    public long rxBytes()
    {
        return rxBytes;
    }

    public long txPackets()
    {
        return txPackets;
    }

    public long txBytes()
    {
        return txBytes;
    }

    public long txNoMbuf()
    {
        return txNoMbuf;
    }

    public long txDropped()
    {
        return txDropped;
    }

    public long drops(final int reason)
    {
        return dropsByReason[reason];
    }

    public long ourMac()
    {
        return ourMac;
    }
}
