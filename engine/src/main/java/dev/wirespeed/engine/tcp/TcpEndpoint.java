package dev.wirespeed.engine.tcp;

import dev.wirespeed.engine.wire.TcpOptions;
import org.agrona.DeadlineTimerWheel;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;

import java.util.concurrent.TimeUnit;

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
 */
public final class TcpEndpoint
{
    public static final long ERR_INVALID_ID = -1;
    public static final long ERR_ADDRESS_IN_USE = -2;
    public static final long ERR_NO_EPHEMERAL_PORT = -3;
    public static final long ERR_OUTPUT_SHUTDOWN = -4;
    public static final long ERR_BAD_ADDRESS = -5;
    public static final long ERR_NOT_CONNECTED = -6;
    public static final long ERR_TOO_MANY_CONNECTIONS = -7;

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
    private final Int2ObjectHashMap<Listener> listeners = new Int2ObjectHashMap<>();
    private final DeadlineTimerWheel wheel;
    private final Long2LongHashMap timerToSlot = new Long2LongHashMap(-1);

    private TcpConnection[] connections = new TcpConnection[64];
    private int connectionSlots;
    private int[] freeSlots = new int[64];
    private int freeCount;
    private TcpConnection.Rings[] freeRings = new TcpConnection.Rings[64];
    private int freeRingCount;
    private int[] dirtySlots = new int[64];
    private int dirtyCount;
    private int halfOpenTotal;

    private final long isnK0;
    private final long isnK1;
    private final long cookieK0;
    private final long cookieK1;
    private final long portK0;
    private final long portK1;
    private final long tsK0;
    private final long tsK1;
    private int ephemeralCounter;
    private final int recvUsable;

    private long challengeTokens;
    private long challengeLastNs;
    private final long challengeCapacity;

    private int[] localIps = new int[4];
    private int[] localPrefix = new int[4];
    private int localCount;

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

    public TcpEndpoint(final TcpConfig config, final TcpHandler handler, final long startNs)
    {
        this.config = config;
        this.handler = handler;
        // ~1.05 ms ticks, 4096 spokes (~4.3 s per turn; later deadlines wrap and are checked by value)
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, startNs, 1L << 20, 4096);
        long r = config.seed;
        r = SipHash.splitMix64(r);
        final long k0 = r;
        r = SipHash.splitMix64(r);
        final long k1 = r;
        if (config.isnKey0 != 0 || config.isnKey1 != 0)
        {
            isnK0 = config.isnKey0;
            isnK1 = config.isnKey1;
        }
        else
        {
            isnK0 = k0;
            isnK1 = k1;
        }
        r = SipHash.splitMix64(r);
        cookieK0 = r;
        r = SipHash.splitMix64(r);
        cookieK1 = r;
        r = SipHash.splitMix64(r);
        portK0 = r;
        r = SipHash.splitMix64(r);
        portK1 = r;
        r = SipHash.splitMix64(r);
        tsK0 = r;
        r = SipHash.splitMix64(r);
        tsK1 = r;
        ephemeralCounter = (int)SipHash.splitMix64(r);
        challengeCapacity = (long)config.challengeAckPerSecond * 1_000_000_000L;
        challengeTokens = challengeCapacity;
        challengeLastNs = startNs;
        final int recvCap = Integer.highestOneBit(Math.max(1024, config.receiveBufferSize) - 1) << 1;
        recvUsable = recvCap - (1 << Math.min(14, Math.max(0, config.windowScale)));
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

    /** Declare a local address and its prefix; broadcast checks (checklist 55) use it. With none, any is local. */
    public void addLocalAddress(final int ip, final int prefixLength)
    {
        if (localCount == localIps.length)
        {
            localIps = java.util.Arrays.copyOf(localIps, localCount * 2);
            localPrefix = java.util.Arrays.copyOf(localPrefix, localCount * 2);
        }
        localIps[localCount] = ip;
        localPrefix[localCount] = prefixLength;
        localCount++;
    }

    /** Pre-allocate pooled connections so that steady-state open/close allocates nothing. */
    public void preallocate(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final TcpConnection c = newConnection();
            freeSlotPush(c.slot);
            pushRings(c.newRings());
        }
    }

    public TcpCounters counters()
    {
        return counters;
    }

    public TcpConfig config()
    {
        return config;
    }

    // ================================================================================================ app API

    /** Listen on {@code port} of {@code localIp} (0 = any local address) with a half-open backlog. */
    public void listen(final int localIp, final int port, final int backlog)
    {
        Listener l = listeners.get(port);
        if (l == null)
        {
            l = new Listener();
            listeners.put(port, l);
        }
        l.localIp = localIp;
        l.port = port;
        l.backlog = Math.max(1, backlog);
    }

    public void unlisten(final int port)
    {
        listeners.remove(port);
    }

    /**
     * Active open from an ephemeral local port (RFC 6056 algorithm 3), one that {@link FlowHash} maps to this
     * shard. Returns an id, or a negative ERR_*.
     */
    public long connect(final long nowNs, final int localIp, final int remoteIp, final int remotePort)
    {
        if (isNonUnicast(remoteIp) || remotePort == 0)
        {
            return ERR_BAD_ADDRESS;
        }
        final int low = config.ephemeralLow;
        final int num = config.ephemeralHigh - low + 1;
        final int offset = (int)SipHash.hash24(portK0, portK1,
            ConnectionTable.ipKey(localIp, remoteIp), remotePort, 0);
        for (int i = 0; i < num; i++)
        {
            final int port = low + (int)(((offset + ephemeralCounter + i) & 0xffffffffL) % num);
            // a tuple in TIME-WAIT (or any state) stays in the table and is skipped (checklist 42)
            if (table.get(localIp, port, remoteIp, remotePort) == null && listeners.get(port) == null &&
                FlowHash.shardOf(localIp, port, remoteIp, remotePort, config.shardCount) == config.shardIndex)
            {
                ephemeralCounter += i + 1;
                return open(nowNs, localIp, port, remoteIp, remotePort);
            }
        }
        return ERR_NO_EPHEMERAL_PORT;
    }

    /** Active open from a given local port; fails with ERR_ADDRESS_IN_USE while the tuple exists (TIME-WAIT). */
    public long connect(final long nowNs, final int localIp, final int localPort, final int remoteIp,
        final int remotePort)
    {
        if (isNonUnicast(remoteIp) || remotePort == 0 || localPort == 0)
        {
            return ERR_BAD_ADDRESS;
        }
        if (table.get(localIp, localPort, remoteIp, remotePort) != null)
        {
            return ERR_ADDRESS_IN_USE;
        }
        return open(nowNs, localIp, localPort, remoteIp, remotePort);
    }

    private long open(final long nowNs, final int localIp, final int localPort, final int remoteIp,
        final int remotePort)
    {
        if (table.size() >= config.maxConnections)
        {
            counters.increment(DROP_CONNECTION_TABLE_FULL);
            return ERR_TOO_MANY_CONNECTIONS;
        }
        final TcpConnection c = allocate();
        c.initTuple(localIp, localPort, remoteIp, remotePort);
        c.appVisible = true;
        table.put(c);
        c.openActive(nowNs, isn(nowNs, c));
        markDirty(c);
        return c.id;
    }

    /** Queue bytes for sending. Returns bytes accepted (possibly fewer than {@code length}) or a negative ERR_*. */
    public int write(final long id, final DirectBuffer src, final int offset, final int length)
    {
        final TcpConnection c = visible(id);
        if (c == null)
        {
            return (int)ERR_INVALID_ID;
        }
        if (c.finQueued || c.appClosed)
        {
            // a write after shutdown fails clearly (checklist 39)
            return (int)ERR_OUTPUT_SHUTDOWN;
        }
        final int n = c.write(src, offset, length);
        if (n > 0)
        {
            markDirty(c);
        }
        return n;
    }

    /** Send FIN after queued data; keep receiving (half-close, checklist 39). */
    public int shutdownOutput(final long id)
    {
        final TcpConnection c = visible(id);
        if (c == null)
        {
            return (int)ERR_INVALID_ID;
        }
        if (c.state == TcpState.SYN_SENT)
        {
            c.finQueued = true;
            return 0;
        }
        c.queueFin();
        markDirty(c);
        return 0;
    }

    /** Discard further received bytes (they are still acknowledged); keep sending (checklist 39). */
    public int shutdownInput(final long id)
    {
        final TcpConnection c = visible(id);
        if (c == null)
        {
            return (int)ERR_INVALID_ID;
        }
        c.inputShutdown = true;
        c.readSeq = c.rcvDataEnd();
        markDirty(c);
        return 0;
    }

    /**
     * Orderly close: FIN after queued data (checklist 34, 35). In SYN-SENT nothing is sent (checklist 10). With
     * unread received bytes the connection is reset instead (RFC 2525 §2.17, checklist 40).
     */
    public int close(final long id)
    {
        final TcpConnection c = visible(id);
        if (c == null)
        {
            return (int)ERR_INVALID_ID;
        }
        if (c.closeAfterRead)
        {
            // the connection is already finished on the wire; the app gives up the bytes it had not read
            finishAfterRead(c);
            return 0;
        }
        if (c.state == TcpState.SYN_SENT)
        {
            retire(c, 0);
            return 0;
        }
        if (c.unreadBytes() > 0)
        {
            c.abortWithRst();
            return 0;
        }
        c.appClosed = true;
        c.queueFin();
        if (c.state == TcpState.FIN_WAIT_2)
        {
            c.timeWaitDeadlineNs = c.lastRecvNs + config.finWait2TimeoutNs;
            updateTimer(c);
        }
        markDirty(c);
        return 0;
    }

    /** Abortive close (SO_LINGER 0): RST {@code <SEQ=SND.NXT>}, queues flushed, no TIME-WAIT (checklist 46). */
    public int abort(final long id)
    {
        final TcpConnection c = visible(id);
        if (c == null)
        {
            return (int)ERR_INVALID_ID;
        }
        if (c.closeAfterRead)
        {
            finishAfterRead(c);
            return 0;
        }
        c.abortWithRst();
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
        for (int i = 0; i < connectionSlots; i++)
        {
            final TcpConnection c = connections[i];
            if (c.released || c.state == TcpState.CLOSED || c.state == TcpState.TIME_WAIT)
            {
                continue;
            }
            if (c.closeAfterRead)
            {
                finishAfterRead(c);
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
        for (int i = 0; i < connectionSlots; i++)
        {
            final TcpConnection c = connections[i];
            if (c.released || c.state == TcpState.CLOSED || c.state == TcpState.TIME_WAIT || c.appClosed)
            {
                continue;
            }
            if (c.appVisible)
            {
                close(c.id);
            }
            else
            {
                c.abortWithRst();
            }
            n++;
        }
        return n;
    }

    /** Connections not yet CLOSED nor in TIME-WAIT: what a graceful shutdown waits for. */
    public int liveConnectionCount()
    {
        return table.size() - (int)counters.connections(TcpState.TIME_WAIT);
    }

    /** Offer again the bytes the application left unconsumed, and reopen the window. */
    public void resumeReading(final long id)
    {
        final TcpConnection c = visible(id);
        if (c == null)
        {
            return;
        }
        final int before = c.unreadBytes();
        c.deliverFromRing();
        if (c.closeAfterRead)
        {
            if (c.unreadBytes() == 0)
            {
                finishAfterRead(c);
            }
            return;
        }
        if (c.state != TcpState.CLOSED && c.unreadBytes() < before)
        {
            // window update
            c.sendAck();
        }
    }

    public void setNoDelay(final long id, final boolean noDelay)
    {
        final TcpConnection c = visible(id);
        if (c != null)
        {
            c.noDelay = noDelay;
            markDirty(c);
        }
    }

    public void setKeepAlive(final long id, final boolean keepAlive)
    {
        final TcpConnection c = visible(id);
        if (c != null)
        {
            c.keepAlive = keepAlive;
            updateTimer(c);
        }
    }

    // ============================================================================================== inspection

    /** Connections in the table, in any state including TIME-WAIT. */
    public int connectionCount()
    {
        return table.size();
    }

    public int halfOpenCount()
    {
        return halfOpenTotal;
    }

    /** The connection for an id, or null once it is released. */
    public TcpConnection connection(final long id)
    {
        final int slot = (int)id;
        if (id < 0 || slot >= connectionSlots)
        {
            return null;
        }
        final TcpConnection c = connections[slot];
        return c.id == id && !c.released ? c : null;
    }

    public TcpConnection find(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        return table.get(localIp, localPort, remoteIp, remotePort);
    }

    /** State of a connection id: CLOSED once it is gone. */
    public TcpState state(final long id)
    {
        final TcpConnection c = connection(id);
        return c == null ? TcpState.CLOSED : c.state;
    }

    /** State of a 4-tuple: its connection's, else LISTEN when a listener would take it, else CLOSED. */
    public TcpState state(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        final TcpConnection c = table.get(localIp, localPort, remoteIp, remotePort);
        if (c != null)
        {
            return c.state;
        }
        return listener(localIp, localPort) != null ? TcpState.LISTEN : TcpState.CLOSED;
    }

    public boolean hasPendingOutput()
    {
        return dirtyCount > 0 || replyCount > 0;
    }

    /** Earliest timer deadline of any connection (a scan: for simulations and tests, not the hot path). */
    public long nextDeadlineNs()
    {
        long d = Long.MAX_VALUE;
        for (int i = 0; i < connectionSlots; i++)
        {
            final TcpConnection c = connections[i];
            if (!c.released)
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

    /** One received segment, already parsed and checksummed by the wire layer (RFC 9293 §3.10.7). */
    public void onSegment(final long nowNs, final TcpSegment seg)
    {
        final int flags = seg.flags;
        if (seg.localPort == 0 || seg.remotePort == 0)
        {
            // port 0 is never valid (checklist 62)
            counters.increment(DROP_PORT_ZERO);
            return;
        }
        if (isNonUnicast(seg.remoteIp) || isNonUnicast(seg.localIp) || seg.remoteIp == 0)
        {
            // RFC 1122 §4.2.3.10: to or from broadcast/multicast, silently dropped (checklist 55)
            counters.increment(DROP_NON_UNICAST);
            return;
        }
        if (localCount > 0 && !isLocal(seg.localIp))
        {
            counters.increment(DROP_NOT_LOCAL_ADDRESS);
            return;
        }
        if ((flags & (SYN | FIN)) == (SYN | FIN))
        {
            // policy: SYN+FIN is dropped (checklist 62)
            counters.increment(DROP_SYN_FIN);
            return;
        }
        TcpConnection c = table.get(seg.localIp, seg.localPort, seg.remoteIp, seg.remotePort);
        if (c != null && c.state == TcpState.TIME_WAIT && (flags & (SYN | ACK | RST)) == SYN)
        {
            // RFC 6191: a new SYN reopens a TIME-WAIT tuple only when its timestamp is newer, or without
            // timestamps its ISN is above RCV.NXT (checklist 43); otherwise → ACK
            final boolean tsNewer = c.tsOk && seg.options.timestampPresent && gt(seg.options.tsVal, c.tsRecent);
            final boolean seqAbove = !(c.tsOk && seg.options.timestampPresent) && gt(seg.seq, c.rcvNxt);
            final Listener l = listener(seg.localIp, seg.localPort);
            if ((tsNewer || seqAbove) && l != null)
            {
                final int oldSndMax = c.sndMax;
                retire(c, 0);
                listenerSyn(nowNs, seg, l, oldSndMax + 65536, true);
                return;
            }
            c.sendAck();
            return;
        }
        if (c != null)
        {
            c.process(nowNs, seg);
            if (!c.released)
            {
                updateTimer(c);
            }
            return;
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

    /** Expire timers up to {@code nowNs}. Returns how many fired. */
    public int poll(final long nowNs)
    {
        int fired = 0;
        if (wheel.timerCount() == 0)
        {
            if (wheel.currentTickTime() <= nowNs)
            {
                wheel.currentTickTime(nowNs);
            }
            return 0;
        }
        final long spanNs = wheel.tickResolution() * wheel.ticksPerWheel();
        if (nowNs - wheel.currentTickTime() > spanNs)
        {
            // a clock jump longer than a turn: visit every spoke once with the real time, then jump the wheel
            for (int i = 0, n = wheel.ticksPerWheel(); i < n; i++)
            {
                fired += wheel.poll(nowNs, timerHandler, Integer.MAX_VALUE);
            }
            wheel.currentTickTime(nowNs);
        }
        do
        {
            fired += wheel.poll(nowNs, timerHandler, Integer.MAX_VALUE);
        }
        while (wheel.currentTickTime() <= nowNs);
        fired += wheel.poll(nowNs, timerHandler, Integer.MAX_VALUE);
        return fired;
    }

    /** Emit everything pending; returns the number of segments emitted. */
    public int dispatch(final long nowNs, final SegmentEmitter out)
    {
        int emitted = 0;
        final CountingEmitter counting = countingEmitter;
        counting.delegate = out;
        counting.count = 0;
        for (int i = 0; i < dirtyCount; i++)
        {
            final TcpConnection c = connections[dirtySlots[i]];
            c.dirty = false;
            if (c.released)
            {
                continue;
            }
            c.dispatch(nowNs, counting);
            if (c.state == TcpState.CLOSED && !c.closeAfterRead)
            {
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

    private final DeadlineTimerWheel.TimerHandler timerHandler = this::onTimerExpiry;

    private boolean onTimerExpiry(final TimeUnit timeUnit, final long now, final long timerId)
    {
        final long slot = timerToSlot.remove(timerId);
        if (slot < 0)
        {
            return true;
        }
        final TcpConnection c = connections[(int)slot];
        if (c.timerId != timerId || c.released)
        {
            return true;
        }
        c.timerId = -1;
        c.scheduledDeadlineNs = TcpConnection.NONE;
        if (c.nextDeadlineNs() <= now)
        {
            c.onTimer(now);
        }
        if (!c.released && c.state != TcpState.CLOSED)
        {
            updateTimer(c);
        }
        return true;
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
            // first: an RST is ignored (checklist 45)
            counters.increment(DROP_LISTEN_RST);
            return;
        }
        if ((flags & ACK) != 0)
        {
            // a valid SYN cookie completes a handshake (RFC 4987, checklist 54)
            if ((flags & SYN) == 0 && config.synCookiesEnabled && cookieAccepted(nowNs, seg, l))
            {
                return;
            }
            // second: any ACK (a SYN-ACK too, policy) → RST <SEQ=SEG.ACK> (checklist 45)
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
        // third: SYN → SYN-ACK ⇒ SYN-RECEIVED (checklist 1), or a SYN cookie past the bound (checklist 54)
        if (halfOpenTotal >= config.halfOpenBound || l.halfOpen >= l.backlog ||
            table.size() >= config.maxConnections)
        {
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
        int iss = isn(nowNs, c);
        if (enforceMinIss && leq(iss, minIss))
        {
            iss = minIss;
        }
        table.put(c);
        c.openPassive(nowNs, seg, iss, l.port);
        c.halfOpenCounted = true;
        halfOpenTotal++;
        l.halfOpen++;
        markDirty(c);
        updateTimer(c);
    }

    /** RFC 9293 §3.10.7.1: no connection and no listener (checklist 44, 47). */
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
            // forged or expired (checklist 54)
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
        if (table.size() >= config.maxConnections)
        {
            counters.increment(DROP_CONNECTION_TABLE_FULL);
            return true;
        }
        counters.increment(SYN_COOKIES_ACCEPTED);
        final TcpConnection c = allocate();
        c.initTuple(seg.localIp, seg.localPort, seg.remoteIp, seg.remotePort);
        table.put(c);
        c.openFromCookie(nowNs, seg, COOKIE_MSS[mssIdx], ws, peerShift, sack, l.port);
        connectionEstablished(c);
        if (c.state != TcpState.CLOSED && (seg.payloadLength > 0 || (seg.flags & FIN) != 0))
        {
            c.process(nowNs, seg);
        }
        if (!c.released)
        {
            updateTimer(c);
        }
        return true;
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
        if (!c.dirty)
        {
            c.dirty = true;
            if (dirtyCount == dirtySlots.length)
            {
                dirtySlots = java.util.Arrays.copyOf(dirtySlots, dirtyCount * 2);
            }
            dirtySlots[dirtyCount++] = c.slot;
        }
    }

    void connectionEstablished(final TcpConnection c)
    {
        counters.increment(CONNECTIONS_OPENED);
        if (c.passiveOpen)
        {
            dropHalfOpen(c);
            c.appVisible = true;
            handler.onAccepted(c.listenerPort, c.id);
        }
        else if (c.appVisible)
        {
            handler.onConnected(c.id);
        }
    }

    private void dropHalfOpen(final TcpConnection c)
    {
        if (c.halfOpenCounted)
        {
            c.halfOpenCounted = false;
            halfOpenTotal--;
            final Listener l = listeners.get(c.listenerPort);
            if (l != null && l.halfOpen > 0)
            {
                l.halfOpen--;
            }
        }
    }

    void connectionReset(final TcpConnection c)
    {
        retire(c, 1);
    }

    void connectionTimedOut(final TcpConnection c)
    {
        retire(c, 2);
    }

    void connectionAborted(final TcpConnection c)
    {
        // the app threw the connection away: its unread bytes go with it
        retire(c, RETIRE_ABORTED);
    }

    void connectionFinished(final TcpConnection c)
    {
        retire(c, 0);
    }

    /** The app has read (or given up) what was left of a finished connection: now it is closed for the app too. */
    private void finishAfterRead(final TcpConnection c)
    {
        c.closeAfterRead = false;
        if (c.state == TcpState.TIME_WAIT)
        {
            connectionTimeWait(c);
            return;
        }
        c.appVisible = false;
        handler.onClosed(c.id);
        markDirty(c);
    }

    void connectionTimeWait(final TcpConnection c)
    {
        if (c.appVisible && c.unreadBytes() > 0)
        {
            // the stream is complete but not all read: the app reads the rest (resumeReading), then hears onClosed
            c.closeAfterRead = true;
            return;
        }
        pushRings(c.detach());
        if (c.appVisible)
        {
            c.appVisible = false;
            handler.onClosed(c.id);
        }
    }

    void connectionPeerClosed(final TcpConnection c)
    {
        if (c.appVisible)
        {
            handler.onPeerClosed(c.id);
        }
    }

    void connectionWritable(final TcpConnection c)
    {
        if (c.appVisible && !c.appClosed)
        {
            handler.onWritable(c.id);
        }
    }

    int deliverData(final TcpConnection c, final DirectBuffer buffer, final int offset, final int length)
    {
        if (c.appVisible && !c.appClosed)
        {
            return handler.onData(c.id, buffer, offset, length);
        }
        return length;
    }

    /** {@link #retire} event: the app aborted; like an orderly end (onClosed only) but nothing is kept to read. */
    private static final int RETIRE_ABORTED = 3;

    /**
     * CLOSED: out of the table now, back to the pool at the next dispatch. event 0 = orderly end (unread bytes
     * stay readable until the app reads them), 1 = reset, 2 = timeout, {@link #RETIRE_ABORTED}.
     */
    private void retire(final TcpConnection c, final int event)
    {
        c.moveTo(TcpState.CLOSED);
        table.remove(c);
        dropHalfOpen(c);
        c.rtoDeadlineNs = TcpConnection.NONE;
        c.delAckDeadlineNs = TcpConnection.NONE;
        c.timeWaitDeadlineNs = TcpConnection.NONE;
        c.sendBytes = 0;
        markDirty(c);
        if (c.appVisible && event == 0 && c.rings != null && c.unreadBytes() > 0)
        {
            // orderly end with bytes the app has not read yet: they stay readable; onClosed follows the last read
            c.closeAfterRead = true;
            return;
        }
        if (c.appVisible)
        {
            c.appVisible = false;
            if (event == 1)
            {
                handler.onReset(c.id);
            }
            else if (event == 2)
            {
                handler.onTimeout(c.id);
            }
            handler.onClosed(c.id);
        }
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

    int timestampOffset(final TcpConnection c)
    {
        return (int)SipHash.hash24(tsK0, tsK1, ConnectionTable.ipKey(c.localIp, c.remoteIp),
            ConnectionTable.portKey(c.localPort, c.remotePort), 2);
    }

    /** RFC 6528: ISN = M + F(4-tuple, secret), M a 4 µs clock, F SipHash-2-4 (checklist 53). */
    public int isn(final long nowNs, final TcpConnection c)
    {
        return isn(nowNs, c.localIp, c.localPort, c.remoteIp, c.remotePort);
    }

    public int isn(final long nowNs, final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        if (config.fixedIsnForTests != -1)
        {
            return (int)config.fixedIsnForTests;
        }
        final long f = SipHash.hash24(isnK0, isnK1, ConnectionTable.ipKey(localIp, remoteIp),
            ConnectionTable.portKey(localPort, remotePort), 0);
        return (int)(nowNs / 4000L) + (int)f;
    }

    // =================================================================================================== pool

    private TcpConnection newConnection()
    {
        if (connectionSlots == connections.length)
        {
            connections = java.util.Arrays.copyOf(connections, connectionSlots * 2);
        }
        final TcpConnection c = new TcpConnection(this, connectionSlots);
        connections[connectionSlots++] = c;
        return c;
    }

    private void pushRings(final TcpConnection.Rings r)
    {
        if (freeRingCount == freeRings.length)
        {
            freeRings = java.util.Arrays.copyOf(freeRings, freeRingCount * 2);
        }
        freeRings[freeRingCount++] = r;
    }

    private void freeSlotPush(final int slot)
    {
        if (freeCount == freeSlots.length)
        {
            freeSlots = java.util.Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = slot;
    }

    private TcpConnection allocate()
    {
        final TcpConnection c = freeCount > 0 ? connections[freeSlots[--freeCount]] : newConnection();
        c.generation = (c.generation + 1) & 0x7fffffff;
        c.reset(((long)c.generation << 32) | c.slot);
        c.attach(freeRingCount > 0 ? freeRings[--freeRingCount] : c.newRings());
        return c;
    }

    private void release(final TcpConnection c)
    {
        if (c.timerId != -1)
        {
            wheel.cancelTimer(c.timerId);
            timerToSlot.remove(c.timerId);
            c.timerId = -1;
        }
        c.released = true;
        if (c.rings != null)
        {
            pushRings(c.detach());
        }
        freeSlotPush(c.slot);
    }

    private TcpConnection visible(final long id)
    {
        final TcpConnection c = connection(id);
        return c != null && c.appVisible ? c : null;
    }

    private void updateTimer(final TcpConnection c)
    {
        final long d = c.nextDeadlineNs();
        if (d == TcpConnection.NONE)
        {
            return;
        }
        if (c.timerId != -1)
        {
            if (c.scheduledDeadlineNs <= d)
            {
                return;
            }
            wheel.cancelTimer(c.timerId);
            timerToSlot.remove(c.timerId);
        }
        c.timerId = wheel.scheduleTimer(d);
        c.scheduledDeadlineNs = d;
        timerToSlot.put(c.timerId, c.slot);
    }

    // ============================================================================================== addresses

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
        for (int i = 0; i < localCount; i++)
        {
            final int prefix = localPrefix[i];
            if (prefix > 0 && prefix < 31)
            {
                final int mask = -1 << (32 - prefix);
                if ((ip & mask) == (localIps[i] & mask) && (ip | mask) == -1)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean isLocal(final int ip)
    {
        for (int i = 0; i < localCount; i++)
        {
            if (localIps[i] == ip)
            {
                return true;
            }
        }
        return false;
    }
}
