package dev.wirespeed.engine.tcp;

import dev.wirespeed.engine.wire.TcpOptions;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.wirespeed.engine.tcp.SeqNum.geq;
import static dev.wirespeed.engine.tcp.SeqNum.gt;
import static dev.wirespeed.engine.tcp.SeqNum.leq;
import static dev.wirespeed.engine.tcp.SeqNum.lt;
import static dev.wirespeed.engine.tcp.TcpCounters.*;
import static dev.wirespeed.engine.tcp.TcpSegment.ACK;
import static dev.wirespeed.engine.tcp.TcpSegment.FIN;
import static dev.wirespeed.engine.tcp.TcpSegment.PSH;
import static dev.wirespeed.engine.tcp.TcpSegment.RST;
import static dev.wirespeed.engine.tcp.TcpSegment.SYN;

/**
 * One TCP connection (the TCB of RFC 9293 §3.3.1), in the shape of smoltcp's socket: {@link #process} applies one
 * arriving segment and never does I/O nor reads a clock; {@link #dispatch} is the only producer of segments;
 * {@link #nextDeadlineNs()} says when the timers need {@link #onTimer}. Owned and driven by a {@link TcpEndpoint},
 * pooled and reused (no allocation in steady state).
 * <p>
 * Send side: a byte ring holding unacknowledged plus unsent bytes, the first byte at SND.UNA (plus the SYN offset).
 * Receive side: a byte ring indexed by sequence number holding unread in-order bytes [readSeq, RCV.NXT) and
 * out-of-order bytes in up to {@code maxOutOfOrderIntervals} [start, end) intervals beyond RCV.NXT; each byte is
 * copied once into the ring at its sequence position (or delivered straight from the segment when nothing is queued).
 * <p>
 * Not thread safe.
 */
public final class TcpConnection
{
    static final long NONE = Long.MAX_VALUE;
    static final long PAWS_IDLE_NS = 24L * 24 * 3600 * 1_000_000_000L;
    static final int OOO_MAX = 8;
    static final int SACK_SCOREBOARD = 8;
    private static final int MIN_MSS_CLAMP = 64;
    private static final int DEFAULT_MSS = 536;

    final TcpEndpoint endpoint;
    final TcpConfig config;
    final TcpCounters counters;
    final int slot;
    long id;
    int generation;

    int localIp;
    int remoteIp;
    int localPort;
    int remotePort;
    TcpState state = TcpState.CLOSED;
    boolean passiveOpen;
    int listenerPort;
    boolean appVisible;
    /** TIME-WAIT was entered with received bytes still unread: the app keeps the connection until it reads them. */
    boolean closeAfterRead;
    boolean appClosed;
    boolean released = true;

    // ---- send sequence space (RFC 9293 §3.3.1); sndMax is the RFC's SND.NXT, sndNxt rewinds on retransmission
    int iss;
    int sndUna;
    int sndNxt;
    int sndMax;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int maxSndWnd;
    int sndWscale;
    int rcvWscale;
    boolean wsOk;
    boolean sackOk;
    boolean tsOk;
    int sndMss;
    int tsRecent;
    /** When TS.Recent was last set; older than 24 days it is invalid for PAWS (RFC 7323 §5.5). */
    long tsRecentNs;
    /** The time of the segment being processed, for TS.Recent bookkeeping. */
    private long tsNowNs;
    int lastAckSent;
    int tsOffset;

    // ---- receive sequence space
    int irs;
    int rcvNxt;
    int rcvAdvRight;
    int readSeq;
    int rcvMss = DEFAULT_MSS;
    int rcvBytesUnacked;
    boolean readBlocked;
    boolean inputShutdown;

    // ---- rings
    /** Send and receive rings, borrowed from the endpoint's pool while the connection can carry data. */
    static final class Rings
    {
        final byte[] send;
        final UnsafeBuffer sendBuffer;
        final byte[] recv;
        final UnsafeBuffer recvBuffer;

        Rings(final int sendBytes, final int recvBytes)
        {
            send = new byte[sendBytes];
            sendBuffer = new UnsafeBuffer(send);
            recv = new byte[recvBytes];
            recvBuffer = new UnsafeBuffer(recv);
        }
    }

    Rings rings;
    byte[] sendArray;
    UnsafeBuffer sendBuffer;
    final int sendMask;
    final int sendCap;
    /** The first {@code sendMirror} bytes of the ring are mirrored after its end: a segment never wraps. */
    final int sendMirror;
    int sendBase;
    int sendBytes;
    boolean writeBlocked;
    byte[] recvArray;
    UnsafeBuffer recvBuffer;
    final int recvCap;
    final int recvMask;
    final int recvUsable;
    final int[] oooLeft = new int[OOO_MAX];
    final int[] oooRight = new int[OOO_MAX];
    int oooCount;
    int oooLastLeft;
    int oooLastRight;
    boolean peerFinPending;
    int peerFinSeq;

    // ---- FIN
    boolean finQueued;
    boolean finSent;
    int finSeq;
    boolean finAcked;
    boolean peerFinReceived;

    // ---- output requests
    boolean synPending;
    boolean ackNow;
    boolean rstPending;
    boolean probePending;
    boolean keepalivePending;
    int rexmitRequests;
    int rexmitNxt;
    long delAckDeadlineNs = NONE;

    // ---- timers
    long rtoDeadlineNs = NONE;
    boolean persistMode;
    /** Sender SWS avoidance held back a window-limited runt with nothing in flight; the override timer is armed. */
    boolean swsBlocked;
    /** The SWS override timer fired: send what the window allows (RFC 1122 §4.2.3.4). */
    boolean swsOverride;
    long timeWaitDeadlineNs = NONE;
    long lastRecvNs;
    long lastSendNs;
    int keepaliveProbesSent;
    boolean keepAlive;
    boolean noDelay;
    long scheduledDeadlineNs = NONE;
    long timerId = -1;

    // ---- RTT (RFC 6298)
    long srttNs;
    long rttvarNs;
    long rtoNs;
    boolean rttValid;
    boolean rttTiming;
    int rttSeq;
    long rttStartNs;
    int backoff;
    int retries;

    // ---- congestion and recovery
    final CongestionControl cc;
    int dupAcks;
    boolean inRecovery;
    int recover;
    final int[] sackL = new int[SACK_SCOREBOARD];
    final int[] sackR = new int[SACK_SCOREBOARD];
    int sackCount;

    // ---- endpoint bookkeeping
    boolean dirty;
    boolean halfOpenCounted;

    TcpConnection(final TcpEndpoint endpoint, final int slot)
    {
        this.endpoint = endpoint;
        this.config = endpoint.config;
        this.counters = endpoint.counters;
        this.slot = slot;
        this.cc = config.congestionControl.get();
        final int sendCap = Integer.highestOneBit(Math.max(1024, config.sendBufferSize) - 1) << 1;
        final int recvCap = Integer.highestOneBit(Math.max(1024, config.receiveBufferSize) - 1) << 1;
        this.sendCap = sendCap;
        this.recvCap = recvCap;
        sendMirror = Math.min(sendCap, Math.max(config.mss(), 64));
        sendMask = sendCap - 1;
        recvMask = recvCap - 1;
        // slack for rounding the scaled window up so the right edge never moves left (RFC 7323 §2.4)
        recvUsable = recvCap - (1 << Math.min(14, Math.max(0, config.windowScale)));
    }

    // =================================================================================================== accessors

    Rings newRings()
    {
        return new Rings(sendCap + sendMirror, recvCap);
    }

    void attach(final Rings r)
    {
        rings = r;
        sendArray = r.send;
        sendBuffer = r.sendBuffer;
        recvArray = r.recv;
        recvBuffer = r.recvBuffer;
    }

    /** Give the rings back (TIME-WAIT or release): a TIME-WAIT TCB keeps no buffers. */
    Rings detach()
    {
        final Rings r = rings;
        rings = null;
        sendArray = null;
        sendBuffer = null;
        recvArray = null;
        recvBuffer = null;
        return r;
    }

    int recvUsable()
    {
        return recvUsable;
    }

    public long id()
    {
        return id;
    }

    public TcpState state()
    {
        return state;
    }

    public int sndUna()
    {
        return sndUna;
    }

    public int sndNxt()
    {
        return sndMax;
    }

    public int rcvNxt()
    {
        return rcvNxt;
    }

    public int iss()
    {
        return iss;
    }

    public int sndWnd()
    {
        return sndWnd;
    }

    public int cwnd()
    {
        return cc.cwnd();
    }

    public int ssthresh()
    {
        return cc.ssthresh();
    }

    public int effectiveMss()
    {
        return sndMss;
    }

    public long rtoNs()
    {
        return currentRto();
    }

    public long srttNs()
    {
        return srttNs;
    }

    public int sendQueued()
    {
        return sendBytes;
    }

    /** Size of the send buffer: a write takes at most {@code sendCapacity() - sendQueued()} bytes. */
    public int sendCapacity()
    {
        return sendCap;
    }

    public int unreadBytes()
    {
        return rcvDataEnd() - readSeq;
    }

    int rcvDataEnd()
    {
        return peerFinReceived ? rcvNxt - 1 : rcvNxt;
    }

    public boolean windowScaling()
    {
        return wsOk;
    }

    public int peerWindowScale()
    {
        return sndWscale;
    }

    public boolean timestamps()
    {
        return tsOk;
    }

    public boolean sack()
    {
        return sackOk;
    }

    public int tsRecent()
    {
        return tsRecent;
    }

    public int localPort()
    {
        return localPort;
    }

    public int remotePort()
    {
        return remotePort;
    }

    public int localIp()
    {
        return localIp;
    }

    public int remoteIp()
    {
        return remoteIp;
    }

    public String toString()
    {
        return "TcpConnection{" + state + " una=" + Integer.toUnsignedString(sndUna) +
            " nxt=" + Integer.toUnsignedString(sndMax) + " rcv=" + Integer.toUnsignedString(rcvNxt) + "}";
    }

    // ================================================================================================= lifecycle

    /** Every state change goes through here, so the endpoint's per-state gauge stays exact. */
    void moveTo(final TcpState next)
    {
        endpoint.counters().onStateChange(state, next);
        state = next;
    }

    void reset(final long newId)
    {
        id = newId;
        moveTo(TcpState.CLOSED);
        passiveOpen = false;
        listenerPort = 0;
        appVisible = false;
        closeAfterRead = false;
        appClosed = false;
        released = false;
        iss = sndUna = sndNxt = sndMax = sndWnd = sndWl1 = sndWl2 = maxSndWnd = 0;
        sndWscale = rcvWscale = 0;
        wsOk = sackOk = tsOk = false;
        sndMss = DEFAULT_MSS;
        tsRecent = lastAckSent = tsOffset = 0;
        tsRecentNs = 0;
        irs = rcvNxt = rcvAdvRight = readSeq = 0;
        rcvMss = DEFAULT_MSS;
        rcvBytesUnacked = 0;
        readBlocked = inputShutdown = false;
        sendBase = sendBytes = 0;
        writeBlocked = false;
        oooCount = 0;
        oooLastLeft = oooLastRight = 0;
        peerFinPending = false;
        peerFinSeq = 0;
        finQueued = finSent = finAcked = peerFinReceived = false;
        finSeq = 0;
        synPending = ackNow = rstPending = probePending = keepalivePending = false;
        rexmitRequests = 0;
        rexmitNxt = 0;
        delAckDeadlineNs = NONE;
        rtoDeadlineNs = NONE;
        persistMode = false;
        swsBlocked = false;
        swsOverride = false;
        timeWaitDeadlineNs = NONE;
        lastRecvNs = lastSendNs = 0;
        keepaliveProbesSent = 0;
        keepAlive = config.keepAlive;
        noDelay = config.noDelay;
        scheduledDeadlineNs = NONE;
        timerId = -1;
        srttNs = rttvarNs = 0;
        rtoNs = config.initialRtoNs;
        rttValid = rttTiming = false;
        rttSeq = 0;
        rttStartNs = 0;
        backoff = retries = 0;
        dupAcks = 0;
        inRecovery = false;
        recover = 0;
        sackCount = 0;
        halfOpenCounted = false;
    }

    void initTuple(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        this.localIp = localIp;
        this.localPort = localPort;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
    }

    /** Active open (RFC 9293 §3.10.1): choose ISS, queue the SYN ⇒ SYN-SENT. */
    void openActive(final long nowNs, final int iss)
    {
        this.iss = iss;
        sndUna = iss;
        sndNxt = iss;
        sndMax = iss;
        recover = iss;
        sendBase = iss + 1;
        rcvWscale = config.windowScaleEnabled ? clampShift(config.windowScale) : 0;
        tsOffset = config.randomTimestampOffset ? endpoint.timestampOffset(this) : 0;
        moveTo(TcpState.SYN_SENT);
        synPending = true;
        lastRecvNs = nowNs;
    }

    /** Passive open from a SYN on a listener (RFC 9293 §3.10.7.2) ⇒ SYN-RECEIVED, SYN-ACK queued. */
    void openPassive(final long nowNs, final TcpSegment syn, final int iss, final int listenerPort)
    {
        this.passiveOpen = true;
        this.listenerPort = listenerPort;
        tsNowNs = nowNs;
        this.iss = iss;
        sndUna = iss;
        sndNxt = iss;
        sndMax = iss;
        recover = iss;
        sendBase = iss + 1;
        tsOffset = config.randomTimestampOffset ? endpoint.timestampOffset(this) : 0;
        acceptSynOptions(syn);
        irs = syn.seq;
        rcvNxt = syn.seq + 1;
        readSeq = rcvNxt;
        lastAckSent = rcvNxt;
        rcvAdvRight = rcvNxt + Math.min(65535, recvUsable);
        // the window of a SYN is never scaled (RFC 7323 §2.2)
        sndWnd = syn.window & 0xffff;
        maxSndWnd = sndWnd;
        sndWl1 = syn.seq;
        sndWl2 = iss;
        moveTo(TcpState.SYN_RECEIVED);
        synPending = true;
        lastRecvNs = nowNs;
        if (syn.payloadLength > 0)
        {
            counters.increment(DROP_SYN_DATA);
        }
    }

    /** Connection created straight into ESTABLISHED from a valid SYN cookie (RFC 4987 §3.6). */
    void openFromCookie(
        final long nowNs, final TcpSegment ack, final int mss, final boolean ws, final int peerShift,
        final boolean sack, final int listenerPort)
    {
        passiveOpen = true;
        this.listenerPort = listenerPort;
        tsNowNs = nowNs;
        iss = ack.ack - 1;
        sndUna = ack.ack;
        sndNxt = ack.ack;
        sndMax = ack.ack;
        recover = iss;
        sendBase = ack.ack;
        tsOffset = 0;
        irs = ack.seq - 1;
        rcvNxt = ack.seq;
        readSeq = rcvNxt;
        lastAckSent = rcvNxt;
        sndMss = Math.max(MIN_MSS_CLAMP, Math.min(mss, config.mss()));
        wsOk = ws && config.windowScaleEnabled;
        sndWscale = wsOk ? clampShift(peerShift) : 0;
        rcvWscale = wsOk ? clampShift(config.windowScale) : 0;
        tsOk = ack.options.timestampPresent && config.timestampsEnabled;
        sackOk = sack && tsOk && config.sackEnabled;
        tsRecent = ack.options.tsVal;
        tsRecentNs = tsNowNs;
        rcvAdvRight = rcvNxt + Math.min(65535, recvUsable);
        sndWnd = (ack.window & 0xffff) << sndWscale;
        maxSndWnd = sndWnd;
        sndWl1 = ack.seq;
        sndWl2 = ack.ack;
        cc.init(payloadMss(), config.initialCwndSegments * payloadMss());
        moveTo(TcpState.ESTABLISHED);
        lastRecvNs = nowNs;
    }

    private void acceptSynOptions(final TcpSegment syn)
    {
        final TcpOptions o = syn.options;
        // RFC 9293 §3.7.1: no MSS option means 536; clamp absurd values (checklist 25, 26)
        final int peerMss = o.mssPresent ? Math.max(MIN_MSS_CLAMP, Math.max(config.minMss, o.mss)) : DEFAULT_MSS;
        sndMss = Math.min(peerMss, config.mss());
        // RFC 7323 §2.2: window scale only when both sides send it; shift > 14 is 14
        wsOk = o.windowScalePresent && config.windowScaleEnabled;
        sndWscale = wsOk ? clampShift(o.windowScale) : 0;
        rcvWscale = wsOk ? clampShift(config.windowScale) : 0;
        sackOk = o.sackPermitted && config.sackEnabled;
        tsOk = o.timestampPresent && config.timestampsEnabled;
        if (tsOk)
        {
            tsRecent = o.tsVal;
            tsRecentNs = tsNowNs;
        }
    }

    private static int clampShift(final int shift)
    {
        return Math.min(14, Math.max(0, shift));
    }

    // =================================================================================================== process

    /**
     * Apply one arriving segment, in RFC 9293 §3.10.7 order. Does no I/O; marks what {@link #dispatch} must send.
     * Only for states other than CLOSED/LISTEN (those are the endpoint's, §3.10.7.1-2).
     */
    public void process(final long nowNs, final TcpSegment seg)
    {
        tsNowNs = nowNs;
        if (state == TcpState.SYN_SENT)
        {
            processSynSent(nowNs, seg);
            return;
        }
        processSynchronized(nowNs, seg);
    }

    private void processSynSent(final long nowNs, final TcpSegment seg)
    {
        final int flags = seg.flags;
        boolean ackAcceptable = false;
        if ((flags & ACK) != 0)
        {
            // §3.10.7.3 first: ACK ≤ ISS or > SND.NXT → RST <SEQ=SEG.ACK> unless RST (checklist 5)
            if (leq(seg.ack, iss) || gt(seg.ack, sndMax))
            {
                counters.increment(DROP_SYN_SENT_BAD_ACK);
                if ((flags & RST) == 0)
                {
                    endpoint.replyRst(seg, seg.ack, 0, 0);
                }
                return;
            }
            ackAcceptable = true;
        }
        if ((flags & RST) != 0)
        {
            // §3.10.7.3 second: RST with acceptable ACK ⇒ CLOSED, "connection refused"; else drop (checklist 6)
            if (ackAcceptable)
            {
                counters.increment(CONNECTIONS_RESET);
                endpoint.connectionReset(this);
            }
            else
            {
                counters.increment(DROP_SYN_SENT_RST_UNACCEPTABLE);
            }
            return;
        }
        if ((flags & SYN) == 0)
        {
            // §3.10.7.3 fifth: neither SYN nor RST, drop (a bare FIN too, checklist 7)
            counters.increment(DROP_SYN_SENT_NO_SYN);
            return;
        }
        // §3.10.7.3 fourth: SYN
        acceptSynOptions(seg);
        irs = seg.seq;
        rcvNxt = seg.seq + 1;
        readSeq = rcvNxt;
        lastAckSent = rcvNxt;
        rcvAdvRight = rcvNxt + Math.min(65535, recvUsable);
        lastRecvNs = nowNs;
        if (ackAcceptable)
        {
            // SYN-ACK acking our SYN ⇒ ESTABLISHED, → ACK <SEQ=SND.NXT, ACK=RCV.NXT> (checklist 4)
            sndWnd = seg.window & 0xffff;
            maxSndWnd = sndWnd;
            sndWl1 = seg.seq;
            sndWl2 = seg.ack;
            if (rttTiming && gt(seg.ack, rttSeq))
            {
                rttSample(nowNs - rttStartNs);
            }
            sndUna = seg.ack;
            sndNxt = sndMax;
            rtoDeadlineNs = NONE;
            if (!rttValid && backoff > 0)
            {
                // RFC 6298 §5.7: the SYN was retransmitted and gave no sample: RTO 3 s for data
                rtoNs = Math.max(rtoNs, 3_000_000_000L);
            }
            backoff = 0;
            retries = 0;
            synPending = false;
            cc.init(payloadMss(), config.initialCwndSegments * payloadMss());
            moveTo(finQueued ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED);
            ackNow = true;
            endpoint.markDirty(this);
            endpoint.connectionEstablished(this);
            if (state == TcpState.CLOSED)
            {
                return;
            }
            if (seg.payloadLength > 0 || (flags & FIN) != 0)
            {
                // data or FIN on a SYN-ACK: continue at the sixth step with the SYN trimmed
                processText(nowNs, seg, seg.seq + 1, seg.payloadOffset, seg.payloadLength, flags);
            }
            return;
        }
        // simultaneous open: SYN without ACK → SYN-ACK with our same ISS ⇒ SYN-RECEIVED (checklist 8)
        sndWnd = seg.window & 0xffff;
        maxSndWnd = sndWnd;
        sndWl1 = seg.seq;
        sndWl2 = iss;
        sndNxt = iss;
        moveTo(TcpState.SYN_RECEIVED);
        synPending = true;
        rttTiming = false;
        rtoDeadlineNs = NONE;
        endpoint.markDirty(this);
    }

    private void processSynchronized(final long nowNs, final TcpSegment seg)
    {
        final int flags = seg.flags;
        final TcpOptions opts = seg.options;
        int seq = seg.seq;
        int payloadOffset = seg.payloadOffset;
        int payloadLength = seg.payloadLength;
        int segFlags = flags;

        // RFC 7323 §3.2: once negotiated, a non-RST segment without timestamps is dropped silently (checklist 30)
        if (tsOk && !opts.timestampPresent && (flags & RST) == 0)
        {
            counters.increment(DROP_MISSING_TIMESTAMP);
            return;
        }
        // RFC 7323 §5.3 PAWS: TSval older than TS.Recent, RST off → ACK and drop (checklist 31)
        if (tsOk && (flags & RST) == 0 && lt(opts.tsVal, tsRecent) && nowNs - tsRecentNs <= PAWS_IDLE_NS)
        {
            counters.increment(DROP_PAWS);
            sendAck();
            return;
        }

        // SYN-RECEIVED: a retransmitted SYN (same IRS) → SYN-ACK again; its SYN-ACK twin (simultaneous open)
        // carries the duplicate SYN we trim (RFC 9293 §3.10.7.4 first, trimming)
        if (state == TcpState.SYN_RECEIVED && (flags & SYN) != 0 && (flags & RST) == 0 && seq == irs)
        {
            if ((flags & ACK) == 0)
            {
                synPending = true;
                endpoint.markDirty(this);
                return;
            }
            seq = seq + 1;
            segFlags &= ~SYN;
        }
        else if ((segFlags & SYN) != 0 && (segFlags & RST) == 0)
        {
            // RFC 5961 §4: a SYN in any synchronized state → challenge ACK, never RST (checklist 47, 50)
            counters.increment(DROP_SYN_IN_WINDOW);
            challengeAck(nowNs);
            return;
        }

        final int segLen = payloadLength + ((segFlags & FIN) != 0 ? 1 : 0);
        final int rcvWnd = rcvAdvRight - rcvNxt > 0 ? rcvAdvRight - rcvNxt : 0;

        // §3.10.7.4 first: sequence number acceptability
        if ((segFlags & RST) != 0)
        {
            // §3.10.7.4 second + RFC 5961 §3: RST exactly at RN resets, elsewhere in window → challenge ACK,
            // outside → silent drop (checklist 3, 49); TIME-WAIT ignores RSTs (RFC 1337, checklist 41)
            if (state == TcpState.TIME_WAIT)
            {
                counters.increment(DROP_TIME_WAIT_RST);
                return;
            }
            if (seq == rcvNxt)
            {
                resetByPeer();
                return;
            }
            if (SeqNum.inRange(seq, rcvNxt, rcvNxt + Math.max(rcvWnd, 1)))
            {
                challengeAck(nowNs);
                return;
            }
            counters.increment(DROP_RST_OUT_OF_WINDOW);
            return;
        }

        boolean acceptable;
        if (segLen == 0)
        {
            acceptable = rcvWnd == 0 ? seq == rcvNxt : SeqNum.inRange(seq, rcvNxt, rcvNxt + rcvWnd);
        }
        else if (rcvWnd == 0)
        {
            // RW = 0: no data acceptable, but ACK/URG/RST still processed (checklist 16); trim text below
            acceptable = seq == rcvNxt;
        }
        else
        {
            acceptable = SeqNum.inRange(seq, rcvNxt, rcvNxt + rcvWnd) ||
                SeqNum.inRange(seq + segLen - 1, rcvNxt, rcvNxt + rcvWnd);
        }
        if (!acceptable)
        {
            // unacceptable: → ACK <SEQ=SND.NXT, ACK=RCV.NXT> and drop (checklist 14, 16, 23, 41)
            counters.increment(DROP_OUT_OF_WINDOW);
            if (state == TcpState.TIME_WAIT && (segFlags & FIN) != 0 && seq + segLen == rcvNxt)
            {
                // a retransmitted FIN in TIME-WAIT → ACK and restart 2MSL (checklist 41)
                timeWaitDeadlineNs = nowNs + 2 * config.mslNs;
            }
            sendAck();
            return;
        }
        lastRecvNs = nowNs;
        keepaliveProbesSent = 0;

        // §3.10.7.4 fifth: ACK
        if ((segFlags & ACK) == 0)
        {
            // no ACK bit: drop (checklist 21, 62 "FIN without ACK")
            counters.increment(DROP_NO_ACK);
            return;
        }
        if (state == TcpState.SYN_RECEIVED)
        {
            // SU < ACK ≤ SN ⇒ ESTABLISHED; else → RST <SEQ=SEG.ACK> and stay (checklist 2)
            if (gt(seg.ack, sndUna) && leq(seg.ack, sndMax))
            {
                if (rttTiming && gt(seg.ack, rttSeq))
                {
                    rttSample(nowNs - rttStartNs);
                }
                rttTiming = false;
                sndUna = seg.ack;
                sndNxt = sndMax;
                sndWnd = (seg.window & 0xffff) << sndWscale;
                maxSndWnd = sndWnd;
                sndWl1 = seq;
                sndWl2 = seg.ack;
                rtoDeadlineNs = NONE;
                backoff = 0;
                retries = 0;
                synPending = false;
                cc.init(payloadMss(), config.initialCwndSegments * payloadMss());
                moveTo(TcpState.ESTABLISHED);
                endpoint.connectionEstablished(this);
                if (state == TcpState.CLOSED)
                {
                    return;
                }
                if (tsOk)
                {
                    tsRecent = opts.tsVal;
                    tsRecentNs = tsNowNs;
                }
                if (finQueued)
                {
                    moveTo(TcpState.FIN_WAIT_1);
                }
                endpoint.markDirty(this);
            }
            else
            {
                counters.increment(DROP_ACK_UNACCEPTABLE);
                endpoint.replyRst(seg, seg.ack, 0, 0);
                return;
            }
        }
        else
        {
            if (!processAck(nowNs, seg, seq, payloadLength, segFlags))
            {
                return;
            }
            if (state == TcpState.CLOSED)
            {
                return;
            }
        }

        // RFC 7323 §4.3: TS.Recent from segments at or below Last.ACK.sent, only once the ACK was acceptable
        // (checklist 32)
        if (tsOk && opts.timestampPresent && leq(seq, lastAckSent) &&
            (geq(opts.tsVal, tsRecent) || nowNs - tsRecentNs > PAWS_IDLE_NS))
        {
            tsRecent = opts.tsVal;
            tsRecentNs = tsNowNs;
        }

        // §3.10.7.4 sixth: URG. Urgent data is inline (RFC 6093); an invalid pointer is ignored (checklist 24)
        if ((segFlags & TcpSegment.URG) != 0 && (seg.urgentPointer == 0 || seg.urgentPointer > payloadLength))
        {
            counters.increment(DROP_URGENT_INVALID);
        }

        // §3.10.7.4 seventh and eighth: text and FIN
        processText(nowNs, seg, seq, payloadOffset, payloadLength, segFlags);
    }

    /** §3.10.7.4 fifth, for ESTABLISHED and later. Returns false when the segment must be dropped. */
    private boolean processAck(
        final long nowNs, final TcpSegment seg, final int seq, final int payloadLength, final int segFlags)
    {
        final int ack = seg.ack;
        // RFC 5961 §5: ACK outside [SU − MAX.SND.WND, SN] → ACK and drop (checklist 19, 51)
        if (gt(ack, sndMax) || lt(ack, sndUna - maxSndWnd))
        {
            counters.increment(DROP_ACK_UNACCEPTABLE);
            sendAck();
            return false;
        }
        final boolean sackedNew = sackOk && seg.options.sackBlockCount > 0 && recordSack(seg.options);
        if (persistMode)
        {
            // an ACKed probe keeps the connection alive (checklist 18)
            retries = 0;
        }
        final int newWnd = (seg.window & 0xffff) << sndWscale;
        if (gt(ack, sndUna))
        {
            onNewAck(nowNs, ack);
            if (state == TcpState.CLOSED)
            {
                return false;
            }
        }
        else if (ack == sndUna)
        {
            // RFC 5681 §2 duplicate ACK: no data, no SYN/FIN, same window, data outstanding (checklist 57). An ACK
            // that SACKs new data counts too, whatever its window or payload (RFC 6675 §2, "DupAcks"): a receiver
            // whose window shrinks as out-of-order data fills its buffer (Linux) never repeats its window exactly,
            // and one sending data of its own (an echo) piggybacks every ACK
            final boolean classicDup = payloadLength == 0 && (segFlags & (SYN | FIN)) == 0 && newWnd == sndWnd;
            if ((classicDup || sackedNew) && sndMax != sndUna && !persistMode && sndWnd != 0)
            {
                onDupAck();
            }
            else
            {
                dupAcks = 0;
            }
        }
        // else ACK below SU: old duplicate, ignored (checklist 20)

        // RFC 9293 §3.10.7.4: window update under the SND.WL1/WL2 rule (checklist 20)
        if (geq(ack, sndUna) && (lt(sndWl1, seq) || (sndWl1 == seq && leq(sndWl2, ack))))
        {
            final boolean wasZero = sndWnd == 0;
            final boolean grew = newWnd > sndWnd;
            sndWnd = newWnd;
            sndWl1 = seq;
            sndWl2 = ack;
            if (sndWnd > maxSndWnd)
            {
                maxSndWnd = sndWnd;
            }
            if (sndWnd > 0 && (wasZero || persistMode))
            {
                // the window opened: leave persist mode and resend from SND.UNA (checklist 18)
                if (persistMode)
                {
                    // a probe byte not acknowledged was not accepted: resend it as ordinary data
                    persistMode = false;
                    rtoDeadlineNs = NONE;
                    sndNxt = sndUna;
                    if (!finSent)
                    {
                        sndMax = sndUna;
                    }
                }
                backoff = 0;
                endpoint.markDirty(this);
            }
            else if (grew && sendBytes > sndMax - sndUna)
            {
                // a pure window update (the peer's application read) opened room for data held back by the window
                // or by sender SWS avoidance: send now, not at the SWS override timer
                endpoint.markDirty(this);
            }
        }
        updatePersist(nowNs);

        switch (state)
        {
            case FIN_WAIT_1:
                // our FIN acked ⇒ FIN-WAIT-2 (checklist 34); an orphan waits there only finWait2TimeoutNs
                if (finAcked)
                {
                    moveTo(TcpState.FIN_WAIT_2);
                    if (appClosed)
                    {
                        timeWaitDeadlineNs = nowNs + config.finWait2TimeoutNs;
                    }
                }
                break;
            case CLOSING:
                // our FIN acked ⇒ TIME-WAIT (checklist 36)
                if (finAcked)
                {
                    enterTimeWait(nowNs);
                }
                break;
            case LAST_ACK:
                // our FIN acked ⇒ CLOSED (checklist 35)
                if (finAcked)
                {
                    endpoint.connectionFinished(this);
                    return false;
                }
                break;
            default:
                break;
        }
        return true;
    }

    private void onNewAck(final long nowNs, final int ack)
    {
        int acked = ack - sndUna;
        if (finSent && gt(ack, finSeq))
        {
            finAcked = true;
            acked--;
        }
        final int dataAcked = Math.min(acked, sendBytes);
        sendBytes -= dataAcked;
        sendBase += dataAcked;
        final int flightBefore = sndMax - sndUna;
        sndUna = ack;
        if (lt(sndNxt, sndUna))
        {
            sndNxt = sndUna;
        }
        // Karn's rule: only a segment never retransmitted gives a sample (RFC 6298 §3, checklist 56)
        if (rttTiming && gt(ack, rttSeq))
        {
            rttTiming = false;
            rttSample(nowNs - rttStartNs);
        }
        retries = 0;
        pruneScoreboard();
        if (inRecovery)
        {
            if (geq(ack, recover))
            {
                // RFC 6582 §3.2 step 6: full ACK ends recovery
                inRecovery = false;
                cc.onExitRecovery(sndMax - sndUna);
            }
            else
            {
                // RFC 6582 §3.2 step 5: partial ACK → retransmit the next hole, deflate (checklist 57)
                cc.onPartialAck(acked);
                if (lt(rexmitNxt, sndUna) || !sackOk)
                {
                    rexmitNxt = sndUna;
                }
                rexmitRequests++;
            }
        }
        else
        {
            cc.onAck(acked, flightBefore);
        }
        dupAcks = 0;
        // RFC 6298 §5.2/5.3: full ACK stops the timer, partial ACK restarts it (checklist 56)
        if (!persistMode)
        {
            rtoDeadlineNs = sndUna == sndMax ? NONE : nowNs + currentRto();
        }
        if (writeBlocked && sendBytes < sendCap)
        {
            writeBlocked = false;
            endpoint.connectionWritable(this);
        }
        endpoint.markDirty(this);
    }

    private void onDupAck()
    {
        dupAcks++;
        if (inRecovery)
        {
            // RFC 5681 §3.2 step 4: inflate; with SACK also retransmit the next unSACKed hole (checklist 29)
            cc.onDupAckInRecovery();
            if (sackOk && sackCount > 0)
            {
                rexmitRequests++;
            }
            endpoint.markDirty(this);
        }
        else if ((dupAcks == 3 || sackSaysLost()) && geq(sndUna, recover))
        {
            // RFC 5681 §3.2 steps 2-3 + RFC 6582: fast retransmit at SU, ssthresh = max(FlightSize/2, 2·SMSS)
            counters.increment(FAST_RETRANSMITS);
            cc.onEnterRecovery(sndMax - sndUna);
            inRecovery = true;
            recover = sndMax;
            rexmitNxt = sndUna;
            rexmitRequests++;
            rttTiming = false;
            endpoint.markDirty(this);
        }
    }

    /**
     * Record SACK blocks of an incoming ACK in the sender scoreboard (RFC 2018 §4).
     *
     * @return true if a block covered bytes not SACKed before.
     */
    private boolean recordSack(final TcpOptions o)
    {
        boolean sackedNew = false;
        final int blocks = Math.min(Math.max(o.sackBlockCount, 0), TcpOptions.MAX_SACK_BLOCKS);
        for (int b = 0; b < blocks; b++)
        {
            int l = o.sackLeft[b];
            int r = o.sackRight[b];
            if (!lt(l, r) || leq(r, sndUna) || gt(r, sndMax))
            {
                continue;
            }
            if (lt(l, sndUna))
            {
                l = sndUna;
            }
            boolean known = false;
            for (int i = 0; i < sackCount && !known; i++)
            {
                known = leq(sackL[i], l) && geq(sackR[i], r);
            }
            sackedNew |= !known;
            // merge with overlapping or adjacent entries, keep sorted by left edge
            int i = 0;
            while (i < sackCount)
            {
                if (leq(sackL[i], r) && geq(sackR[i], l))
                {
                    l = SeqNum.min(l, sackL[i]);
                    r = SeqNum.max(r, sackR[i]);
                    removeSack(i);
                }
                else
                {
                    i++;
                }
            }
            if (sackCount == SACK_SCOREBOARD)
            {
                removeSack(sackCount - 1);
            }
            int pos = sackCount;
            while (pos > 0 && gt(sackL[pos - 1], l))
            {
                sackL[pos] = sackL[pos - 1];
                sackR[pos] = sackR[pos - 1];
                pos--;
            }
            sackL[pos] = l;
            sackR[pos] = r;
            sackCount++;
        }
        return sackedNew;
    }

    /**
     * With SACK, the segment at SND.UNA counts as lost before three duplicate ACKs when more than
     * (DupThresh-1)·SMSS bytes above it are SACKed (RFC 6675 §4 IsLost), or when everything in flight but that
     * one segment is SACKed (RFC 5827 early retransmit): a small flight, such as that of an echo whose peer keeps
     * its window small, never produces three duplicate ACKs and would otherwise wait for the RTO.
     */
    private boolean sackSaysLost()
    {
        if (!sackOk || sackCount == 0)
        {
            return false;
        }
        final int sacked = sackedBytes();
        final int mss = payloadMss();
        final int flight = sndMax - sndUna;
        // RFC 5827 §3.2: early retransmit only for a flight under four segments with nothing new to send
        final boolean earlyRetransmit = flight < 4 * mss && !gt(dataEnd(), sndMax) && sacked >= flight - mss;
        return sacked > 2 * mss || earlyRetransmit;
    }

    /** Bytes the scoreboard holds as SACKed above SND.UNA. */
    private int sackedBytes()
    {
        int bytes = 0;
        for (int i = 0; i < sackCount; i++)
        {
            bytes += sackR[i] - sackL[i];
        }
        return bytes;
    }

    private void removeSack(final int i)
    {
        for (int j = i; j < sackCount - 1; j++)
        {
            sackL[j] = sackL[j + 1];
            sackR[j] = sackR[j + 1];
        }
        sackCount--;
    }

    private void pruneScoreboard()
    {
        int i = 0;
        while (i < sackCount)
        {
            if (leq(sackR[i], sndUna))
            {
                removeSack(i);
            }
            else
            {
                if (lt(sackL[i], sndUna))
                {
                    sackL[i] = sndUna;
                }
                i++;
            }
        }
    }

    /** §3.10.7.4 seventh (segment text) and eighth (FIN), with the segment trimmed to the window. */
    private void processText(
        final long nowNs, final TcpSegment seg, final int seqIn, final int offIn, final int lenIn, final int flags)
    {
        int seq = seqIn;
        int off = offIn;
        int len = lenIn;
        boolean fin = (flags & FIN) != 0;
        if (state == TcpState.CLOSE_WAIT || state == TcpState.CLOSING || state == TcpState.LAST_ACK ||
            state == TcpState.TIME_WAIT)
        {
            // the peer already sent FIN: text ignored; a retransmitted FIN is acked (checklist 41)
            if (len > 0 || fin)
            {
                if (state == TcpState.TIME_WAIT && fin)
                {
                    timeWaitDeadlineNs = nowNs + 2 * config.mslNs;
                }
                if (len > 0)
                {
                    counters.increment(DROP_DATA_AFTER_FIN);
                }
                sendAck();
            }
            return;
        }
        if (len == 0 && !fin)
        {
            return;
        }
        // trim the part below RCV.NXT (checklist 14, 15)
        if (lt(seq, rcvNxt))
        {
            final int dup = rcvNxt - seq;
            if (dup >= len)
            {
                seq = rcvNxt;
                off += len;
                len = 0;
            }
            else
            {
                seq += dup;
                off += dup;
                len -= dup;
            }
        }
        // trim the part beyond the advertised right edge; a FIN beyond it is dropped too (checklist 15, 16).
        // Window scaling rounds the advertised edge up to a multiple of 2^shift, so it can run ahead of the ring's
        // free space by less than one unit per ACK; never store past the unread bytes' ring capacity.
        final int ringRight = readSeq + recvArray.length;
        final int room = (lt(ringRight, rcvAdvRight) ? ringRight : rcvAdvRight) - seq;
        if (len > room)
        {
            len = Math.max(room, 0);
            fin = false;
        }
        if (appClosed && len > 0)
        {
            // new data for a fully closed connection nobody will read: RFC 2525 §2.17 → RST
            abortWithRst();
            return;
        }
        if (len > rcvMss && len <= config.mss())
        {
            rcvMss = len;
        }

        if (seq == rcvNxt)
        {
            if (len > 0)
            {
                acceptInOrder(seg, seq, off, len);
                if (state == TcpState.CLOSED)
                {
                    return;
                }
            }
            if (fin && seq + len == rcvNxt)
            {
                receiveFin(nowNs);
            }
            else if (peerFinPending && rcvNxt == peerFinSeq)
            {
                // the hole before a held FIN filled (checklist 38)
                receiveFin(nowNs);
            }
            else if (len > 0)
            {
                if (oooCountBeforeFill > 0)
                {
                    // the hole filled → immediate cumulative ACK (checklist 13)
                    ackNow = true;
                }
                else
                {
                    scheduleAck(nowNs, len);
                }
                endpoint.markDirty(this);
            }
            else if (lenIn > 0)
            {
                // a wholly duplicate (or window-trimmed) segment → ACK (checklist 14, 16)
                ackNow = true;
                endpoint.markDirty(this);
            }
        }
        else
        {
            // out of order → immediate duplicate ACK with SACK (checklist 13); hold a FIN beyond a hole (38)
            if (len > 0)
            {
                storeOutOfOrder(seg, seq, off, len);
            }
            if (fin)
            {
                peerFinPending = true;
                peerFinSeq = seq + len;
            }
            ackNow = true;
            endpoint.markDirty(this);
        }
    }

    private int oooCountBeforeFill;

    private void acceptInOrder(final TcpSegment seg, final int seq, final int off, final int len)
    {
        oooCountBeforeFill = oooCount;
        if (inputShutdown)
        {
            // input side shut down: bytes acknowledged and discarded (checklist 39)
            rcvNxt += len;
            absorbOutOfOrder();
            readSeq = rcvNxt;
            return;
        }
        if (readSeq == rcvNxt && oooCount == 0 && !readBlocked)
        {
            // fast path: nothing queued, deliver straight from the segment (zero copy)
            rcvNxt += len;
            final int consumed = deliver(seg.payload, off, len);
            readSeq += consumed;
            if (consumed < len)
            {
                copyIntoRecvRing(seg.payload, off + consumed, seq + consumed, len - consumed);
                readBlocked = true;
            }
            return;
        }
        copyIntoRecvRing(seg.payload, off, seq, len);
        rcvNxt += len;
        absorbOutOfOrder();
        deliverFromRing();
    }

    private void absorbOutOfOrder()
    {
        boolean progress = true;
        while (progress)
        {
            progress = false;
            for (int i = 0; i < oooCount; i++)
            {
                if (leq(oooLeft[i], rcvNxt))
                {
                    if (gt(oooRight[i], rcvNxt))
                    {
                        rcvNxt = oooRight[i];
                    }
                    removeOoo(i);
                    progress = true;
                    break;
                }
            }
        }
    }

    private void removeOoo(final int i)
    {
        for (int j = i; j < oooCount - 1; j++)
        {
            oooLeft[j] = oooLeft[j + 1];
            oooRight[j] = oooRight[j + 1];
        }
        oooCount--;
    }

    private void storeOutOfOrder(final TcpSegment seg, final int seq, final int off, final int len)
    {
        int l = seq;
        int r = seq + len;
        int overlaps = 0;
        for (int i = 0; i < oooCount; i++)
        {
            if (leq(oooLeft[i], r) && geq(oooRight[i], l))
            {
                overlaps++;
            }
        }
        final int max = Math.min(OOO_MAX, config.maxOutOfOrderIntervals);
        if (overlaps == 0 && oooCount >= max)
        {
            counters.increment(DROP_OUT_OF_ORDER_FULL);
            return;
        }
        if (!inputShutdown)
        {
            copyIntoRecvRing(seg.payload, off, seq, len);
        }
        int i = 0;
        while (i < oooCount)
        {
            if (leq(oooLeft[i], r) && geq(oooRight[i], l))
            {
                l = SeqNum.min(l, oooLeft[i]);
                r = SeqNum.max(r, oooRight[i]);
                removeOoo(i);
            }
            else
            {
                i++;
            }
        }
        oooLeft[oooCount] = l;
        oooRight[oooCount] = r;
        oooCount++;
        oooLastLeft = seq;
        oooLastRight = seq + len;
    }

    private void copyIntoRecvRing(final DirectBuffer src, final int off, final int seq, final int len)
    {
        final int cap = recvCap;
        final int idx = seq & recvMask;
        final int first = Math.min(len, cap - idx);
        src.getBytes(off, recvArray, idx, first);
        if (first < len)
        {
            src.getBytes(off + first, recvArray, 0, len - first);
        }
    }

    private int deliver(final DirectBuffer buf, final int off, final int len)
    {
        final int consumed = endpoint.deliverData(this, buf, off, len);
        return consumed < 0 ? 0 : Math.min(consumed, len);
    }

    /** Offer unread ring bytes [readSeq, RCV.NXT) to the application, in contiguous chunks. */
    void deliverFromRing()
    {
        readBlocked = false;
        while (readSeq != rcvDataEnd() && (state != TcpState.CLOSED || closeAfterRead))
        {
            final int idx = readSeq & recvMask;
            final int chunk = Math.min(rcvDataEnd() - readSeq, recvCap - idx);
            final int consumed = deliver(recvBuffer, idx, chunk);
            readSeq += consumed;
            if (consumed < chunk)
            {
                readBlocked = true;
                return;
            }
        }
    }

    private void scheduleAck(final long nowNs, final int len)
    {
        // RFC 1122 §4.2.3.2 / RFC 5681 §4.2: ACK at least every second full-sized segment, else delay < 500 ms
        rcvBytesUnacked += len;
        if (rcvBytesUnacked >= 2 * rcvMss)
        {
            ackNow = true;
        }
        else if (delAckDeadlineNs == NONE)
        {
            delAckDeadlineNs = nowNs + config.delayedAckNs;
        }
    }

    private void receiveFin(final long nowNs)
    {
        // §3.10.7.4 eighth: FIN → ACK, end of stream (checklist 34-37)
        peerFinPending = false;
        rcvNxt++;
        peerFinReceived = true;
        ackNow = true;
        endpoint.markDirty(this);
        boolean timeWait = false;
        switch (state)
        {
            case SYN_RECEIVED:
            case ESTABLISHED:
                moveTo(TcpState.CLOSE_WAIT);
                break;
            case FIN_WAIT_1:
                if (finAcked)
                {
                    timeWait = true;
                }
                else
                {
                    moveTo(TcpState.CLOSING);
                }
                break;
            case FIN_WAIT_2:
                timeWait = true;
                break;
            default:
                break;
        }
        // end of stream first, then (for TIME-WAIT) the close event
        endpoint.connectionPeerClosed(this);
        if (timeWait && state != TcpState.CLOSED)
        {
            enterTimeWait(nowNs);
        }
    }

    private void enterTimeWait(final long nowNs)
    {
        moveTo(TcpState.TIME_WAIT);
        timeWaitDeadlineNs = nowNs + 2 * config.mslNs;
        rtoDeadlineNs = NONE;
        delAckDeadlineNs = NONE;
        persistMode = false;
        endpoint.connectionTimeWait(this);
    }

    private void resetByPeer()
    {
        counters.increment(CONNECTIONS_RESET);
        endpoint.connectionReset(this);
    }

    private void challengeAck(final long nowNs)
    {
        // RFC 5961 §7: rate limited per endpoint (checklist 52)
        if (endpoint.takeChallengeAckToken(nowNs))
        {
            counters.increment(CHALLENGE_ACKS);
            sendAck();
        }
        else
        {
            counters.increment(DROP_CHALLENGE_ACK_RATE_LIMITED);
        }
    }

    void sendAck()
    {
        ackNow = true;
        endpoint.markDirty(this);
    }

    void abortWithRst()
    {
        rstPending = state.isSynchronized() && state != TcpState.TIME_WAIT;
        endpoint.connectionAborted(this);
    }

    // ================================================================================================ app actions

    int write(final DirectBuffer src, final int off, final int len)
    {
        final int cap = sendCap;
        final int n = Math.min(len, cap - sendBytes);
        if (n > 0)
        {
            final int idx = (sendBase + sendBytes) & sendMask;
            final int first = Math.min(n, cap - idx);
            src.getBytes(off, sendArray, idx, first);
            mirror(idx, first);
            if (first < n)
            {
                src.getBytes(off + first, sendArray, 0, n - first);
                mirror(0, n - first);
            }
            sendBytes += n;
        }
        if (n < len)
        {
            writeBlocked = true;
        }
        return n;
    }

    private void mirror(final int idx, final int count)
    {
        if (idx < sendMirror)
        {
            System.arraycopy(sendArray, idx, sendArray, sendCap + idx, Math.min(count, sendMirror - idx));
        }
    }

    /** Queue our FIN after the queued data (RFC 9293 §3.10.4). */
    void queueFin()
    {
        if (finQueued)
        {
            return;
        }
        finQueued = true;
        switch (state)
        {
            case ESTABLISHED:
                moveTo(TcpState.FIN_WAIT_1);
                break;
            case CLOSE_WAIT:
                moveTo(TcpState.LAST_ACK);
                break;
            default:
                break;
        }
    }

    // ==================================================================================================== timers

    long currentRto()
    {
        long rto = rtoNs;
        for (int i = 0; i < backoff && rto < config.maxRtoNs; i++)
        {
            rto <<= 1;
        }
        return Math.min(rto, config.maxRtoNs);
    }

    private void rttSample(final long r)
    {
        // RFC 6298 §2
        if (!rttValid)
        {
            srttNs = r;
            rttvarNs = r / 2;
            rttValid = true;
        }
        else
        {
            final long delta = Math.abs(srttNs - r);
            rttvarNs = (3 * rttvarNs + delta) / 4;
            srttNs = (7 * srttNs + r) / 8;
        }
        rtoNs = Math.min(config.maxRtoNs,
            Math.max(config.minRtoNs, srttNs + Math.max(config.clockGranularityNs, 4 * rttvarNs)));
        backoff = 0;
    }

    private void updatePersist(final long nowNs)
    {
        // RFC 9293 §3.8.6.1: zero window with data queued and nothing in flight → persist timer (checklist 18)
        if (sndWnd == 0 && sendBytes > (sndMax - sndUna) && sndMax == sndUna && !persistMode)
        {
            persistMode = true;
            rtoDeadlineNs = nowNs + currentRto();
        }
    }

    public long nextDeadlineNs()
    {
        long d = rtoDeadlineNs;
        if (delAckDeadlineNs < d)
        {
            d = delAckDeadlineNs;
        }
        if (timeWaitDeadlineNs < d)
        {
            d = timeWaitDeadlineNs;
        }
        final long k = keepaliveDeadline();
        if (k < d)
        {
            d = k;
        }
        return d;
    }

    private long keepaliveDeadline()
    {
        if (!keepAlive || (state != TcpState.ESTABLISHED && state != TcpState.CLOSE_WAIT &&
            state != TcpState.FIN_WAIT_2))
        {
            return NONE;
        }
        return keepaliveProbesSent == 0 ? lastRecvNs + config.keepAliveIdleNs :
            lastRecvNs + config.keepAliveIdleNs + keepaliveProbesSent * config.keepAliveIntervalNs;
    }

    /** Run expired timers. */
    public void onTimer(final long nowNs)
    {
        if (timeWaitDeadlineNs <= nowNs)
        {
            // 2MSL elapsed ⇒ CLOSED (checklist 42); or an orphan's FIN-WAIT-2 timeout
            timeWaitDeadlineNs = NONE;
            endpoint.connectionFinished(this);
            return;
        }
        if (delAckDeadlineNs <= nowNs)
        {
            delAckDeadlineNs = NONE;
            ackNow = true;
            endpoint.markDirty(this);
        }
        if (rtoDeadlineNs <= nowNs)
        {
            rtoDeadlineNs = NONE;
            onRtoExpired(nowNs);
            if (state == TcpState.CLOSED)
            {
                return;
            }
        }
        if (keepaliveDeadline() <= nowNs)
        {
            if (keepaliveProbesSent >= config.keepAliveProbes)
            {
                // dead peer: abort and report a timeout (checklist 23)
                counters.increment(CONNECTIONS_TIMED_OUT);
                endpoint.connectionTimedOut(this);
                return;
            }
            keepaliveProbesSent++;
            keepalivePending = true;
            counters.increment(KEEPALIVE_PROBES);
            endpoint.markDirty(this);
        }
    }

    private void onRtoExpired(final long nowNs)
    {
        counters.increment(RTO_EXPIRIES);
        rttTiming = false;
        switch (state)
        {
            case SYN_SENT:
            case SYN_RECEIVED:
                // SYN / SYN-ACK retransmission with doubling RTO, bounded (checklist 11)
                retries++;
                if (retries > (state == TcpState.SYN_SENT || !passiveOpen ? config.synRetries : config.synAckRetries))
                {
                    counters.increment(CONNECTIONS_TIMED_OUT);
                    if (!appVisible && passiveOpen)
                    {
                        counters.increment(DROP_HALF_OPEN_TIMEOUT);
                    }
                    endpoint.connectionTimedOut(this);
                    return;
                }
                backoff++;
                synPending = true;
                counters.increment(RETRANSMITS);
                endpoint.markDirty(this);
                return;
            default:
                break;
        }
        if (persistMode)
        {
            // zero-window probe, then back off (checklist 18)
            probePending = true;
            retries++;
            if (retries > config.maxRetries)
            {
                counters.increment(CONNECTIONS_TIMED_OUT);
                endpoint.connectionTimedOut(this);
                return;
            }
            endpoint.markDirty(this);
            return;
        }
        if (sndMax == sndUna)
        {
            if (swsBlocked)
            {
                // the SWS override timeout: send the window-limited segment now
                swsBlocked = false;
                swsOverride = true;
                endpoint.markDirty(this);
            }
            return;
        }
        retries++;
        if (retries > config.maxRetries)
        {
            counters.increment(CONNECTIONS_TIMED_OUT);
            endpoint.connectionTimedOut(this);
            return;
        }
        // RFC 6298 §5.4-5.6: retransmit the earliest unacknowledged segment, back off (checklist 56, 58)
        backoff++;
        cc.onRto(sndMax - sndUna);
        inRecovery = false;
        dupAcks = 0;
        recover = sndMax;
        sackCount = 0;
        rexmitRequests = 0;
        sndNxt = sndUna;
        counters.increment(RETRANSMITS);
        endpoint.markDirty(this);
    }

    // ================================================================================================== dispatch

    /** Emit everything pending. The only place segments of this connection are produced. */
    public void dispatch(final long nowNs, final SegmentEmitter out)
    {
        final TcpSegment s = endpoint.txSegment;
        switch (state)
        {
            case CLOSED:
                if (rstPending)
                {
                    rstPending = false;
                    // RST <SEQ=SND.NXT> (checklist 46), but never past the peer's window: after a zero-window probe
                    // SND.NXT is beyond it and the peer drops the RST (Linux's tcp_acceptable_seq does the same)
                    final int windowEnd = sndUna + sndWnd;
                    header(s, leq(sndMax, windowEnd) ? sndMax : windowEnd, RST | ACK);
                    s.ack = rcvNxt;
                    s.window = 0;
                    counters.increment(RSTS_SENT);
                    out.emit(s);
                }
                return;
            case SYN_SENT:
                if (synPending)
                {
                    synPending = false;
                    header(s, iss, SYN);
                    s.ack = 0;
                    s.window = Math.min(65535, recvUsable);
                    synOptions(s, nowNs, true);
                    sndNxt = iss + 1;
                    sndMax = iss + 1;
                    armRtoOnSend(nowNs, iss);
                    out.emit(s);
                }
                return;
            case SYN_RECEIVED:
                if (synPending)
                {
                    synPending = false;
                    ackNow = false;
                    header(s, iss, SYN | ACK);
                    s.ack = rcvNxt;
                    s.window = Math.min(65535, recvUsable);
                    rcvAdvRight = rcvNxt + s.window;
                    synOptions(s, nowNs, false);
                    sndNxt = iss + 1;
                    sndMax = iss + 1;
                    armRtoOnSend(nowNs, iss);
                    out.emit(s);
                }
                if (ackNow)
                {
                    emitAck(s, nowNs, sndMax, out);
                }
                return;
            case TIME_WAIT:
                if (ackNow)
                {
                    emitAck(s, nowNs, sndMax, out);
                }
                return;
            default:
                break;
        }

        boolean sentSomething = false;
        // retransmissions requested by fast retransmit / partial ACK / SACK recovery (checklist 29, 57)
        while (rexmitRequests > 0)
        {
            rexmitRequests--;
            if (!retransmitHole(s, nowNs, out))
            {
                rexmitRequests = 0;
                break;
            }
            sentSomething = true;
        }
        if (probePending)
        {
            probePending = false;
            sentSomething |= sendProbe(s, nowNs, out);
        }
        sentSomething |= sendData(s, nowNs, out);
        updatePersist(nowNs);
        if (keepalivePending)
        {
            // keepalive probe <SEQ=SND.UNA-1> with no data (RFC 1122 §4.2.3.6)
            keepalivePending = false;
            if (!sentSomething)
            {
                emitAck(s, nowNs, sndUna - 1, out);
                sentSomething = true;
            }
        }
        if (ackNow && !sentSomething)
        {
            // a pure ACK carries SND.NXT as the peer knows it (sndMax), never a rewound retransmission point:
            // an older SEQ would be unacceptable to the peer and start an ACK storm
            emitAck(s, nowNs, sndMax, out);
        }
    }

    private void header(final TcpSegment s, final int seq, final int flags)
    {
        s.localIp = localIp;
        s.remoteIp = remoteIp;
        s.localPort = localPort;
        s.remotePort = remotePort;
        s.seq = seq;
        s.flags = flags;
        s.urgentPointer = 0;
        s.options.reset();
        s.payload = null;
        s.payloadOffset = 0;
        s.payloadLength = 0;
    }

    private void synOptions(final TcpSegment s, final long nowNs, final boolean active)
    {
        final TcpOptions o = s.options;
        o.mssPresent = true;
        o.mss = config.mss();
        if (active ? config.windowScaleEnabled : wsOk)
        {
            o.windowScalePresent = true;
            o.windowScale = active ? clampShift(config.windowScale) : rcvWscale;
        }
        if (active ? config.sackEnabled : sackOk)
        {
            o.sackPermitted = true;
        }
        if (active ? config.timestampsEnabled : tsOk)
        {
            o.timestampPresent = true;
            o.tsVal = tsNow(nowNs);
            o.tsEcr = active ? 0 : tsRecent;
        }
    }

    int tsNow(final long nowNs)
    {
        return (int)(nowNs / 1_000_000L) + tsOffset;
    }

    /** ACK fields common to every non-SYN segment: ACK, window, timestamps, SACK blocks. */
    private void ackFields(final TcpSegment s, final long nowNs)
    {
        s.flags |= ACK;
        s.ack = rcvNxt;
        s.window = windowField();
        final TcpOptions o = s.options;
        if (tsOk)
        {
            o.timestampPresent = true;
            o.tsVal = tsNow(nowNs);
            o.tsEcr = tsRecent;
        }
        if (sackOk && oooCount > 0)
        {
            // RFC 2018 §4: the first block covers the segment that triggered this ACK (checklist 28)
            final int max = tsOk ? 3 : 4;
            int n = 0;
            int first = -1;
            for (int i = 0; i < oooCount; i++)
            {
                if (leq(oooLeft[i], oooLastLeft) && geq(oooRight[i], oooLastRight))
                {
                    first = i;
                    o.sackLeft[n] = oooLeft[i];
                    o.sackRight[n] = oooRight[i];
                    n++;
                    break;
                }
            }
            for (int i = oooCount - 1; i >= 0 && n < max; i--)
            {
                if (i != first)
                {
                    o.sackLeft[n] = oooLeft[i];
                    o.sackRight[n] = oooRight[i];
                    n++;
                }
            }
            o.sackBlockCount = n;
        }
        lastAckSent = rcvNxt;
        ackNow = false;
        delAckDeadlineNs = NONE;
        rcvBytesUnacked = 0;
    }

    private int windowField()
    {
        // the advertised right edge RCV.NXT + RCV.WND never moves left (RFC 9293 §3.8.6.2.2, checklist 17)
        final int free = recvUsable - (rcvDataEnd() - readSeq);
        final int shift = rcvWscale;
        final int current = rcvAdvRight - rcvNxt;
        long field = Math.max(free, 0) >> shift;
        if (current > 0)
        {
            final long up = ((long)current + (1L << shift) - 1) >> shift;
            if (up > field)
            {
                field = up;
            }
        }
        if (field > 65535)
        {
            field = 65535;
        }
        final int right = rcvNxt + (int)(field << shift);
        if (gt(right, rcvAdvRight))
        {
            rcvAdvRight = right;
        }
        return (int)field;
    }

    private void emitAck(final TcpSegment s, final long nowNs, final int seq, final SegmentEmitter out)
    {
        header(s, seq, 0);
        ackFields(s, nowNs);
        out.emit(s);
    }

    private void armRtoOnSend(final long nowNs, final int seqStart)
    {
        lastSendNs = nowNs;
        if (rtoDeadlineNs == NONE)
        {
            rtoDeadlineNs = nowNs + (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED ?
                Math.min(config.maxRtoNs, config.initialRtoNs << Math.min(backoff, 30)) : currentRto());
        }
        if (!rttTiming && backoff == 0 && (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED))
        {
            rttTiming = true;
            rttSeq = seqStart;
            rttStartNs = nowNs;
        }
    }

    /**
     * Largest payload of one segment: the MSS less the options every data segment carries now (RFC 6691,
     * RFC 9293 §3.7.1): timestamps (12 bytes with their NOPs) and, while out-of-order data waits here, the SACK
     * blocks of {@link #ackFields} (4 + 8 per block). Without the SACK share, a full-sized segment sent while we
     * hold a hole would exceed the path MTU and vanish.
     */
    private int payloadMss()
    {
        int options = tsOk ? 12 : 0;
        if (sackOk && oooCount > 0)
        {
            options += 4 + 8 * Math.min(oooCount, tsOk ? 3 : 4);
        }
        return sndMss - options;
    }

    private int dataEnd()
    {
        return sendBase + sendBytes;
    }

    /** New data and go-back-N retransmission from SND.NXT, within min(cwnd, SND.WND) and Nagle (checklist 22). */
    /** RFC 1122 §4.2.3.4 suggests 0.1 to 1 s for the sender's SWS override timeout. */
    private static final long SWS_OVERRIDE_NS = 200_000_000L;

    private boolean sendData(final TcpSegment s, final long nowNs, final SegmentEmitter out)
    {
        boolean sent = false;
        final int maxPayload = payloadMss();
        if (sndMax == sndUna && sendBytes > 0 && nowNs - lastSendNs > currentRto())
        {
            // RFC 5681 §4.1: restart window after idle (checklist 58)
            cc.onIdleRestart(config.initialCwndSegments * payloadMss());
        }
        while (true)
        {
            final int end = dataEnd();
            final int avail = end - sndNxt;
            final int wnd = Math.min(sndWnd, cc.cwnd());
            final int usable = sndUna + wnd - sndNxt;
            int len = Math.min(Math.max(avail, 0), Math.max(usable, 0));
            len = Math.min(len, maxPayload);
            final int wholeLen = len;
            final boolean canFin = finQueued && !finAcked && sndNxt + len == end &&
                state != TcpState.ESTABLISHED && state != TcpState.CLOSE_WAIT;
            if (len <= 0 && !canFin)
            {
                break;
            }
            if (wholeLen < maxPayload && !canFin)
            {
                // sender SWS avoidance (RFC 1122 §4.2.3.4): no window-limited runt while data is in flight
                final boolean retransmitting = lt(sndNxt, sndMax);
                final boolean inFlight = sndNxt != sndUna;
                if (inFlight && wholeLen < avail)
                {
                    break;
                }
                // Nagle (RFC 896): a small segment waits while new data is unacknowledged, unless no-delay
                if (!retransmitting && sndMax != sndUna && !noDelay)
                {
                    break;
                }
                if (!retransmitting && !inFlight && wholeLen < avail && wholeLen < maxSndWnd / 2 && !swsOverride)
                {
                    // RFC 1122 §4.2.3.4: hold the runt, but an override timeout must send it eventually
                    swsBlocked = true;
                    if (rtoDeadlineNs == NONE)
                    {
                        rtoDeadlineNs = nowNs + Math.min(currentRto(), SWS_OVERRIDE_NS);
                    }
                    break;
                }
            }
            final boolean retransmit = lt(sndNxt, sndMax);
            swsBlocked = false;
            swsOverride = false;
            emitSegment(s, nowNs, sndNxt, len, canFin, out);
            if (retransmit)
            {
                counters.increment(RETRANSMITS);
            }
            else if (!rttTiming && len > 0)
            {
                rttTiming = true;
                rttSeq = sndNxt;
                rttStartNs = nowNs;
            }
            if (canFin)
            {
                finSent = true;
                finSeq = sndNxt + len;
            }
            sndNxt += len + (canFin ? 1 : 0);
            if (gt(sndNxt, sndMax))
            {
                sndMax = sndNxt;
            }
            sent = true;
            if (canFin)
            {
                break;
            }
        }
        return sent;
    }

    private void emitSegment(
        final TcpSegment s, final long nowNs, final int seq, final int len, final boolean fin,
        final SegmentEmitter out)
    {
        header(s, seq, (fin ? FIN : 0) | (len > 0 && seq + len == dataEnd() ? PSH : 0));
        ackFields(s, nowNs);
        if (len > 0)
        {
            s.payload = sendBuffer;
            s.payloadOffset = seq & sendMask;
            s.payloadLength = len;
        }
        lastSendNs = nowNs;
        if (rtoDeadlineNs == NONE && !persistMode)
        {
            rtoDeadlineNs = nowNs + currentRto();
        }
        out.emit(s);
    }

    /** Retransmit the next hole: the segment at SND.UNA, or with SACK the next unSACKed range (checklist 29). */
    private boolean retransmitHole(final TcpSegment s, final long nowNs, final SegmentEmitter out)
    {
        int from = geq(rexmitNxt, sndUna) ? rexmitNxt : sndUna;
        int limit;
        if (sackOk && sackCount > 0)
        {
            limit = sackR[sackCount - 1];
            for (int i = 0; i < sackCount; i++)
            {
                if (geq(from, sackL[i]) && lt(from, sackR[i]))
                {
                    from = sackR[i];
                }
            }
            if (!lt(from, limit))
            {
                return false;
            }
            for (int i = 0; i < sackCount; i++)
            {
                if (gt(sackL[i], from))
                {
                    limit = sackL[i];
                    break;
                }
            }
        }
        else
        {
            if (from != sndUna)
            {
                return false;
            }
            limit = sndMax;
        }
        final int end = dataEnd();
        final int maxPayload = payloadMss();
        final int len = Math.min(Math.min(limit - from, maxPayload), Math.max(end - from, 0));
        final boolean fin = finSent && from + len == finSeq && lt(finSeq, limit);
        if (len <= 0 && !fin)
        {
            return false;
        }
        emitSegment(s, nowNs, from, len, fin, out);
        counters.increment(RETRANSMITS);
        rexmitNxt = from + len + (fin ? 1 : 0);
        rttTiming = false;
        return true;
    }

    /** A one-byte zero-window probe at SND.UNA (RFC 9293 §3.8.6.1), backing off (checklist 18). */
    private boolean sendProbe(final TcpSegment s, final long nowNs, final SegmentEmitter out)
    {
        if (sendBytes == 0)
        {
            return false;
        }
        counters.increment(ZERO_WINDOW_PROBES);
        emitSegment(s, nowNs, sndUna, 1, false, out);
        if (gt(sndUna + 1, sndMax))
        {
            sndMax = sndUna + 1;
        }
        sndNxt = sndMax;
        backoff++;
        rtoDeadlineNs = nowNs + currentRto();
        return true;
    }

}
