package dev.wirespeed.engine.tcp;

import dev.wirespeed.engine.wire.TcpOptions;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;


import static dev.wirespeed.engine.tcp.SeqNum.gt;
import static dev.wirespeed.engine.tcp.SeqNum.leq;
import static dev.wirespeed.engine.tcp.TcpCounters.*;
import static dev.wirespeed.engine.tcp.TcpSegment.ACK;
import static dev.wirespeed.engine.tcp.TcpSegment.FIN;
import static dev.wirespeed.engine.tcp.TcpSegment.RST;
import static dev.wirespeed.engine.tcp.TcpSegment.SYN;

/**
 * All TCP state of one shard: the connection table keyed by 4-tuple, listeners, timers, stateless replies
 * (RSTs for closed ports, SYN cookies) and the application API.
 * <p>
 * Driving it (the runtime's duty cycle, or a test's fake clock):
 * <pre>
 *   endpoint.onSegment(nowNs, segment);   // for each received, parsed, checksummed segment
 *   endpoint.poll(nowNs);                 // timers
 *   endpoint.dispatch(nowNs, emitter);    // all segments to send: connections marked dirty, then replies
 * </pre>
 * Nothing is emitted during {@code onSegment}/{@code poll}: they only mark what must be sent, and {@link #dispatch}
 * produces it. Time is always passed in; randomness comes from {@link TcpConfig#seed}; runs replay exactly.
 * Application events ({@link TcpHandler}) are called during {@code onSegment}/{@code poll} on the same thread.
 * Closed connections are returned to the pool at the next {@code dispatch}.
 * <p>
 * Not thread safe.
 * <p>
 * Behaviour numbers refer to the numbered list in docs/TCP-BEHAVIOUR.md.
 */
public final class TcpEndpoint
{
    // negative results, stable numbers; {@link TcpError} names each with a message
    /** Unknown or stale connection id (never issued, or closed and released). */
    public static final long ERR_INVALID_ID = -1;
    /** A 4-tuple that already exists (TIME-WAIT included) for a connect from a given local port. */
    public static final long ERR_ADDRESS_IN_USE = -2;
    /** Every ephemeral port toward that peer port is taken, or none maps to this shard. */
    public static final long ERR_NO_EPHEMERAL_PORT = -3;
    /** A write after shutdown or close. */
    public static final long ERR_OUTPUT_SHUTDOWN = -4;
    /** 0.0.0.0, limited or subnet broadcast, or multicast. */
    public static final long ERR_BAD_ADDRESS = -5;
    /** The connection is not established (or no longer). */
    public static final long ERR_NOT_CONNECTED = -6;
    /** The connection table is at {@link TcpConfig#maxConnections}. */
    public static final long ERR_TOO_MANY_CONNECTIONS = -7;
    /** A port outside 1..65535. */
    public static final long ERR_BAD_PORT = -8;
    /** {@link #listen} on a port that already has a listener. */
    public static final long ERR_ALREADY_LISTENING = -9;
    /** A remote address on none of the declared local subnets ({@link #addLocalAddress}). */
    public static final long ERR_OFF_SUBNET = -10;

    private static final class Listener
    {
        int localIp;
        int port;
        int backlog;
        int halfOpen;
    }

    final TcpConfig config;
    final TcpCounters counters = new TcpCounters();
    final TcpSegment txSegment = new TcpSegment();
    private final TcpHandler handler;
    private final ConnectionTable table = new ConnectionTable(1024);
    /** TIME-WAIT tuples as compact records; their TCBs are back in the pool. */
    private final TimeWaitTable timeWait = new TimeWaitTable(1024);
    private final Int2ObjectHashMap<Listener> listeners = new Int2ObjectHashMap<>();
    private final SlotTimerWheel wheel;

    /**
     * Per-slot arrays hold 2^k − {@value #SLOT_SLACK} entries ({@link #grownSlots}), not 2^k: with its 16-byte header
     * an array of 2^k elements is just over a power of two, and G1 rounds a large array up to whole regions (at 1M
     * slots that cost up to half the per-slot memory again).
     */
    static final int SLOT_SLACK = 16;
    static final int INITIAL_SLOTS = 64 - SLOT_SLACK;

    private TcpConnection[] connections = new TcpConnection[INITIAL_SLOTS];
    // the endpoint's own bookkeeping per pool slot (the connection never sees these)
    private int[] generations = new int[INITIAL_SLOTS];
    private boolean[] released = new boolean[INITIAL_SLOTS];
    private boolean[] dirty = new boolean[INITIAL_SLOTS];
    private boolean[] halfOpenCounted = new boolean[INITIAL_SLOTS];
    private int connectionSlots;
    private int[] freeSlots = new int[INITIAL_SLOTS];
    private int freeCount;
    /** Free slots below this index hold no TCB (trimmed); {@link #trimPool} starts here. */
    private int trimmedBelow;
    /** Free slots that still hold a TCB for reuse. */
    private int pooledTcbs;
    private long nextTrimNs;
    /**
     * The time of the first segment or connect since the last {@link #dispatch} ({@link Long#MIN_VALUE}: none). A
     * connection marked dirty has its timer settled by the next dispatch rather than at once; a {@link #poll} at a
     * later time than this settles them first.
     */
    private long firstInputNs = Long.MIN_VALUE;
    /** The shard's buffer memory: chunks lent to connections only while they have bytes queued or unread. */
    final ChunkPool pool;
    /** Storage of out-of-order and SACK range sets, lent only while a set is not empty. */
    final RangeArrayPool ranges = new RangeArrayPool();
    /** Transfer and recovery state, lent to a connection only while it has some (an idle connection has none). */
    final TransferPool transfers = new TransferPool(ranges);
    /** Every connection's RTT state (RFC 6298), in arrays indexed by pool slot. */
    final RttEstimator rtt;
    /** The empty range set a connection without a {@link TransferState} reads; nothing is ever added to it. */
    final SeqRangeSet noRanges = new SeqRangeSet(ranges);
    /** Where a send segment spanning two chunks is gathered (the emitter copies it before returning). */
    final org.agrona.concurrent.UnsafeBuffer segmentScratch;
    /** Ids of connections whose write the buffer budget cut short, woken in order as chunks come back. */
    private long[] bufferWaiters = new long[16];
    private int bufferWaiterHead;
    private int bufferWaiterCount;
    private int[] dirtySlots = new int[INITIAL_SLOTS];
    private int dirtyCount;
    private int halfOpenTotal;

    private final long isnK0;
    private final long isnK1;
    private final long cookieK0;
    private final long cookieK1;
    private final long portK0;
    private final long portK1;
    private int ephemeralCounter;
    /** The last remote end {@link #ephemeralOffset} hashed, and its offset: a client's connects mostly repeat it. */
    private int offsetLocalIp;
    private int offsetRemoteIp;
    private int offsetRemotePort = -1;
    private int offsetCached;
    /** Buffer geometry of every connection: ring sizes (powers of two), masks, and the receive ring's usable bytes. */
    final int sendCap;
    final int sendMask;
    final int recvCap;
    final int recvMask;
    /** The receive ring less the slack that rounding the scaled window up needs (RFC 7323 §2.4). */
    final int recvUsable;

    private long challengeTokens;
    private long challengeLastNs;
    private final long challengeCapacity;

    /** Every local address: one hash probe per segment, however many there are. */
    private final IntHashSet localIps = new IntHashSet();
    /** The distinct subnets of the local addresses (network, prefix): usually one, whatever the address count. */
    private int[] subnetIps = new int[4];
    private int[] subnetPrefix = new int[4];
    private int subnetCount;
    /** Slots in use: shutdown visits these, O(live), never every slot the pool made. */
    private final LiveSlots live = new LiveSlots();

    // stateless replies, as parallel arrays (no allocation)
    private final int replyCap;
    private final int[] rLocalIp;
    private final int[] rRemoteIp;
    private final int[] rPorts;
    private final int[] rSeq;
    private final int[] rAck;
    private final int[] rFlags;
    private final int[] rWindow;
    private final int[] rMss;
    private final int[] rWs;
    private final int[] rTsVal;
    private final int[] rTsEcr;
    private final byte[] rOpt;
    private int replyCount;

    private static final int OPT_SACK = 1;
    private static final int OPT_TS = 2;
    private static final int[] COOKIE_MSS = { 64, 536, 1200, 1360, 1400, 1440, 1452, 1460 };

    /**
     * An endpoint with no listener and no connection. Construct and use it on one thread (the shard's).
     *
     * @param config  the tunables; read from now on, not copied (do not change it later).
     * @param handler receives every connection event, on this endpoint's thread.
     * @param startNs the time now, in the scale of every later {@code nowNs} (any monotonic nanosecond clock).
     */
    public TcpEndpoint(final TcpConfig config, final TcpHandler handler, final long startNs)
    {
        this.config = config;
        this.handler = handler;
        // ~1.05 ms ticks, 4096 spokes (~4.3 s per turn; later deadlines wrap and are checked by value)
        this.wheel = new SlotTimerWheel(20, 4096, INITIAL_SLOTS, startNs);
        this.rtt = new RttEstimator(config, INITIAL_SLOTS);
        long r = config.seed;
        r = SplitMix64.next(r);
        final long k0 = r;
        r = SplitMix64.next(r);
        final long k1 = r;
        final boolean injectedSecret = config.isnKey0 != 0 || config.isnKey1 != 0;
        if (injectedSecret)
        {
            isnK0 = config.isnKey0;
            isnK1 = config.isnKey1;
        }
        else
        {
            isnK0 = k0;
            isnK1 = k1;
        }
        r = SplitMix64.next(r);
        cookieK0 = r;
        r = SplitMix64.next(r);
        cookieK1 = r;
        r = SplitMix64.next(r);
        portK0 = r;
        r = SplitMix64.next(r);
        portK1 = r;
        ephemeralCounter = (int)SplitMix64.next(r);
        challengeCapacity = (long)config.challengeAckPerSecond * 1_000_000_000L;
        challengeTokens = challengeCapacity;
        challengeLastNs = startNs;
        recvCap = Integer.highestOneBit(Math.max(1024, config.receiveBufferSize) - 1) << 1;
        recvMask = recvCap - 1;
        // slack for rounding the scaled window up so the right edge never moves left (RFC 7323 §2.4)
        recvUsable = recvCap - (1 << Math.min(14, Math.max(0, config.windowScale)));
        sendCap = Integer.highestOneBit(Math.max(1024, config.sendBufferSize) - 1) << 1;
        sendMask = sendCap - 1;
        final int chunk = Math.min(Integer.highestOneBit(Math.max(64, config.bufferChunkSize)),
            Math.min(sendCap, recvCap));
        pool = new ChunkPool(chunk, config.bufferBudgetBytes, Math.max(sendCap, recvCap) / chunk, config.mss());
        segmentScratch = new org.agrona.concurrent.UnsafeBuffer(new byte[Math.max(65536, config.mss())]);
        replyCap = config.replyQueueCapacity;
        rLocalIp = new int[replyCap];
        rRemoteIp = new int[replyCap];
        rPorts = new int[replyCap];
        rSeq = new int[replyCap];
        rAck = new int[replyCap];
        rFlags = new int[replyCap];
        rWindow = new int[replyCap];
        rMss = new int[replyCap];
        rWs = new int[replyCap];
        rTsVal = new int[replyCap];
        rTsEcr = new int[replyCap];
        rOpt = new byte[replyCap];
    }

    // ============================================================================================ configuration

    /**
     * Declare a local address and its prefix; broadcast checks (behaviour 55) use it. With none, any is local.
     *
     * @param ip           the IPv4 address, host-order int.
     * @param prefixLength its network's prefix length, 1..32.
     */
    public void addLocalAddress(final int ip, final int prefixLength)
    {
        localIps.add(ip);
        final int mask = prefixLength <= 0 ? 0 : -1 << (32 - Math.min(prefixLength, 32));
        for (int i = 0; i < subnetCount; i++)
        {
            if (subnetPrefix[i] == prefixLength && (subnetIps[i] & mask) == (ip & mask))
            {
                return; // same subnet as an address already declared
            }
        }
        if (subnetCount == subnetIps.length)
        {
            subnetIps = java.util.Arrays.copyOf(subnetIps, subnetCount * 2);
            subnetPrefix = java.util.Arrays.copyOf(subnetPrefix, subnetCount * 2);
        }
        subnetIps[subnetCount] = ip;
        subnetPrefix[subnetCount] = prefixLength;
        subnetCount++;
    }

    /**
     * Pre-allocate pooled connections so that steady-state open/close allocates nothing.
     *
     * @param count TCBs to create and pool now.
     */
    public void preallocate(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final TcpConnection c = newConnection();
            freeSlotPush(c.slot);
            pooledTcbs++;
        }
    }

    /**
     * The endpoint's counters: drops by reason, TCP events, connections by state. Shard thread, or after it stopped.
     *
     * @return the counters.
     */
    public TcpCounters counters()
    {
        return counters;
    }

    /**
     * The configuration the endpoint was built with.
     *
     * @return the config; do not change it.
     */
    public TcpConfig config()
    {
        return config;
    }

    // ================================================================================================ app API

    /**
     * Listen on {@code port} of {@code localIp} (0 = any local address) with a half-open backlog.
     *
     * @param localIp one of our IPv4 addresses as a host-order int, or 0 for any.
     * @param port    TCP port, 1..65535.
     * @param backlog half-open connections queued at most (at least 1 is used).
     * @return 0, {@link #ERR_BAD_PORT} for a port outside 1..65535, or {@link #ERR_ALREADY_LISTENING}.
     */
    public int listen(final int localIp, final int port, final int backlog)
    {
        if (!validPort(port))
        {
            return (int)ERR_BAD_PORT;
        }
        if (listeners.get(port) != null)
        {
            return (int)ERR_ALREADY_LISTENING;
        }
        final Listener l = new Listener();
        listeners.put(port, l);
        l.localIp = localIp;
        l.port = port;
        l.backlog = Math.max(1, backlog);
        return 0;
    }

    /**
     * Stops accepting on {@code port}; connections it accepted stay. Nothing happens if nothing listens there.
     *
     * @param port the port a listen named.
     */
    public void unlisten(final int port)
    {
        listeners.remove(port);
    }

    /**
     * Active open from an ephemeral local port (RFC 6056 algorithm 3), one that {@link FlowHash} maps to this
     * shard. Returns an id, or a negative ERR_*.
     *
     * @param nowNs      the shard's time, ns.
     * @param localIp    our IPv4 address as a host-order int.
     * @param remoteIp   the peer's IPv4 address, host-order int.
     * @param remotePort the peer's TCP port, 1..65535.
     * @return the connection id (not negative), or {@link #ERR_BAD_ADDRESS}, {@link #ERR_OFF_SUBNET}, {@link
     * #ERR_BAD_PORT}, {@link #ERR_NO_EPHEMERAL_PORT} or {@link #ERR_TOO_MANY_CONNECTIONS}.
     */
    public long connect(final long nowNs, final int localIp, final int remoteIp, final int remotePort)
    {
        final long bad = badRemote(remoteIp, remotePort);
        if (bad != 0)
        {
            return bad;
        }
        final int low = config.ephemeralLow;
        final int num = config.ephemeralHigh - low + 1;
        final int offset = ephemeralOffset(localIp, remoteIp, remotePort);
        for (int i = 0; i < num; i++)
        {
            final int port = low + (int)(((offset + ephemeralCounter + i) & 0xffffffffL) % num);
            // a tuple in TIME-WAIT (or any state) is skipped (behaviour 42)
            if (table.get(localIp, port, remoteIp, remotePort) == null &&
                timeWait.find(localIp, port, remoteIp, remotePort) < 0 && listeners.get(port) == null &&
                FlowHash.shardOf(localIp, port, remoteIp, remotePort, config.shardCount) == config.shardIndex)
            {
                ephemeralCounter += i + 1;
                return open(nowNs, localIp, port, remoteIp, remotePort);
            }
        }
        return ERR_NO_EPHEMERAL_PORT;
    }

    /**
     * Active open from a given local port; fails with ERR_ADDRESS_IN_USE while the tuple exists (TIME-WAIT).
     *
     * @param nowNs      the shard's time, ns.
     * @param localIp    our IPv4 address as a host-order int.
     * @param localPort  our TCP port, 1..65535.
     * @param remoteIp   the peer's IPv4 address, host-order int.
     * @param remotePort the peer's TCP port, 1..65535.
     * @return the connection id (not negative), or {@link #ERR_BAD_ADDRESS}, {@link #ERR_OFF_SUBNET}, {@link
     * #ERR_BAD_PORT}, {@link #ERR_ADDRESS_IN_USE} or {@link #ERR_TOO_MANY_CONNECTIONS}.
     */
    public long connect(final long nowNs, final int localIp, final int localPort, final int remoteIp,
        final int remotePort)
    {
        final long bad = badRemote(remoteIp, remotePort);
        if (bad != 0)
        {
            return bad;
        }
        if (!validPort(localPort))
        {
            return ERR_BAD_PORT;
        }
        if (table.get(localIp, localPort, remoteIp, remotePort) != null ||
            timeWait.find(localIp, localPort, remoteIp, remotePort) >= 0)
        {
            return ERR_ADDRESS_IN_USE;
        }
        return open(nowNs, localIp, localPort, remoteIp, remotePort);
    }

    private long open(final long nowNs, final int localIp, final int localPort, final int remoteIp,
        final int remotePort)
    {
        noteInput(nowNs);
        if (connectionCount() >= config.maxConnections)
        {
            counters.increment(DROP_CONNECTION_TABLE_FULL);
            return ERR_TOO_MANY_CONNECTIONS;
        }
        final TcpConnection c = allocate();
        c.initTuple(localIp, localPort, remoteIp, remotePort);
        table.put(c);
        final long h = tupleHash(c);
        c.openActive(nowNs, isnOf(nowNs, h), timestampOffsetOf(h));
        markDirty(c);
        return c.id();
    }

    /**
     * Queue bytes for sending. Returns bytes accepted (possibly fewer than {@code length}), or
     * {@link #ERR_INVALID_ID}, or {@link #ERR_OUTPUT_SHUTDOWN} after shutdown or close (behaviour 39 in
     * docs/TCP-BEHAVIOUR.md).
     *
     * @param id     the connection id.
     * @param src    the bytes, copied into the send buffer.
     * @param offset of the first byte in {@code src}.
     * @param length bytes offered.
     * @return bytes accepted (0..length), or a negative ERR_* as above.
     */
    public int write(final long id, final DirectBuffer src, final int offset, final int length)
    {
        final TcpConnection c = visible(id);
        return c == null ? (int)ERR_INVALID_ID : c.write(src, offset, length);
    }

    /**
     * Send FIN after queued data; keep receiving (half-close, behaviour 39). Returns 0 or {@link #ERR_INVALID_ID}.
     *
     * @param id the connection id.
     * @return 0 or {@link #ERR_INVALID_ID}.
     */
    public int shutdownOutput(final long id)
    {
        final TcpConnection c = visible(id);
        if (c == null)
        {
            return (int)ERR_INVALID_ID;
        }
        c.shutdownOutput();
        return 0;
    }

    /**
     * Discard further received bytes (still acknowledged); keep sending (behaviour 39). 0 or ERR_INVALID_ID.
     *
     * @param id the connection id.
     * @return 0 or {@link #ERR_INVALID_ID}.
     */
    public int shutdownInput(final long id)
    {
        final TcpConnection c = visible(id);
        if (c == null)
        {
            return (int)ERR_INVALID_ID;
        }
        c.shutdownInput();
        return 0;
    }

    /**
     * Orderly close: FIN after queued data (behaviours 34, 35). In SYN-SENT nothing is sent (behaviour 10). With
     * unread received bytes the connection is <b>reset</b> instead (RFC 2525 §2.17, behaviour 40), as Linux does
     * for a socket closed with unread input: to close without losing them, use {@link #closeWhenRead(long)}.
     * 0 or ERR_INVALID_ID.
     *
     * @param id the connection id.
     * @return 0 or {@link #ERR_INVALID_ID}.
     */
    public int close(final long id)
    {
        final TcpConnection c = visible(id);
        if (c == null)
        {
            return (int)ERR_INVALID_ID;
        }
        c.close();
        afterUserCall(c);
        return 0;
    }

    /**
     * Orderly close that never loses received bytes: FIN after queued data once the application has consumed
     * every received byte. With nothing unread it is {@link #close(long)}; otherwise the close waits, and happens
     * in the {@link #resumeReading(long)} call whose {@link TcpHandler#onData} consumes the last unread byte. Meant
     * for {@link TcpHandler#onPeerClosed}: an echo that left bytes unread because its send buffer was full calls it
     * there, keeps echoing from {@code onWritable} (resumeReading), and its FIN follows the last echoed byte. If
     * the application never consumes the bytes, the connection stays open (abort it).
     *
     * @param id the connection id.
     * @return 0 or {@link #ERR_INVALID_ID}.
     */
    public int closeWhenRead(final long id)
    {
        final TcpConnection c = visible(id);
        if (c == null)
        {
            return (int)ERR_INVALID_ID;
        }
        c.closeWhenRead();
        afterUserCall(c);
        return 0;
    }

    /** Abortive close (SO_LINGER 0): RST {@code <SEQ=SND.NXT>}, queues flushed, no TIME-WAIT (behaviour 46). 0 or
     * ERR_INVALID_ID.
     *
     * @param id the connection id.
     * @return 0 or {@link #ERR_INVALID_ID}.
     */
    public int abort(final long id)
    {
        final TcpConnection c = visible(id);
        if (c == null)
        {
            return (int)ERR_INVALID_ID;
        }
        c.abort();
        return 0;
    }

    /**
     * Shutdown by abort: every live connection, half-open ones included, is reset (an RST goes out at the next
     * dispatch for synchronized ones). TIME-WAIT connections are left to their timers.
     *
     * @return connections reset.
     */
    public int abortAll()
    {
        int n = 0;
        for (int k = live.size() - 1; k >= 0; k--)
        {
            if (k >= live.size())
            {
                continue; // an abort released more than the connection it was on
            }
            final int i = live.get(k);
            final TcpConnection c = connections[i];
            if (released[i] || c.state == TcpState.CLOSED || c.state == TcpState.TIME_WAIT)
            {
                continue;
            }
            if (c.closeAfterRead())
            {
                c.finishAfterRead();
                continue;
            }
            c.abortWithRst();
            n++;
        }
        return n;
    }

    /**
     * Shutdown by orderly close: every connection the application holds gets {@link #close(long)} (a FIN after
     * its queued data); half-open ones the application never saw are reset.
     *
     * @return connections closed or reset.
     */
    public int closeAll()
    {
        int n = 0;
        for (int k = live.size() - 1; k >= 0; k--)
        {
            if (k >= live.size())
            {
                continue; // a close released more than the connection it was on
            }
            final int i = live.get(k);
            final TcpConnection c = connections[i];
            if (released[i] || c.state == TcpState.CLOSED || c.state == TcpState.TIME_WAIT || c.appClosed())
            {
                continue;
            }
            if (c.appVisible())
            {
                close(c.id());
            }
            else
            {
                c.abortWithRst();
            }
            n++;
        }
        return n;
    }

    /**
     * Connections not yet CLOSED nor in TIME-WAIT: what a graceful shutdown waits for.
     *
     * @return the number of connections.
     */
    public int liveConnectionCount()
    {
        // TIME-WAIT TCBs (kept while the app reads what is left) are in the table; compact records are not
        return table.size() - ((int)counters.connections(TcpState.TIME_WAIT) - timeWait.size());
    }

    /**
     * Offer again the bytes the application left unconsumed, and reopen the window.
     *
     * @param id the connection id; nothing happens for an unknown one.
     */
    public void resumeReading(final long id)
    {
        final TcpConnection c = visible(id);
        if (c != null)
        {
            final boolean closing = c.closeWhenReadPending();
            c.resumeReading();
            if (closing && !c.closeWhenReadPending())
            {
                afterUserCall(c); // the close may have armed a timer
            }
            else if (!released[c.slot])
            {
                c.releaseIdleTransfer(); // reading may have emptied the receive ring, the last of its transfer state
            }
        }
    }

    /**
     * Turns the Nagle algorithm off ({@code true}) or on for one connection; default {@link TcpConfig#noDelay}.
     *
     * @param id      the connection id; nothing happens for an unknown one.
     * @param noDelay true to send small segments at once.
     */
    public void setNoDelay(final long id, final boolean noDelay)
    {
        final TcpConnection c = visible(id);
        if (c != null)
        {
            c.noDelay(noDelay);
        }
    }

    /**
     * Turns keepalive probes on or off for one connection; default {@link TcpConfig#keepAlive}.
     *
     * @param id        the connection id; nothing happens for an unknown one.
     * @param keepAlive true to probe an idle peer ({@link TcpConfig#keepAliveIdleNs}).
     */
    public void setKeepAlive(final long id, final boolean keepAlive)
    {
        final TcpConnection c = visible(id);
        if (c != null)
        {
            c.keepAlive(keepAlive);
            afterUserCall(c);
        }
    }

    /** A user call may have armed a timer: put it on the wheel. */
    private void afterUserCall(final TcpConnection c)
    {
        if (!released[c.slot])
        {
            updateTimer(c);
        }
    }

    // ================================================================================= per-connection queries

    /**
     * Received bytes the application has not consumed yet (they wait for {@link #resumeReading}), or
     * {@link #ERR_INVALID_ID}.
     *
     * @param id the connection id.
     * @return bytes, or {@link #ERR_INVALID_ID}.
     */
    public int unreadBytes(final long id)
    {
        final TcpConnection c = connection(id);
        return c == null ? (int)ERR_INVALID_ID : c.unreadBytes();
    }

    /**
     * What a {@link #write} would accept now (free send-buffer bytes), or {@link #ERR_INVALID_ID}.
     *
     * @param id the connection id.
     * @return bytes, or {@link #ERR_INVALID_ID}.
     */
    public int sendRoom(final long id)
    {
        final TcpConnection c = connection(id);
        return c == null ? (int)ERR_INVALID_ID :
            c.state == TcpState.CLOSED || c.state == TcpState.TIME_WAIT ? 0 : c.sendRoom();
    }

    /**
     * Bytes written and not yet acknowledged by the peer, or {@link #ERR_INVALID_ID}.
     *
     * @param id the connection id.
     * @return bytes, or {@link #ERR_INVALID_ID}.
     */
    public int sendQueued(final long id)
    {
        final TcpConnection c = connection(id);
        return c == null ? (int)ERR_INVALID_ID : c.sendQueued();
    }

    /**
     * Our IPv4 address of the connection (host order), or 0 for an unknown id.
     *
     * @param id the connection id.
     * @return the address, host-order int, or 0.
     */
    public int localIp(final long id)
    {
        final TcpConnection c = connection(id);
        return c == null ? 0 : c.localIp;
    }

    /**
     * Our port of the connection, or {@link #ERR_INVALID_ID}.
     *
     * @param id the connection id.
     * @return the port, or {@link #ERR_INVALID_ID}.
     */
    public int localPort(final long id)
    {
        final TcpConnection c = connection(id);
        return c == null ? (int)ERR_INVALID_ID : c.localPort;
    }

    /**
     * The peer's IPv4 address (host order), or 0 for an unknown id.
     *
     * @param id the connection id.
     * @return the address, host-order int, or 0.
     */
    public int remoteIp(final long id)
    {
        final TcpConnection c = connection(id);
        return c == null ? 0 : c.remoteIp;
    }

    /**
     * The peer's port, or {@link #ERR_INVALID_ID}.
     *
     * @param id the connection id.
     * @return the port, or {@link #ERR_INVALID_ID}.
     */
    public int remotePort(final long id)
    {
        final TcpConnection c = connection(id);
        return c == null ? (int)ERR_INVALID_ID : c.remotePort;
    }

    // ============================================================================================== inspection

    /**
     * Connections in any state including TIME-WAIT (compact records too): what the connection budget counts.
     *
     * @return the number of connections.
     */
    public int connectionCount()
    {
        return table.size() + timeWait.size();
    }

    /**
     * Bytes the TIME-WAIT records' arrays take now (capacity, not just the records held).
     *
     * @return bytes.
     */
    public long timeWaitFootprintBytes()
    {
        return timeWait.footprintBytes();
    }

    /**
     * TIME-WAIT tuples held as compact records.
     *
     * @return the number of records.
     */
    public int timeWaitRecords()
    {
        return timeWait.size();
    }

    /**
     * Half-open (SYN-RECEIVED) connections of every listener now, what {@link TcpConfig#halfOpenBound} limits.
     *
     * @return the number of connections.
     */
    public int halfOpenCount()
    {
        return halfOpenTotal;
    }

    /** The connection for an id, or null once it is released. */
    TcpConnection connection(final long id)
    {
        final int slot = (int)id;
        if (id < 0 || slot >= connectionSlots)
        {
            return null;
        }
        final TcpConnection c = connections[slot];
        return c != null && c.id() == id && !released[slot] ? c : null;
    }

    TcpConnection find(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        return table.get(localIp, localPort, remoteIp, remotePort);
    }

    /**
     * State of a connection id: CLOSED once it is gone.
     *
     * @param id the connection id.
     * @return the state, {@link TcpState#CLOSED} for an unknown id.
     */
    public TcpState state(final long id)
    {
        final TcpConnection c = connection(id);
        return c == null ? TcpState.CLOSED : c.state;
    }

    /**
     * State of a 4-tuple: its connection's, else LISTEN when a listener would take it, else CLOSED.
     *
     * @param localIp    our IPv4 address, host-order int.
     * @param localPort  our TCP port.
     * @param remoteIp   the peer's IPv4 address, host-order int.
     * @param remotePort the peer's TCP port.
     * @return the state.
     */
    public TcpState state(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        final TcpConnection c = table.get(localIp, localPort, remoteIp, remotePort);
        if (c != null)
        {
            return c.state;
        }
        if (timeWait.find(localIp, localPort, remoteIp, remotePort) >= 0)
        {
            return TcpState.TIME_WAIT;
        }
        return listener(localIp, localPort) != null ? TcpState.LISTEN : TcpState.CLOSED;
    }

    /**
     * True if a {@link #dispatch} would emit something: connections with segments to send, or queued stateless replies.
     *
     * @return false when there is nothing to send.
     */
    public boolean hasPendingOutput()
    {
        return dirtyCount > 0 || replyCount > 0;
    }

    /**
     * Earliest timer deadline of any connection (a scan: for simulations and tests, not the hot path).
     *
     * @return the deadline in the {@code nowNs} scale, {@link Long#MAX_VALUE} if no timer is armed.
     */
    public long nextDeadlineNs()
    {
        long d = Math.min(Long.MAX_VALUE, timeWait.nextDeadlineNs());
        for (int i = 0; i < connectionSlots; i++)
        {
            final TcpConnection c = connections[i];
            if (!released[i])
            {
                final long n = c.nextDeadlineNs();
                if (n < d)
                {
                    d = n;
                }
            }
        }
        return d;
    }

    // ============================================================================================ entry points

    /**
     * One received segment, already parsed and checksummed by the wire layer (RFC 9293 §3.10.7).
     *
     * @param nowNs the shard's time, ns.
     * @param seg   the segment; read during the call only (its payload is copied if kept).
     */
    public void onSegment(final long nowNs, final TcpSegment seg)
    {
        noteInput(nowNs);
        final int flags = seg.flags;
        if (seg.localPort == 0 || seg.remotePort == 0)
        {
            // port 0 is never valid (behaviour 62)
            counters.increment(DROP_PORT_ZERO);
            return;
        }
        if (isNonUnicast(seg.remoteIp) || isNonUnicast(seg.localIp) || seg.remoteIp == 0)
        {
            // RFC 1122 §4.2.3.10: to or from broadcast/multicast, silently dropped (behaviour 55)
            counters.increment(DROP_NON_UNICAST);
            return;
        }
        if (subnetCount > 0 && !localIps.contains(seg.localIp))
        {
            counters.increment(DROP_NOT_LOCAL_ADDRESS);
            return;
        }
        if ((flags & (SYN | FIN)) == (SYN | FIN))
        {
            // policy: SYN+FIN is dropped (behaviour 62)
            counters.increment(DROP_SYN_FIN);
            return;
        }
        TcpConnection c = table.get(seg.localIp, seg.localPort, seg.remoteIp, seg.remotePort);
        if (c != null && c.state == TcpState.TIME_WAIT && (flags & (SYN | ACK | RST)) == SYN)
        {
            // RFC 6191: a new SYN reopens a TIME-WAIT tuple only when its timestamp is newer, or without
            // timestamps its ISN is above RCV.NXT (behaviour 43); otherwise → ACK
            final boolean tsNewer = c.tsOk() && seg.options.timestampPresent && gt(seg.options.tsVal, c.tsRecent);
            final boolean seqAbove = !(c.tsOk() && seg.options.timestampPresent) && gt(seg.seq, c.rcvNxt);
            final Listener l = listener(seg.localIp, seg.localPort);
            if ((tsNewer || seqAbove) && l != null)
            {
                final int oldSndNxt = c.sndNxt;
                c.retire(TcpConnection.RETIRE_ORDERLY);
                listenerSyn(nowNs, seg, l, oldSndNxt + 65536, true);
                return;
            }
            c.sendAck();
            return;
        }
        if (c != null)
        {
            c.process(nowNs, seg);
            if (!released[c.slot])
            {
                updateTimer(c);
            }
            return;
        }
        if (timeWait.size() > 0)
        {
            final int tw = timeWait.find(seg.localIp, seg.localPort, seg.remoteIp, seg.remotePort);
            if (tw >= 0)
            {
                timeWaitSegment(nowNs, seg, tw);
                return;
            }
        }
        final Listener l = listener(seg.localIp, seg.localPort);
        if (l != null)
        {
            listenerSegment(nowNs, seg, l);
        }
        else
        {
            closedPort(seg);
        }
    }

    /**
     * Expire timers up to {@code nowNs}. Returns how many fired. Timers armed by segments or calls since the last
     * {@link #dispatch} count from the time they were armed, whether this poll comes before that dispatch or after.
     *
     * @param nowNs the shard's time, ns.
     * @return the number of timers fired.
     */
    public int poll(final long nowNs)
    {
        if (dirtyCount > 0 && nowNs != firstInputNs)
        {
            settleDirtyTimers();
        }
        int fired = 0;
        if (timeWait.nextDeadlineNs() <= nowNs)
        {
            final int expired = timeWait.expire(nowNs);
            for (int i = 0; i < expired; i++)
            {
                counters.onStateChange(TcpState.TIME_WAIT, TcpState.CLOSED);
            }
            fired += expired;
        }
        fired += wheel.poll(nowNs, timerHandler);
        if (nowNs - nextTrimNs >= 0)
        {
            nextTrimNs = nowNs + TRIM_INTERVAL_NS;
            trimIdle();
        }
        return fired;
    }

    /**
     * Emit everything pending; returns the number of segments emitted.
     *
     * @param nowNs the shard's time, ns.
     * @param out   receives each segment, valid only during its call.
     * @return the number of segments.
     */
    public int dispatch(final long nowNs, final SegmentEmitter out)
    {
        firstInputNs = Long.MIN_VALUE;
        int emitted = 0;
        wakeBufferWaiters();
        final CountingEmitter counting = countingEmitter;
        counting.delegate = out;
        counting.count = 0;
        for (int i = 0; i < dirtyCount; i++)
        {
            final int slot = dirtySlots[i];
            final TcpConnection c = connections[slot];
            dirty[slot] = false;
            if (released[slot])
            {
                continue;
            }
            c.dispatch(nowNs, counting);
            if (c.state == TcpState.CLOSED && !c.closeAfterRead())
            {
                release(c);
            }
            else if (c.state == TcpState.TIME_WAIT && !c.closeAfterRead())
            {
                // the last ACK is out: a compact record takes over the tuple and the TCB goes back to the pool
                timeWait.add(c, nowNs);
                table.remove(c);
                c.handOverTimeWait();
                counters.onStateChange(TcpState.CLOSED, TcpState.TIME_WAIT);
                release(c);
            }
            else
            {
                updateTimer(c);
            }
        }
        dirtyCount = 0;
        emitted += counting.count;
        counting.delegate = null;
        emitted += flushReplies(out);
        return emitted;
    }

    private static final class CountingEmitter implements SegmentEmitter
    {
        SegmentEmitter delegate;
        int count;

        public void emit(final TcpSegment segment)
        {
            count++;
            delegate.emit(segment);
        }
    }

    private final CountingEmitter countingEmitter = new CountingEmitter();

    private final SlotTimerWheel.Handler timerHandler = this::onTimerExpiry;

    private void onTimerExpiry(final int s, final long now)
    {
        final TcpConnection c = connections[s];
        if (released[s])
        {
            return;
        }
        if (c.nextDeadlineNs() <= now)
        {
            c.onTimer(now);
        }
        if (!released[s] && c.state != TcpState.CLOSED)
        {
            updateTimer(c);
        }
    }

    // ============================================================================================== listeners

    private Listener listener(final int localIp, final int port)
    {
        final Listener l = listeners.get(port);
        return l != null && (l.localIp == 0 || l.localIp == localIp) ? l : null;
    }

    /** RFC 9293 §3.10.7.2, LISTEN. */
    private void listenerSegment(final long nowNs, final TcpSegment seg, final Listener l)
    {
        final int flags = seg.flags;
        if ((flags & RST) != 0)
        {
            // first: an RST is ignored (behaviour 45)
            counters.increment(DROP_LISTEN_RST);
            return;
        }
        if ((flags & ACK) != 0)
        {
            // a valid SYN cookie completes a handshake (RFC 4987, behaviour 54)
            if ((flags & SYN) == 0 && config.synCookiesEnabled && cookieAccepted(nowNs, seg, l))
            {
                return;
            }
            // second: any ACK (a SYN-ACK too, policy) → RST <SEQ=SEG.ACK> (behaviour 45)
            replyRst(seg, seg.ack, 0, 0);
            return;
        }
        if ((flags & SYN) == 0)
        {
            counters.increment(DROP_LISTEN_NO_SYN);
            return;
        }
        listenerSyn(nowNs, seg, l, 0, false);
    }

    private void listenerSyn(final long nowNs, final TcpSegment seg, final Listener l, final int minIss,
        final boolean enforceMinIss)
    {
        // a used-up buffer budget refuses new SYNs (counted; the peer retries its SYN in a second): existing
        // connections keep the chunks coming back, a new one would only compete for them
        if (pool.available() == 0)
        {
            counters.increment(SYN_OVER_BUDGET);
            return;
        }
        // third: SYN → SYN-ACK ⇒ SYN-RECEIVED (behaviour 1), or a SYN cookie past the bound (behaviour 54); past the
        // connection budget too (its ACK is refused while the budget stays used up), counted
        final boolean overBudget = connectionCount() >= config.maxConnections;
        if (halfOpenTotal >= config.halfOpenBound || l.halfOpen >= l.backlog || overBudget)
        {
            if (overBudget)
            {
                counters.increment(SYN_OVER_BUDGET);
            }
            if (config.synCookiesEnabled)
            {
                sendCookieSynAck(nowNs, seg);
            }
            else
            {
                counters.increment(DROP_BACKLOG_FULL);
            }
            return;
        }
        final TcpConnection c = allocate();
        c.initTuple(seg.localIp, seg.localPort, seg.remoteIp, seg.remotePort);
        final long h = tupleHash(c);
        int iss = isnOf(nowNs, h);
        if (enforceMinIss && leq(iss, minIss))
        {
            iss = minIss;
        }
        table.put(c);
        c.openPassive(nowNs, seg, iss, timestampOffsetOf(h), l.port);
        halfOpenCounted[c.slot] = true;
        halfOpenTotal++;
        l.halfOpen++;
        markDirty(c);
        updateTimer(c);
    }

    /** RFC 9293 §3.10.7.1: no connection and no listener (behaviours 44, 47). */
    private void closedPort(final TcpSegment seg)
    {
        final int flags = seg.flags;
        if ((flags & RST) != 0)
        {
            // an RST → nothing
            counters.increment(DROP_RST_NO_CONNECTION);
            return;
        }
        if ((flags & ACK) != 0)
        {
            // ACK → RST <SEQ=SEG.ACK>
            replyRst(seg, seg.ack, 0, 0);
        }
        else
        {
            // no ACK → RST+ACK <SEQ=0, ACK=SEG.SEQ+SEG.LEN>
            replyRst(seg, 0, seg.seq + seg.segLen(), ACK);
        }
    }

    // ================================================================================================ cookies

    private static int cookieMssIndex(final int mss)
    {
        int idx = 0;
        for (int i = COOKIE_MSS.length - 1; i >= 0; i--)
        {
            if (COOKIE_MSS[i] <= mss)
            {
                idx = i;
                break;
            }
        }
        return idx;
    }

    private int cookieMac(final TcpSegment seg, final int clientIsn, final long counter, final int mssIdx)
    {
        final long h = SipHash.hash24(cookieK0, cookieK1,
            ConnectionTable.ipKey(seg.localIp, seg.remoteIp),
            ((long)ConnectionTable.portKey(seg.localPort, seg.remotePort) << 32) | (clientIsn & 0xffffffffL),
            (counter << 3) | mssIdx);
        return (int)h & 0x00ff_ffff;
    }

    /** SYN cookie (RFC 4987 §3.6): 5 bits of a 64 s counter, 3 bits MSS index, 24 bits MAC. */
    int cookieIsn(final long nowNs, final TcpSegment syn)
    {
        final long counter = nowNs >>> 36;
        final int mss = syn.options.mssPresent ? syn.options.mss : 536;
        final int mssIdx = cookieMssIndex(Math.min(mss, config.mss()));
        return (int)((counter & 0x1f) << 27) | (mssIdx << 24) | cookieMac(syn, syn.seq, counter, mssIdx);
    }

    private void sendCookieSynAck(final long nowNs, final TcpSegment syn)
    {
        final int i = reserveReply(syn);
        if (i < 0)
        {
            return;
        }
        counters.increment(SYN_COOKIES_SENT);
        final TcpOptions o = syn.options;
        rSeq[i] = cookieIsn(nowNs, syn);
        rAck[i] = syn.seq + 1;
        rFlags[i] = SYN | ACK;
        rWindow[i] = Math.min(65535, recvUsable);
        rMss[i] = config.mss();
        rWs[i] = -1;
        rOpt[i] = 0;
        // WS and SACK survive only when timestamps carry them back (low 5 bits of TSval)
        if (o.timestampPresent && config.timestampsEnabled)
        {
            final boolean ws = o.windowScalePresent && config.windowScaleEnabled;
            final boolean sack = o.sackPermitted && config.sackEnabled;
            final int bits = (ws ? Math.min(14, o.windowScale) : 0xf) | (sack ? 0x10 : 0);
            final int nowMs = (int)(nowNs / 1_000_000L);
            int ts = (nowMs & ~0x1f) | bits;
            if (gt(ts, nowMs))
            {
                ts -= 0x20;
            }
            rOpt[i] = (byte)(OPT_TS | (sack ? OPT_SACK : 0));
            rWs[i] = ws ? Math.min(14, Math.max(0, config.windowScale)) : -1;
            rTsVal[i] = ts;
            rTsEcr[i] = o.tsVal;
        }
    }

    private boolean cookieAccepted(final long nowNs, final TcpSegment seg, final Listener l)
    {
        final int cookie = seg.ack - 1;
        final int clientIsn = seg.seq - 1;
        final long now = nowNs >>> 36;
        final int mssIdx = (cookie >>> 24) & 7;
        boolean ok = false;
        for (int age = 0; age <= 1 && !ok; age++)
        {
            final long counter = now - age;
            if (counter >= 0 && ((cookie >>> 27) & 0x1f) == (int)(counter & 0x1f) &&
                (cookie & 0x00ff_ffff) == cookieMac(seg, clientIsn, counter, mssIdx))
            {
                ok = true;
            }
        }
        if (!ok)
        {
            // forged or expired (behaviour 54)
            counters.increment(DROP_COOKIE_INVALID);
            return false;
        }
        boolean ws = false;
        int peerShift = 0;
        boolean sack = false;
        if (seg.options.timestampPresent && config.timestampsEnabled)
        {
            final int bits = seg.options.tsEcr & 0x1f;
            ws = (bits & 0xf) != 0xf;
            peerShift = bits & 0xf;
            sack = (bits & 0x10) != 0;
        }
        if (connectionCount() >= config.maxConnections)
        {
            counters.increment(DROP_CONNECTION_TABLE_FULL);
            return true;
        }
        counters.increment(SYN_COOKIES_ACCEPTED);
        final TcpConnection c = allocate();
        c.initTuple(seg.localIp, seg.localPort, seg.remoteIp, seg.remotePort);
        table.put(c);
        c.openFromCookie(nowNs, seg, COOKIE_MSS[mssIdx], ws, peerShift, sack, l.port);
        if (c.state != TcpState.CLOSED && (seg.payloadLength > 0 || (seg.flags & FIN) != 0))
        {
            c.process(nowNs, seg);
        }
        if (!released[c.slot])
        {
            updateTimer(c);
        }
        return true;
    }

    // ============================================================================================== TIME-WAIT

    /**
     * A segment for a compact TIME-WAIT record: RFC 9293 §3.10.7.4 in TIME-WAIT, RFC 6191 for a new SYN, RFC 1337
     * for RSTs, RFC 7323 PAWS; the same policy as a TCB in TIME-WAIT (behaviours 41 to 43).
     */
    private void timeWaitSegment(final long nowNs, final TcpSegment seg, final int tw)
    {
        final int flags = seg.flags;
        final TimeWaitTable t = timeWait;
        final boolean tsOk = t.timestamps(tw);
        final TcpOptions o = seg.options;
        if ((flags & (SYN | ACK | RST)) == SYN)
        {
            // RFC 6191: a new SYN reopens the tuple only when its timestamp is newer, or without timestamps its
            // ISN is above RCV.NXT (behaviour 43); otherwise → ACK
            final boolean tsNewer = tsOk && o.timestampPresent && gt(o.tsVal, t.tsRecent(tw));
            final boolean seqAbove = !(tsOk && o.timestampPresent) && gt(seg.seq, t.rcvNxt(tw));
            final Listener l = listener(seg.localIp, seg.localPort);
            if ((tsNewer || seqAbove) && l != null)
            {
                final int oldSndNxt = t.sndNxt(tw);
                t.removeAt(tw);
                counters.onStateChange(TcpState.TIME_WAIT, TcpState.CLOSED);
                listenerSyn(nowNs, seg, l, oldSndNxt + 65536, true);
                return;
            }
            timeWaitAck(nowNs, seg, tw);
            return;
        }
        if ((flags & (SYN | RST)) == SYN)
        {
            // RFC 5961 §4: any other SYN → challenge ACK (behaviour 47, 50)
            counters.increment(DROP_SYN_IN_WINDOW);
            if (takeChallengeAckToken(nowNs))
            {
                counters.increment(CHALLENGE_ACKS);
                timeWaitAck(nowNs, seg, tw);
            }
            else
            {
                counters.increment(DROP_CHALLENGE_ACK_RATE_LIMITED);
            }
            return;
        }
        if (tsOk && !o.timestampPresent && (flags & RST) == 0)
        {
            counters.increment(DROP_MISSING_TIMESTAMP);
            return;
        }
        if (tsOk && (flags & RST) == 0 && SeqNum.lt(o.tsVal, t.tsRecent(tw)) &&
            t.tsRecentAgeNs(tw, nowNs) <= TcpConnection.PAWS_IDLE_NS)
        {
            counters.increment(DROP_PAWS);
            timeWaitAck(nowNs, seg, tw);
            return;
        }
        if ((flags & RST) != 0)
        {
            // RFC 1337: TIME-WAIT ignores RSTs (behaviour 41)
            counters.increment(DROP_TIME_WAIT_RST);
            return;
        }
        final int seq = seg.seq;
        final int rcvNxt = t.rcvNxt(tw);
        final boolean fin = (flags & FIN) != 0;
        final int segLen = seg.payloadLength + (fin ? 1 : 0);
        if (!SeqNum.acceptable(seq, segLen, rcvNxt, t.receiveWindow(tw)))
        {
            counters.increment(DROP_OUT_OF_WINDOW);
            if (fin && seq + segLen == rcvNxt)
            {
                // a retransmitted FIN → ACK and restart 2MSL (behaviour 41)
                t.restart(tw, nowNs + 2 * config.mslNs);
            }
            timeWaitAck(nowNs, seg, tw);
            return;
        }
        if ((flags & ACK) == 0)
        {
            counters.increment(DROP_NO_ACK);
            return;
        }
        if (tsOk && SeqNum.leq(seq, rcvNxt) && SeqNum.geq(o.tsVal, t.tsRecent(tw)))
        {
            // RFC 7323 §4.3: TS.Recent follows the segment at Last.ACK.sent
            t.tsRecent(tw, o.tsVal, nowNs);
        }
        if (seg.payloadLength > 0 || fin)
        {
            // the peer already sent FIN: text ignored, a retransmitted FIN acknowledged and 2MSL restarted
            if (fin)
            {
                t.restart(tw, nowNs + 2 * config.mslNs);
            }
            if (seg.payloadLength > 0)
            {
                counters.increment(DROP_DATA_AFTER_FIN);
            }
            timeWaitAck(nowNs, seg, tw);
        }
    }

    /** ACK <SEQ=SND.NXT, ACK=RCV.NXT> from a TIME-WAIT record, through the reply queue. */
    private void timeWaitAck(final long nowNs, final TcpSegment in, final int tw)
    {
        final int i = reserveReply(in);
        if (i < 0)
        {
            return;
        }
        final TimeWaitTable t = timeWait;
        rSeq[i] = t.sndNxt(tw);
        rAck[i] = t.rcvNxt(tw);
        rFlags[i] = ACK;
        rWindow[i] = t.windowField(tw);
        if (t.timestamps(tw))
        {
            rOpt[i] = OPT_TS;
            rTsVal[i] = (int)(nowNs / 1_000_000L) + t.tsOffset(tw);
            rTsEcr[i] = t.tsRecent(tw);
        }
    }

    // =========================================================================================== stateless RSTs

    private int reserveReply(final TcpSegment in)
    {
        if (replyCount == replyCap)
        {
            counters.increment(DROP_REPLY_QUEUE_FULL);
            return -1;
        }
        final int i = replyCount++;
        rLocalIp[i] = in.localIp;
        rRemoteIp[i] = in.remoteIp;
        rPorts[i] = (in.localPort << 16) | in.remotePort;
        rWindow[i] = 0;
        rMss[i] = 0;
        rWs[i] = -1;
        rOpt[i] = 0;
        return i;
    }

    /** Queue an RST in reply to {@code in} (no state involved), sent at the next dispatch. */
    void replyRst(final TcpSegment in, final int seq, final int ack, final int extraFlags)
    {
        final int i = reserveReply(in);
        if (i < 0)
        {
            return;
        }
        rSeq[i] = seq;
        rAck[i] = ack;
        rFlags[i] = RST | extraFlags;
    }

    private int flushReplies(final SegmentEmitter out)
    {
        final TcpSegment s = txSegment;
        final int n = replyCount;
        for (int i = 0; i < n; i++)
        {
            s.reset();
            s.localIp = rLocalIp[i];
            s.remoteIp = rRemoteIp[i];
            s.localPort = rPorts[i] >>> 16;
            s.remotePort = rPorts[i] & 0xffff;
            s.seq = rSeq[i];
            s.ack = rAck[i];
            s.flags = rFlags[i];
            s.window = rWindow[i];
            if (rMss[i] != 0)
            {
                s.options.mssPresent = true;
                s.options.mss = rMss[i];
            }
            if (rWs[i] >= 0)
            {
                s.options.windowScalePresent = true;
                s.options.windowScale = rWs[i];
            }
            if ((rOpt[i] & OPT_SACK) != 0)
            {
                s.options.sackPermitted = true;
            }
            if ((rOpt[i] & OPT_TS) != 0)
            {
                s.options.timestampPresent = true;
                s.options.tsVal = rTsVal[i];
                s.options.tsEcr = rTsEcr[i];
            }
            if ((rFlags[i] & RST) != 0)
            {
                counters.increment(RSTS_SENT);
            }
            out.emit(s);
        }
        replyCount = 0;
        return n;
    }

    // ================================================================================== connection callbacks

    void markDirty(final TcpConnection c)
    {
        final int slot = c.slot;
        if (!dirty[slot])
        {
            dirty[slot] = true;
            if (dirtyCount == dirtySlots.length)
            {
                dirtySlots = java.util.Arrays.copyOf(dirtySlots, grownSlots(dirtyCount));
            }
            dirtySlots[dirtyCount++] = slot;
        }
    }

    /** The handshake completed (the connection has made a passive open the app's already). */
    void connectionEstablished(final TcpConnection c)
    {
        counters.increment(CONNECTIONS_OPENED);
        if (c.passiveOpen())
        {
            dropHalfOpen(c);
            handler.onAccepted(c.listenerPort, c.id());
        }
        else if (c.appVisible())
        {
            handler.onConnected(c.id());
        }
    }

    private void dropHalfOpen(final TcpConnection c)
    {
        final int slot = c.slot;
        if (halfOpenCounted[slot])
        {
            halfOpenCounted[slot] = false;
            halfOpenTotal--;
            final Listener l = listeners.get(c.listenerPort);
            if (l != null && l.halfOpen > 0)
            {
                l.halfOpen--;
            }
        }
    }

    /** The connection went CLOSED: out of the table now; back to the pool at the next dispatch. */
    void connectionRemoved(final TcpConnection c)
    {
        table.remove(c);
        dropHalfOpen(c);
        markDirty(c);
    }

    /** The connection ended for the app: report how ({@link TcpConnection#retire} events), then onClosed. */
    void connectionEnded(final TcpConnection c, final int event)
    {
        if (event == TcpConnection.RETIRE_RESET)
        {
            handler.onReset(c.id());
        }
        else if (event == TcpConnection.RETIRE_TIMEOUT)
        {
            handler.onTimeout(c.id());
        }
        handler.onClosed(c.id());
    }

    void connectionPeerClosed(final TcpConnection c)
    {
        if (c.appVisible())
        {
            handler.onPeerClosed(c.id());
        }
    }

    void connectionWritable(final TcpConnection c)
    {
        if (c.appVisible() && !c.appClosed())
        {
            handler.onWritable(c.id());
        }
    }

    int deliverData(final TcpConnection c, final DirectBuffer buffer, final int offset, final int length)
    {
        if (c.appVisible() && !c.appClosed())
        {
            return handler.onData(c.id(), buffer, offset, length);
        }
        return length;
    }

    boolean takeChallengeAckToken(final long nowNs)
    {
        final long elapsed = nowNs - challengeLastNs;
        if (elapsed > 0)
        {
            final long add = elapsed >= 1_000_000_000L ? challengeCapacity :
                elapsed * config.challengeAckPerSecond;
            challengeTokens = Math.min(challengeCapacity, challengeTokens + add);
            challengeLastNs = nowNs;
        }
        if (challengeTokens >= 1_000_000_000L)
        {
            challengeTokens -= 1_000_000_000L;
            return true;
        }
        return false;
    }

    /**
     * RFC 6528's F(4-tuple, secret): SipHash-2-4 keyed by the host secret (behaviour 53). Its low half offsets the
     * ISN and its high half the connection's timestamp clock, one hash for both (as Linux 4.11-4.13 did): both stay
     * unpredictable across tuples and the same for a reused tuple, so a peer's TIME-WAIT sees both rise.
     */
    private long tupleHash(final TcpConnection c)
    {
        return tupleHash(c.localIp, c.localPort, c.remoteIp, c.remotePort);
    }

    private long tupleHash(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        return SipHash.hash24(isnK0, isnK1, ConnectionTable.ipKey(localIp, remoteIp),
            ConnectionTable.portKey(localPort, remotePort), 0);
    }

    /** RFC 6528: ISN = M + F, M a 4 µs clock. */
    private int isnOf(final long nowNs, final long tupleHash)
    {
        if (config.fixedIsnForTests != -1)
        {
            return (int)config.fixedIsnForTests;
        }
        return (int)(nowNs / 4000L) + (int)tupleHash;
    }

    /** RFC 7323 §5.4's per-connection timestamp offset, or 0 when the config turns random offsets off. */
    private int timestampOffsetOf(final long tupleHash)
    {
        return config.randomTimestampOffset ? (int)(tupleHash >>> 32) : 0;
    }

    /**
     * RFC 6056 algorithm 3's offset into the ephemeral range for a remote end: F(local address, remote address and
     * port, secret), remembered for the last remote end asked about (a load generator connects to one server).
     */
    private int ephemeralOffset(final int localIp, final int remoteIp, final int remotePort)
    {
        if (remotePort != offsetRemotePort || remoteIp != offsetRemoteIp || localIp != offsetLocalIp)
        {
            offsetCached = (int)SipHash.hash24(portK0, portK1, ConnectionTable.ipKey(localIp, remoteIp), remotePort, 0);
            offsetLocalIp = localIp;
            offsetRemoteIp = remoteIp;
            offsetRemotePort = remotePort;
        }
        return offsetCached;
    }

    /**
     * The initial sequence number of a 4-tuple at {@code nowNs} (RFC 6528), or {@link TcpConfig#fixedIsnForTests} when
     * set.
     *
     * @param nowNs      the shard's time, ns.
     * @param localIp    our IPv4 address, host-order int.
     * @param localPort  our TCP port.
     * @param remoteIp   the peer's IPv4 address, host-order int.
     * @param remotePort the peer's TCP port.
     * @return the ISN.
     */
    public int isn(final long nowNs, final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        return isnOf(nowNs, config.fixedIsnForTests != -1 ? 0 : tupleHash(localIp, localPort, remoteIp, remotePort));
    }

    // =================================================================================================== pool

    /** The next size of a per-slot array: 2^k − {@link #SLOT_SLACK} entries, doubling. */
    static int grownSlots(final int current)
    {
        return 2 * (current + SLOT_SLACK) - SLOT_SLACK;
    }

    private TcpConnection newConnection()
    {
        if (connectionSlots == connections.length)
        {
            final int n = grownSlots(connectionSlots);
            connections = java.util.Arrays.copyOf(connections, n);
            generations = java.util.Arrays.copyOf(generations, n);
            released = java.util.Arrays.copyOf(released, n);
            dirty = java.util.Arrays.copyOf(dirty, n);
            halfOpenCounted = java.util.Arrays.copyOf(halfOpenCounted, n);
            wheel.ensureSlots(n);
            rtt.ensureSlots(n);
        }
        final int slot = connectionSlots++;
        final TcpConnection c = new TcpConnection(this, slot);
        connections[slot] = c;
        released[slot] = true;
        return c;
    }

    /** A write of {@code c} was cut short by the buffer budget: wake it when chunks come back. */
    void waitForBuffer(final TcpConnection c)
    {
        if (bufferWaiterCount == bufferWaiters.length)
        {
            final long[] grown = new long[bufferWaiters.length * 2];
            for (int i = 0; i < bufferWaiterCount; i++)
            {
                grown[i] = bufferWaiters[(bufferWaiterHead + i) & (bufferWaiters.length - 1)];
            }
            bufferWaiters = grown;
            bufferWaiterHead = 0;
        }
        bufferWaiters[(bufferWaiterHead + bufferWaiterCount) & (bufferWaiters.length - 1)] = c.id();
        bufferWaiterCount++;
    }

    /** O(woken): while chunks are free, wake the oldest writers the budget stopped. */
    private void wakeBufferWaiters()
    {
        while (bufferWaiterCount > 0 && pool.availableForWrite() > 0)
        {
            final long id = bufferWaiters[bufferWaiterHead];
            bufferWaiterHead = (bufferWaiterHead + 1) & (bufferWaiters.length - 1);
            bufferWaiterCount--;
            final TcpConnection c = connection(id);
            if (c != null)
            {
                c.bufferAvailable();
            }
        }
    }

    /**
     * Buffer chunks lent to connections now.
     *
     * @return the number of chunks.
     */
    public int bufferChunksInUse()
    {
        return pool.inUse();
    }

    /**
     * Buffer chunks created so far (they stay in the pool), at most the budget's.
     *
     * @return the number of chunks.
     */
    public int bufferChunksCreated()
    {
        return pool.created();
    }

    /**
     * Bytes per buffer chunk.
     *
     * @return bytes, {@link TcpConfig#bufferChunkSize}.
     */
    public int bufferChunkSize()
    {
        return pool.chunkSize;
    }

    /**
     * Chunks the buffer budget allows in all.
     *
     * @return the number of chunks.
     */
    public int bufferChunksMax()
    {
        return pool.maxChunks();
    }

    private void freeSlotPush(final int slot)
    {
        if (freeCount == freeSlots.length)
        {
            freeSlots = java.util.Arrays.copyOf(freeSlots, grownSlots(freeCount));
        }
        freeSlots[freeCount++] = slot;
    }

    /**
     * Let pooled TCBs beyond the {@code keep} most recently freed go to the garbage collector (a pool shrinks back
     * after a peak: TIME-WAIT keeps no TCB); their slots stay and get a new TCB when next used. O(free slots).
     *
     * @param keep pooled TCBs kept, at least 0.
     * @return TCBs dropped.
     */
    public int trimPool(final int keep)
    {
        int trimmed = 0;
        final int end = freeCount - Math.max(0, keep);
        for (int i = trimmedBelow; i < end; i++)
        {
            final int slot = freeSlots[i];
            if (connections[slot] != null)
            {
                connections[slot] = null;
                trimmed++;
            }
        }
        if (end > trimmedBelow)
        {
            trimmedBelow = end;
        }
        pooledTcbs -= trimmed;
        return trimmed;
    }

    /**
     * Pooled (free) TCBs kept for reuse.
     *
     * @return the number of TCBs.
     */
    public int pooledConnections()
    {
        return pooledTcbs;
    }

    /** Once a second: what a burst left behind goes back (TCBs, range arrays, rings, table slots). */
    static final long TRIM_INTERVAL_NS = 1_000_000_000L;
    /** Idle objects always kept for reuse, so a steady state allocates nothing. */
    static final int TRIM_KEEP_MIN = 256;

    /**
     * The slow duty of {@link #poll}: connections that went at rest since the last trim give their transfer states
     * back, and as many may be kept over the next second; pools keep what a quiet steady state reuses (an eighth of
     * the live connections, at least {@link #TRIM_KEEP_MIN}) and let the rest of a burst go; the connection table
     * halves while under an eighth full. Each part costs what it drops (the table's rehash is O(its capacity)).
     */
    private void trimIdle()
    {
        reclaimRestingTransfers();
        final int live = table.size();
        final int keep = Math.max(TRIM_KEEP_MIN, live >>> 3);
        transfers.restingLimit(keep);
        if (pooledTcbs > 2 * keep)
        {
            trimPool(keep);
        }
        if (ranges.idle() > 2 * Math.max(TRIM_KEEP_MIN / 4, ranges.inUse()))
        {
            ranges.trim(Math.max(TRIM_KEEP_MIN / 4, ranges.inUse()));
        }
        if (transfers.idle() > 2 * Math.max(TRIM_KEEP_MIN / 4, transfers.inUse()))
        {
            transfers.trim(Math.max(TRIM_KEEP_MIN / 4, transfers.inUse()));
        }
        if (pool.idleRings() > 2 * Math.max(TRIM_KEEP_MIN / 4, pool.ringsOut()))
        {
            pool.trimRings(Math.max(TRIM_KEEP_MIN / 4, pool.ringsOut()));
        }
        table.shrinkIfSparse(1024);
    }

    /**
     * Transfer states of connections that went at rest since the last trim go back to the pool if still at rest (a
     * connection busy again keeps its state, and lists it again when it next goes at rest). O(resting list): the
     * connections that never went at rest, or went back to the pool, are not visited.
     */
    private void reclaimRestingTransfers()
    {
        TransferState s;
        while ((s = transfers.pollResting()) != null)
        {
            s.owner.reclaimRestingTransfer();
        }
    }

    /**
     * Memory the endpoint's bookkeeping holds now, for benchmarks and the budget test: see {@link #memoryReport}.
     *
     * @return one line of {@code name=value} pairs.
     */
    public String memoryReport()
    {
        return "tcbsPooled=" + pooledTcbs + " slots=" + connectionSlots + " table=" + table.capacity() +
            " rangeArrays=" + ranges.inUse() + "+" + ranges.idle() + " rings=" + pool.ringsOut() + "+" +
            pool.idleRings() + " transfers=" + transfers.inUse() + "+" + transfers.idle() + " transfersResting=" +
            transfers.resting() + " chunks=" + pool.inUse() + "/" + pool.created() + " timers=" + wheel.count() +
            " timeWait=" + timeWait.size();
    }

    private TcpConnection allocate()
    {
        TcpConnection c;
        if (freeCount > 0)
        {
            c = connections[freeSlots[--freeCount]];
            if (freeCount < trimmedBelow)
            {
                trimmedBelow = freeCount;
            }
            if (c != null)
            {
                pooledTcbs--;
            }
        }
        else
        {
            c = newConnection();
        }
        if (c == null)
        {
            final int free = freeSlots[freeCount];
            c = new TcpConnection(this, free);
            connections[free] = c;
        }
        final int slot = c.slot;
        generations[slot] = (generations[slot] + 1) & 0x7fffffff;
        released[slot] = false;
        live.add(slot);
        halfOpenCounted[slot] = false;
        wheel.cancel(slot);
        c.reset();
        return c;
    }

    /** The id of the connection in {@code slot}: the slot's generation (bumped at each reuse) and the slot. */
    long idOf(final int slot)
    {
        return ((long)generations[slot] << 32) | slot;
    }

    private void release(final TcpConnection c)
    {
        final int slot = c.slot;
        wheel.cancel(slot);
        released[slot] = true;
        live.remove(slot);
        c.releaseBuffers();
        c.releaseTransfer();
        freeSlotPush(slot);
        pooledTcbs++;
    }

    private TcpConnection visible(final long id)
    {
        final TcpConnection c = connection(id);
        return c != null && c.appVisible() ? c : null;
    }

    /**
     * Puts the connection's earliest deadline on the wheel (and gives back an idle transfer state), unless it is
     * dirty: the next {@link #dispatch} visits it and does this then (it clears the mark first), so a segment that
     * asks for an answer settles the timer once, not twice. Deadlines are always armed in the future, so a
     * {@link #poll} at the same time as the events misses none; one at a later time settles first.
     */
    private void updateTimer(final TcpConnection c)
    {
        if (dirty[c.slot])
        {
            return;
        }
        settleTimer(c);
    }

    /** A segment or connect at {@code nowNs}: the first since the last dispatch sets {@link #firstInputNs}. */
    private void noteInput(final long nowNs)
    {
        if (firstInputNs == Long.MIN_VALUE)
        {
            firstInputNs = nowNs;
        }
    }

    private void settleDirtyTimers()
    {
        for (int i = 0; i < dirtyCount; i++)
        {
            final int slot = dirtySlots[i];
            if (!released[slot])
            {
                settleTimer(connections[slot]);
            }
        }
    }

    private void settleTimer(final TcpConnection c)
    {
        c.releaseIdleTransfer();
        final long d = c.nextDeadlineNs();
        final int slot = c.slot;
        if (d == TcpConnection.NONE)
        {
            // no deadline left (an established idle connection): take its timer off the wheel now rather than let
            // it fire for nothing
            wheel.cancel(slot);
            return;
        }
        if (wheel.deadline(slot) <= d)
        {
            return;
        }
        wheel.schedule(slot, d);
    }

    // ============================================================================================== addresses

    private static boolean validPort(final int port)
    {
        return port >= 1 && port <= 65535;
    }

    /** Why a connect to this remote end is refused at once, or 0 when it is not. */
    private long badRemote(final int remoteIp, final int remotePort)
    {
        if (!validPort(remotePort))
        {
            return ERR_BAD_PORT;
        }
        if (remoteIp == 0 || isNonUnicast(remoteIp))
        {
            return ERR_BAD_ADDRESS;
        }
        if (subnetCount > 0 && !onLocalSubnet(remoteIp))
        {
            // no gateway: an address on none of our subnets is unreachable
            return ERR_OFF_SUBNET;
        }
        return 0;
    }

    private boolean onLocalSubnet(final int ip)
    {
        for (int i = 0; i < subnetCount; i++)
        {
            final int prefix = subnetPrefix[i];
            final int mask = prefix <= 0 ? 0 : -1 << (32 - Math.min(prefix, 32));
            if ((ip & mask) == (subnetIps[i] & mask))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean isMulticastOrLimitedBroadcast(final int ip)
    {
        return (ip >>> 28) == 0xe || ip == -1;
    }

    private boolean isNonUnicast(final int ip)
    {
        if (isMulticastOrLimitedBroadcast(ip))
        {
            return true;
        }
        for (int i = 0; i < subnetCount; i++)
        {
            final int prefix = subnetPrefix[i];
            if (prefix > 0 && prefix < 31)
            {
                final int mask = -1 << (32 - prefix);
                if ((ip & mask) == (subnetIps[i] & mask) && (ip | mask) == -1)
                {
                    return true;
                }
            }
        }
        return false;
    }
}
