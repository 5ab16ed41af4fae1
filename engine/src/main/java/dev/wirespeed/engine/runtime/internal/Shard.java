package dev.wirespeed.engine.runtime.internal;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.Mbuf;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.MbufView;
import dev.wirespeed.bindings.Mempool;
import dev.wirespeed.bindings.NativeLayout;
import dev.wirespeed.bindings.PortStats;
import dev.wirespeed.engine.runtime.Impairment;
import dev.wirespeed.engine.runtime.LocalAddresses;
import dev.wirespeed.engine.runtime.PortCounters;
import dev.wirespeed.engine.runtime.ShardCounters;
import dev.wirespeed.engine.runtime.ShardDrops;
import dev.wirespeed.engine.runtime.ShardDuty;
import dev.wirespeed.engine.runtime.ShardView;
import dev.wirespeed.engine.tcp.SegmentEmitter;
import dev.wirespeed.engine.tcp.TcpCounters;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpFrameCodec;
import dev.wirespeed.engine.tcp.TcpSegment;
import dev.wirespeed.engine.wire.EthernetFrame;
import dev.wirespeed.engine.wire.FrameParser;
import dev.wirespeed.engine.wire.Ipv4Header;
import dev.wirespeed.engine.wire.TcpHeader;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * One shard: a single thread that owns a port queue pair, a {@link TcpEndpoint} (TCBs and timers), an ARP cache
 * and a TX batch. One duty cycle ({@link #doWork()}), in the order of ARCHITECTURE.md:
 * <ol>
 *   <li>read the clock once ({@code nowNs});</li>
 *   <li>rx_burst, then per frame: parse (Ethernet → ARP/IPv4 → ICMP/TCP, checksums), drop martian sources
 *       ({@link Martians}), answer ARP and ICMP echo in place, hand TCP segments to the endpoint (payload
 *       zero-copy over the mbuf);</li>
 *   <li>timers: {@code endpoint.poll(nowNs)}, ARP retries;</li>
 *   <li>{@code endpoint.dispatch}: every segment is written straight into a new mbuf and batched;</li>
 *   <li>tx_burst when the batch is full, when every rx burst came back short and every inbox read stayed under
 *       its limit (nothing else is waiting, so holding the batch would only add latency), or when
 *       {@link #TX_FLUSH_INTERVAL_NS} has passed.</li>
 * </ol>
 * Several shards: each polls the RX queues given to it (none, one, or all of a single-queue port) and hands every
 * frame whose {@link FlowDispatcher} shard is another one to that shard through a one-to-one ring of mbuf
 * addresses (one message per burst, never a copy of the packet). ARP frames are handled where they arrive and
 * copied to every other shard, which only learns from them. Each shard sends on its own TX queue.
 * <p>
 * Mbuf ownership: a received mbuf is freed exactly once at the end of its handling, unless it is turned into a
 * reply in place, in which case it moves to the TX batch; an mbuf written into another shard's inbox belongs to
 * that shard from the commit on (if the ring is full it is freed here and counted); an mbuf in the TX batch
 * belongs to the driver once tx_burst takes it; one queued behind an ARP resolution belongs to the
 * {@link ArpCache} until it transmits or drops it; one held by an {@link Impairment} belongs to it until it is
 * released or freed.
 * <p>
 * Every frame freed without being handed on is counted under one reason: the parser's
 * ({@code FrameParser.DROP_*}), the endpoint's ({@code TcpCounters.DROP_*}) or the shard's own ({@link ShardDrops}),
 * all published live in the {@link ShardCounters}; shard 0 also publishes the port's own counters
 * ({@link PortCounters}).
 * <p>
 * Not thread safe: everything here runs on the shard's thread.
 */
public final class Shard implements Agent, SegmentEmitter, ArpEmitter, ShardView
{
    /** TX batches are flushed at least this often, like DPDK's l2fwd drain interval. */
    public static final long TX_FLUSH_INTERVAL_NS = 100_000;
    /** Live counters are published at least this often. */
    public static final long COUNTERS_INTERVAL_NS = 1_000_000;
    /** Inbox message: mbuf addresses (8 bytes each) for the receiving shard to handle. */
    public static final int MSG_FRAMES = 1;
    /** Inbox message: copies of ARP frames (8-byte mbuf addresses) to learn from, never to answer. */
    public static final int MSG_ARP_COPIES = 2;
    /** Most messages read from one inbox per duty cycle. */
    public static final int INBOX_READ_LIMIT = 16;

    /**
     * Frames a shard may hold while their addresses are being resolved, over all addresses together (each pins an
     * mbuf: a quarter of the default mempool). Per address the bound is Linux's byte budget,
     * {@link ArpCache#DEFAULT_QUEUE_BYTES}: about 2,800 SYN-ACKs, enough for a storm from a new peer.
     */
    public static final int ARP_QUEUED_FRAMES = 4096;
    /** RX bursts a duty cycle takes from one queue while they come back full (4 x 32 frames). */
    public static final int RX_BURSTS_PER_CYCLE = 4;
    private static final int SHUTDOWN_NONE = 0;
    private static final int SHUTDOWN_ABORT = 1;
    private static final int SHUTDOWN_CLOSE = 2;

    private final int shardId;
    private final int shardCount;
    private final EthPort port;
    private final int[] rxQueues;
    private final int txQueue;
    private final Mempool pool;
    private final long ourMac;
    private final LocalAddresses addresses;
    private final Martians martians;
    private final boolean txChecksumOffload;
    private final NanoClock clock;
    private final TcpEndpoint endpoint;
    private final ArpCache arpCache;
    private final ArpResponder arp;
    private final ArpResponder arpLearner;
    private final IcmpResponder icmp;
    private final PcapWriter pcap;
    private final ShardCounters counters;
    private final PortCounters portCounters;
    private final PortStats portStats = new PortStats();
    private final Impairment rxImpairment;
    private final Impairment txImpairment;
    private final FlowDispatcher dispatcher;
    private final RingBuffer[] inboxes;
    private final RingBuffer[] outboxes;
    private final DpdkMbufOps mbufOps;

    private final FrameParser parser = new FrameParser();
    private final TcpFrameCodec codec = new TcpFrameCodec();
    private final TcpSegment rxSegment = new TcpSegment();
    private final MbufView rxView = new MbufView();
    private final MbufView txView = new MbufView();
    private final EthernetFrame txEthernet = new EthernetFrame();
    private final MbufBurst rxBurst;
    private final MbufBurst rxImpaired;
    private final MbufBurst txBurst;
    private final MbufBurst txWire;
    private final long[][] staged;
    private final int[] stagedCount;
    private final long[] dropsByReason = new long[FrameParser.DROP_REASON_COUNT];
    private final long[] shardDrops = new long[ShardDrops.COUNT];
    private final MessageHandler inboxHandler = this::onInboxMessage;

    private ShardDuty[] duties = new ShardDuty[0];
    private long nowNs;
    private long lastTxFlushNs;
    /** This duty cycle found more input waiting: a full rx burst, or an inbox read up to its limit. */
    private boolean inputBacklog;
    private long lastCountersNs;
    private long lastPortCountersNs;
    private long rxPackets;
    private long rxBytes;
    private long txPackets;
    private long txBytes;
    private long handedOff;
    /** Frames the ARP cache dropped through {@link #drop(long)}; by reason in its own counters. */
    private long arpDropped;
    private volatile int shutdownRequest = SHUTDOWN_NONE;
    private int shutdownStarted = SHUTDOWN_NONE;
    private volatile boolean drained;

    /** A single shard on queue pair ({@code rxQueue}, {@code txQueue}) of {@code port}, with no counters file. */
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
        this(new Context().shardId(shardId).port(port).rxQueues(rxQueue).txQueue(txQueue).ourIp(ourIp)
            .endpoint(endpoint).clock(clock).rxBurst(rxBurst).txBurst(txBurst).pcap(pcap));
    }

    public Shard(final Context ctx)
    {
        this.shardId = ctx.shardId;
        this.shardCount = ctx.shardCount;
        this.port = ctx.port;
        this.rxQueues = ctx.rxQueues;
        this.txQueue = ctx.txQueue;
        this.pool = port.mempool();
        this.ourMac = port.macAddress();
        this.addresses = ctx.addresses;
        this.martians = new Martians(ctx.addresses);
        this.txChecksumOffload = (port.txOffloads() & NativeLayout.TX_OFFLOAD_TCP_CKSUM) != 0 &&
            (port.txOffloads() & NativeLayout.TX_OFFLOAD_IPV4_CKSUM) != 0;
        this.clock = ctx.clock;
        this.endpoint = ctx.endpoint;
        this.rxBurst = ctx.rxBurst;
        this.txBurst = ctx.txBurst;
        this.pcap = ctx.pcap;
        this.counters = ctx.counters;
        this.portCounters = ctx.portCounters;
        this.mbufOps = new DpdkMbufOps(pool);
        this.rxImpairment = ctx.impairment == null ? null : Impairment.parse(ctx.impairment, mbufOps, 2 * shardId);
        this.txImpairment = ctx.impairment == null ? null :
            Impairment.parse(ctx.impairment, mbufOps, 2 * shardId + 1);
        this.rxImpaired = rxImpairment == null ? null : new MbufBurst(ctx.arena, 4 * rxBurst.capacity());
        this.txWire = txImpairment == null ? null : new MbufBurst(ctx.arena, 4 * txBurst.capacity());
        this.inboxes = ctx.inboxes;
        this.outboxes = ctx.outboxes;
        this.dispatcher = shardCount > 1 ? new FlowDispatcher(shardCount) : null;
        this.staged = new long[shardCount][shardCount > 1 ? rxBurst.capacity() : 0];
        this.stagedCount = new int[shardCount];
        if (shardCount > 1 && (inboxes == null || outboxes == null || inboxes.length != shardCount ||
            outboxes.length != shardCount))
        {
            throw new IllegalArgumentException("shard " + shardId + " of " + shardCount + " needs an inbox and an " +
                "outbox ring per shard");
        }
        this.arpCache = new ArpCache(1024, ArpCache.DEFAULT_QUEUE_BYTES, ARP_QUEUED_FRAMES, 300_000_000_000L,
            1_000_000_000L, 3, this);
        this.arp = new ArpResponder(ourMac, martians, arpCache, true);
        this.arpLearner = new ArpResponder(ourMac, martians, arpCache, false);
        this.icmp = new IcmpResponder(ourMac, addresses);
        this.nowNs = clock.nanoTime();
        this.lastTxFlushNs = nowNs;
        this.lastCountersNs = nowNs;
        this.lastPortCountersNs = nowNs;
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
        final int shutdown = shutdownRequest;
        if (shutdown != shutdownStarted)
        {
            startShutdown(shutdown);
        }
        inputBacklog = false;
        int work = pollInboxes();
        work += pollRx();
        work += endpoint.poll(nowNs);
        work += arpCache.poll(nowNs);
        final ShardDuty[] duties = this.duties;
        for (int i = 0; i < duties.length; i++)
        {
            work += duties[i].doWork(nowNs);
        }
        work += endpoint.dispatch(nowNs, this);
        // short rx bursts (and inbox reads under their limit) mean nothing else is waiting: send now, as batching
        // more would only add latency, up to the whole flush interval per hop; under load the batch still fills
        work += flushTx(shutdownStarted != SHUTDOWN_NONE || !inputBacklog);
        if (counters != null && nowNs - lastCountersNs >= COUNTERS_INTERVAL_NS)
        {
            publishCounters();
        }
        if (portCounters != null && nowNs - lastPortCountersNs >= PortCounters.INTERVAL_NS)
        {
            lastPortCountersNs = nowNs;
            portCounters.publish(port.stats(portStats));
        }
        if (shutdownStarted != SHUTDOWN_NONE && !drained &&
            (shutdownStarted == SHUTDOWN_ABORT || endpoint.liveConnectionCount() == 0))
        {
            drained = true;
        }
        return work;
    }

    /**
     * Asks the shard, from any thread, to end its connections: {@code abort} resets them all in the next duty
     * cycle; otherwise each gets an orderly close (FIN after its queued data). {@link #drained()} turns true
     * once that is done (for a close, once no connection is left but those in TIME-WAIT).
     */
    public void requestShutdown(final boolean abort)
    {
        shutdownRequest = abort ? SHUTDOWN_ABORT : SHUTDOWN_CLOSE;
    }

    /** True once a requested shutdown has ended the shard's connections. */
    public boolean drained()
    {
        return drained;
    }

    private void startShutdown(final int mode)
    {
        shutdownStarted = mode;
        if (mode == SHUTDOWN_ABORT)
        {
            endpoint.abortAll();
        }
        else
        {
            endpoint.closeAll();
        }
    }

    /**
     * Adds work run on this shard's thread every duty cycle (see {@link ShardDuty}). Call before the shard's
     * thread starts.
     */
    public void addDuty(final ShardDuty duty)
    {
        final ShardDuty[] grown = java.util.Arrays.copyOf(duties, duties.length + 1);
        grown[duties.length] = duty;
        duties = grown;
    }

    /** The time of the current duty cycle. */
    public long nowNs()
    {
        return nowNs;
    }

    private int pollInboxes()
    {
        if (inboxes == null)
        {
            return 0;
        }
        int work = 0;
        for (int i = 0; i < inboxes.length; i++)
        {
            if (inboxes[i] != null)
            {
                final int messages = inboxes[i].read(inboxHandler, INBOX_READ_LIMIT);
                inputBacklog |= messages == INBOX_READ_LIMIT;
                work += messages;
            }
        }
        return work;
    }

    private void onInboxMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index,
        final int length)
    {
        final boolean learnOnly = msgTypeId == MSG_ARP_COPIES;
        for (int i = 0; i < length; i += Long.BYTES)
        {
            onFrame(buffer.getLong(index + i), learnOnly);
        }
    }

    private int pollRx()
    {
        int work = 0;
        for (int q = 0; q < rxQueues.length; q++)
        {
            // a full burst means more is waiting: take up to RX_BURSTS_PER_CYCLE before the timers and the
            // dispatch, so that a peer whose cycle emits more than one burst (replies, timers, new connections)
            // does not fill the link's queue faster than it is read
            for (int b = 0; b < RX_BURSTS_PER_CYCLE; b++)
            {
                final int n = port.rxBurst(rxQueues[q], rxBurst);
                if (n == 0)
                {
                    break;
                }
                inputBacklog |= n == rxBurst.capacity();
                work += n;
                if (rxImpairment == null)
                {
                    onBurst(rxBurst);
                }
                else
                {
                    rxImpairment.apply(rxBurst, rxImpaired, nowNs);
                    onBurst(rxImpaired);
                }
                if (n < rxBurst.capacity())
                {
                    break;
                }
            }
        }
        if (rxImpairment != null && rxImpairment.held() > 0)
        {
            work += rxImpairment.poll(rxImpaired, nowNs);
            onBurst(rxImpaired);
        }
        return work;
    }

    /** Handles this shard's frames of a received burst and hands the others to their shards; clears the burst. */
    private void onBurst(final MbufBurst burst)
    {
        final int n = burst.size();
        for (int i = 0; i < n; i++)
        {
            final long mbuf = burst.get(i);
            if (dispatcher == null)
            {
                onFrame(mbuf, false);
                continue;
            }
            final UnsafeBuffer frame = rxView.wrap(mbuf);
            final int target = dispatcher.target(frame, frame.capacity());
            if (target == shardId)
            {
                onFrame(mbuf, false);
            }
            else if (target == FlowDispatcher.ALL_SHARDS)
            {
                for (int s = 0; s < shardCount; s++)
                {
                    if (s != shardId)
                    {
                        final long copy = mbufOps.copy(mbuf);
                        if (copy == 0)
                        {
                            shardDrops[ShardDrops.HAND_OFF_NO_MBUF]++;
                        }
                        else
                        {
                            handOffArpCopy(s, copy);
                        }
                    }
                }
                onFrame(mbuf, false);
            }
            else
            {
                stage(target, mbuf);
            }
        }
        burst.clear();
        if (dispatcher != null)
        {
            for (int s = 0; s < shardCount; s++)
            {
                handOff(s, MSG_FRAMES);
            }
        }
    }

    /** A copy of an ARP frame goes in a message of its own (rare), so that the receiver learns from it only. */
    private void handOffArpCopy(final int target, final long copy)
    {
        handOff(target, MSG_FRAMES); // what was staged before it keeps its place in the order
        staged[target][stagedCount[target]++] = copy;
        handOff(target, MSG_ARP_COPIES);
    }

    private void stage(final int target, final long mbuf)
    {
        staged[target][stagedCount[target]++] = mbuf;
        if (stagedCount[target] == staged[target].length)
        {
            handOff(target, MSG_FRAMES);
        }
    }

    /** Writes the staged mbufs of one target into its inbox as one message; frees them if the ring is full. */
    private void handOff(final int target, final int msgTypeId)
    {
        final int count = stagedCount[target];
        if (count == 0)
        {
            return;
        }
        stagedCount[target] = 0;
        final long[] mbufs = staged[target];
        final RingBuffer ring = outboxes[target];
        final int index = ring.tryClaim(msgTypeId, count * Long.BYTES);
        if (index < 0)
        {
            shardDrops[ShardDrops.HAND_OFF_RING_FULL] += count;
            for (int i = 0; i < count; i++)
            {
                Mbuf.free(mbufs[i]);
            }
            return;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        for (int i = 0; i < count; i++)
        {
            buffer.putLong(index + i * Long.BYTES, mbufs[i]);
        }
        ring.commit(index);
        handedOff += count;
    }

    private void onFrame(final long mbuf, final boolean learnOnly)
    {
        final UnsafeBuffer frame = rxView.wrap(mbuf);
        final int length = frame.capacity();
        if (learnOnly)
        {
            // a copy of an ARP frame another shard received and handled: learn the sender, answer nothing
            if (parser.parse(frame, 0, length, 0) == FrameParser.DROP_NONE && parser.type() == FrameParser.TYPE_ARP)
            {
                arpLearner.onArp(frame, 0, length, nowNs);
            }
            Mbuf.free(mbuf);
            return;
        }
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
        final long dstMac = parser.ethernet().dstMac();
        if (dstMac != ourMac && !EthernetFrame.isMulticast(dstMac))
        {
            // unicast to another host (promiscuous port, flooded by a switch): not ours, whatever its IP says
            shardDrops[ShardDrops.OTHER_HOST]++;
            Mbuf.free(mbuf);
            return;
        }
        final int type = parser.type();
        if (type != FrameParser.TYPE_ARP && martians.isMartianSource(parser.ipv4().srcAddress()))
        {
            // RFC 1122 §3.2.1.3, RFC 1812 §5.3.7: never answered, never a connection, never an ARP for ourselves
            shardDrops[ShardDrops.MARTIAN_SOURCE]++;
            Mbuf.free(mbuf);
            return;
        }
        switch (type)
        {
            case FrameParser.TYPE_TCP:
                endpoint.onSegment(nowNs, TcpFrameCodec.decode(parser, rxSegment));
                rxSegment.payload = null;
                Mbuf.free(mbuf);
                break;

            case FrameParser.TYPE_ARP:
            {
                final int action = arp.onArp(frame, 0, length, nowNs);
                if (action == ArpResponder.REPLY_IN_PLACE)
                {
                    queueTx(mbuf, frame, length);
                }
                else
                {
                    Mbuf.free(mbuf);
                    if (action == ArpResponder.DEFEND)
                    {
                        sendRequest(arp.defendedAddress()); // RFC 5227 §2.4 (c): one announcement of that address
                    }
                }
                break;
            }

            case FrameParser.TYPE_ICMP:
                if (icmp.onIcmp(frame, 0, length))
                {
                    queueTx(mbuf, frame, length);
                }
                else
                {
                    shardDrops[ShardDrops.ICMP_NOT_ECHO_FOR_US]++;
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
        if (martians.isMartianSource(segment.remoteIp))
        {
            // a connect to ourselves or to a broadcast address: never ARP for it, never send it
            shardDrops[ShardDrops.TX_MARTIAN_DESTINATION]++;
            return;
        }
        final long mbuf = pool.alloc();
        if (mbuf == 0)
        {
            shardDrops[ShardDrops.TX_NO_MBUF]++; // TCP retransmits it later
            return;
        }
        final long knownMac = arpCache.lookup(segment.remoteIp, nowNs);
        final UnsafeBuffer frame = txView.wrapForWrite(mbuf);
        final int length = codec.encode(segment, ourMac, knownMac == ArpCache.NO_MAC ? 0 : knownMac,
            txChecksumOffload, frame, 0);
        if (length < 0)
        {
            shardDrops[ShardDrops.TX_ENCODE_FAILED]++;
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
        final long mac = arpCache.resolve(segment.remoteIp, mbuf, length, nowNs);
        if (mac >= 0)
        {
            transmit(mbuf, mac);
        }
    }

    /**
     * {@link ArpEmitter}: broadcasts "who has {@code targetIp}". For our own address that is the RFC 5227
     * announcement that defends it against a conflicting claim.
     */
    public void sendRequest(final int targetIp)
    {
        final long mbuf = pool.alloc();
        if (mbuf == 0)
        {
            shardDrops[ShardDrops.TX_NO_MBUF]++;
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
        arpDropped++;
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
                shardDrops[ShardDrops.TX_BATCH_FULL]++;
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
     * Sends the batch when full, when forced, or when the flush interval has passed (through the TX impairment,
     * when there is one). What the driver does not take stays batched for the next try; if the batch is still
     * full after a forced flush, the rest is dropped (TCP retransmits it).
     */
    private int flushTx(final boolean force)
    {
        final int size = txBurst.size();
        final boolean pending = size > 0 ||
            (txImpairment != null && (txWire.size() > 0 || txImpairment.held() > 0));
        if (!pending || (!force && size < txBurst.capacity() && nowNs - lastTxFlushNs < TX_FLUSH_INTERVAL_NS))
        {
            return 0;
        }
        lastTxFlushNs = nowNs;
        MbufBurst wire = txBurst;
        if (txImpairment != null)
        {
            if (txWire.capacity() - txWire.size() < size)
            {
                port.txBurst(txQueue, txWire);
            }
            if (txWire.capacity() - txWire.size() < size)
            {
                shardDrops[ShardDrops.IMPAIR_TX] += size;
                txBurst.freeAll();
            }
            else
            {
                txImpairment.apply(txBurst, txWire, nowNs);
            }
            txImpairment.poll(txWire, nowNs);
            wire = txWire;
        }
        final int sent = port.txBurst(txQueue, wire);
        if (force && wire.size() == wire.capacity())
        {
            shardDrops[ShardDrops.TX_BATCH_FULL] += wire.size();
            wire.freeAll();
        }
        return sent;
    }

    private void publishCounters()
    {
        lastCountersNs = nowNs;
        counters.rxPackets().setRelease(rxPackets);
        counters.rxBytes().setRelease(rxBytes);
        counters.txPackets().setRelease(txPackets);
        counters.txBytes().setRelease(txBytes);
        counters.handedOff().setRelease(handedOff);
        for (int reason = 1; reason < FrameParser.DROP_REASON_COUNT; reason++)
        {
            counters.drops(reason).setRelease(dropsByReason[reason]);
        }
        for (int reason = 0; reason < ShardDrops.COUNT; reason++)
        {
            counters.shardDrops(reason).setRelease(shardDrops(reason));
        }
        final TcpCounters tcp = endpoint.counters();
        for (int state = 0; state < ShardCounters.TCP_STATE_NAMES.length; state++)
        {
            counters.connections(state).setRelease(tcp.connections(state));
        }
        for (int i = 0; i < TcpCounters.COUNT; i++)
        {
            counters.tcp(i).setRelease(tcp.get(i));
        }
        counters.arpRequestsSent().setRelease(arpCache.requestsSent());
        counters.arpRepliesSent().setRelease(arp.repliesSent());
        counters.arpLearned().setRelease(arp.learned() + arpLearner.learned());
        counters.arpDefended().setRelease(arp.defended());
    }

    /** Frames dropped for one of the shard's own reasons ({@link ShardDrops}), here or in its ARP and impairment. */
    public long shardDrops(final int reason)
    {
        switch (reason)
        {
            case ShardDrops.ARP_NOT_FOR_US:
                return arp.ignored();
            case ShardDrops.ARP_UNSOLICITED_REPLY:
                return arp.unsolicited();
            case ShardDrops.ARP_LOCKTIME:
                return arp.locked();
            case ShardDrops.ARP_MARTIAN_SENDER:
                return arp.martian();
            case ShardDrops.ARP_CONFLICT:
                return arp.conflicts();
            case ShardDrops.IMPAIR_RX:
                return rxImpairment == null ? 0 : rxImpairment.dropped();
            case ShardDrops.IMPAIR_TX:
                return shardDrops[reason] + (txImpairment == null ? 0 : txImpairment.dropped());
            case ShardDrops.TX_ARP_QUEUE_OVERFLOW:
                return arpCache.queueOverflowDrops();
            case ShardDrops.TX_ARP_UNRESOLVED:
                return arpCache.unresolvedDrops();
            case ShardDrops.TX_ARP_TABLE_FULL:
                return arpCache.tableFullDrops();
            case ShardDrops.TX_ARP_SHUTDOWN:
                return arpDropped - arpCache.queueOverflowDrops() - arpCache.unresolvedDrops() -
                    arpCache.tableFullDrops();
            default:
                return shardDrops[reason];
        }
    }

    /**
     * Flushes what is batched and frees every mbuf the shard still holds (shutdown). Call after every shard that
     * could hand this one frames has stopped: what is left in the inboxes is freed here.
     */
    public void onClose()
    {
        nowNs = clock.nanoTime();
        flushTx(true);
        txBurst.freeAll();
        if (txImpairment != null)
        {
            txImpairment.freeHeld();
            txWire.freeAll();
        }
        if (rxImpairment != null)
        {
            rxImpairment.freeHeld();
            rxImpaired.freeAll();
        }
        for (int s = 0; s < shardCount; s++)
        {
            for (int i = 0; i < stagedCount[s]; i++)
            {
                Mbuf.free(staged[s][i]);
            }
            stagedCount[s] = 0;
        }
        arpCache.clear();
        if (counters != null)
        {
            publishCounters();
        }
        if (pcap != null)
        {
            pcap.close();
        }
    }

    /**
     * Frees every mbuf still waiting in this shard's inboxes. Call once no shard runs any more (engine
     * shutdown), from any thread.
     */
    public void freeInboxes()
    {
        if (inboxes == null)
        {
            return;
        }
        final MessageHandler free = (msgTypeId, buffer, index, length) ->
        {
            for (int i = 0; i < length; i += Long.BYTES)
            {
                Mbuf.free(buffer.getLong(index + i));
            }
        };
        for (final RingBuffer inbox : inboxes)
        {
            if (inbox != null)
            {
                while (inbox.read(free) > 0)
                {
                    // drain
                }
            }
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
        return shardDrops[ShardDrops.TX_NO_MBUF];
    }

    /**
     * Frames built but never sent, for any TX reason of {@link ShardDrops} but no mbuf ({@link #txNoMbuf()}) and
     * the impairment's deliberate losses: encoding, ARP, a full batch, a martian destination.
     */
    public long txDropped()
    {
        return shardDrops[ShardDrops.TX_ENCODE_FAILED] + shardDrops[ShardDrops.TX_BATCH_FULL] +
            shardDrops[ShardDrops.TX_MARTIAN_DESTINATION] + arpDropped + shardDrops[ShardDrops.IMPAIR_TX];
    }

    /** Frames received here and handed to the shard that owns their flow. */
    public long handedOff()
    {
        return handedOff;
    }

    /** Frames that could not be handed off (the target's inbox was full, or no mbuf for an ARP copy). */
    public long handOffDropped()
    {
        return shardDrops[ShardDrops.HAND_OFF_RING_FULL] + shardDrops[ShardDrops.HAND_OFF_NO_MBUF];
    }

    public int shardId()
    {
        return shardId;
    }

    public Impairment rxImpairment()
    {
        return rxImpairment;
    }

    public Impairment txImpairment()
    {
        return txImpairment;
    }

    public long drops(final int reason)
    {
        return dropsByReason[reason];
    }

    public long ourMac()
    {
        return ourMac;
    }

    /** The addresses this shard answers ARP and ICMP echo for. */
    public LocalAddresses addresses()
    {
        return addresses;
    }

    public boolean neighbourKnown(final int ip, final long nowNs)
    {
        return arpCache.lookup(ip, nowNs) != ArpCache.NO_MAC;
    }

    public boolean requestNeighbour(final int ip, final long nowNs)
    {
        return arpCache.request(ip, nowNs) >= 0;
    }

    /** What one shard is given: its port queues, rings, endpoint and options. */
    public static final class Context
    {
        int shardId;
        int shardCount = 1;
        EthPort port;
        int[] rxQueues = {0};
        int txQueue;
        LocalAddresses addresses;
        TcpEndpoint endpoint;
        NanoClock clock;
        MbufBurst rxBurst;
        MbufBurst txBurst;
        PcapWriter pcap;
        ShardCounters counters;
        PortCounters portCounters;
        String impairment;
        java.lang.foreign.Arena arena;
        RingBuffer[] inboxes;
        RingBuffer[] outboxes;

        public Context shardId(final int shardId)
        {
            this.shardId = shardId;
            return this;
        }

        /** Shards of the engine; above 1 the shard needs {@link #inboxes} and {@link #outboxes}. */
        public Context shardCount(final int shardCount)
        {
            this.shardCount = shardCount;
            return this;
        }

        public Context port(final EthPort port)
        {
            this.port = port;
            return this;
        }

        /** The RX queues this shard polls: none, one, or several. */
        public Context rxQueues(final int... rxQueues)
        {
            this.rxQueues = rxQueues.clone();
            return this;
        }

        public Context txQueue(final int txQueue)
        {
            this.txQueue = txQueue;
            return this;
        }

        /** One local address (ARP and ICMP echo are answered for it). */
        public Context ourIp(final int ourIp)
        {
            this.addresses = LocalAddresses.single(ourIp);
            return this;
        }

        /** Every local address: ARP and ICMP echo are answered for each. */
        public Context addresses(final LocalAddresses addresses)
        {
            this.addresses = addresses;
            return this;
        }

        public Context endpoint(final TcpEndpoint endpoint)
        {
            this.endpoint = endpoint;
            return this;
        }

        public Context clock(final NanoClock clock)
        {
            this.clock = clock;
            return this;
        }

        public Context rxBurst(final MbufBurst rxBurst)
        {
            this.rxBurst = rxBurst;
            return this;
        }

        public Context txBurst(final MbufBurst txBurst)
        {
            this.txBurst = txBurst;
            return this;
        }

        /** Capture of every frame this shard handles and sends, or null. */
        public Context pcap(final PcapWriter pcap)
        {
            this.pcap = pcap;
            return this;
        }

        /** The port's own counters, published by this shard (give them to one shard only), or null. */
        public Context portCounters(final PortCounters portCounters)
        {
            this.portCounters = portCounters;
            return this;
        }

        /** Live counters of this shard, or null. */
        public Context counters(final ShardCounters counters)
        {
            this.counters = counters;
            return this;
        }

        /**
         * An {@link Impairment} spec applied to this shard's received bursts and to its sent ones, each with its
         * own seed stream; null for none. Needs {@link #arena}.
         */
        public Context impairment(final String spec, final java.lang.foreign.Arena arena)
        {
            this.impairment = spec;
            this.arena = arena;
            return this;
        }

        /** inboxes[s]: the ring shard s writes this shard's frames into (null at this shard's own index). */
        public Context inboxes(final RingBuffer[] inboxes)
        {
            this.inboxes = inboxes;
            return this;
        }

        /** outboxes[s]: the ring this shard writes shard s's frames into (null at this shard's own index). */
        public Context outboxes(final RingBuffer[] outboxes)
        {
            this.outboxes = outboxes;
            return this;
        }
    }
}
