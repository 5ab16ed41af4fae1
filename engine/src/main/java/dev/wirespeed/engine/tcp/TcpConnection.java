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
 * Both rings are {@link ChunkRing}s borrowed from the endpoint's {@link ChunkPool} only while they hold bytes: an
 * idle connection holds no buffer. When the pool's budget is used up, a write is accepted only partly and the
 * receive window shrinks (flow control, counted), never an error.
 * <p>
 * Not thread safe.
 * <p>
 * Behaviour numbers refer to the numbered list in docs/TCP-BEHAVIOUR.md.
 */
final class TcpConnection
{
    static final long NONE = Long.MAX_VALUE;
    static final long PAWS_IDLE_NS = 24L * 24 * 3600 * 1_000_000_000L;
    static final int OOO_MAX = RangeArrayPool.RANGES;
    static final int SACK_SCOREBOARD = RangeArrayPool.RANGES;
    private static final int MIN_MSS_CLAMP = 64;
    private static final char DEFAULT_MSS = 536;

    /** Owns this TCB; its config, counters, buffer pool and buffer geometry (the same for every connection). */
    final TcpEndpoint endpoint;
    /** The pool slot; with the endpoint's generation of the slot it makes the connection's id ({@link #id()}). */
    final int slot;

    int localIp;
    int remoteIp;
    // ports, MSS and window shifts are held narrow (char: 0..65535, byte: 0..14) for an idle connection's size
    char localPort;
    char remotePort;
    TcpState state = TcpState.CLOSED;
    char listenerPort;


    // ---- flags: one bit each in bits (four bytes instead of one per flag), read and written through the accessors
    // at the end of the class
    private static final int PASSIVE_OPEN = 1 << 0;
    private static final int APP_VISIBLE = 1 << 1;
    /** TIME-WAIT was entered with received bytes still unread: the app keeps the connection until it reads them. */
    private static final int CLOSE_AFTER_READ = 1 << 2;
    private static final int APP_CLOSED = 1 << 3;
    private static final int WS_OK = 1 << 4;
    private static final int SACK_OK = 1 << 5;
    private static final int TS_OK = 1 << 6;
    private static final int READ_BLOCKED = 1 << 7;
    private static final int INPUT_SHUTDOWN = 1 << 8;
    private static final int WRITE_BLOCKED = 1 << 9;
    /** A write was cut short by the buffer budget: the endpoint wakes us when chunks come back. */
    private static final int BUDGET_WAITING = 1 << 10;
    private static final int FIN_QUEUED = 1 << 11;
    private static final int FIN_SENT = 1 << 12;
    private static final int FIN_ACKED = 1 << 13;
    private static final int PEER_FIN_RECEIVED = 1 << 14;
    private static final int SYN_PENDING = 1 << 15;
    private static final int ACK_NOW = 1 << 16;
    private static final int RST_PENDING = 1 << 17;
    private static final int PROBE_PENDING = 1 << 18;
    private static final int KEEPALIVE_PENDING = 1 << 19;
    /** Set by {@link #freeReceiveSpace}: the budget limits a connection with unread bytes; its window may shrink. */
    private static final int BUDGET_SHRINK = 1 << 20;
    /** Received bytes found no chunk: no one-MSS allowance until a chunk is free again. */
    private static final int BUDGET_DROPPED = 1 << 21;
    /** The budget shrank the window: {@link #shrunkRight()} is the edge advertised before, still honoured. */
    private static final int SHRUNK = 1 << 22;
    /** The app asked for an orderly close once it has consumed every received byte ({@link #closeWhenRead()}). */
    private static final int CLOSE_WHEN_READ = 1 << 23;
    /** Keepalive probes are on for this connection ({@link #keepAlive(boolean)}). */
    private static final int KEEP_ALIVE = 1 << 24;
    /** Nagle's algorithm is off for this connection ({@link #noDelay(boolean)}). */
    private static final int NO_DELAY = 1 << 25;
    private int bits;

    // ---- send sequence space (RFC 9293 §3.3.1)
    int sndUna;
    /** The RFC's SND.NXT: the highest sequence number sent so far, plus one. */
    int sndNxt;
    /** Where {@link #sendData} continues: SND.NXT, except after an RTO when it goes back to SND.UNA (go-back-N). */
    int sendCursor;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int maxSndWnd;
    byte sndWscale;
    byte rcvWscale;
    char sndMss;
    int tsRecent;
    /** When TS.Recent was last set; older than 24 days it is invalid for PAWS (RFC 7323 §5.5). */
    long tsRecentNs;
    int lastAckSent;
    int tsOffset;

    // ---- receive sequence space
    int rcvNxt;
    int rcvAdvRight;
    int readSeq;
    char rcvMss = DEFAULT_MSS;

    // ---- rings: chunked, borrowed from the endpoint's pool only while they hold bytes; in the TransferState
    int sendBase;
    int sendBytes;

    // ---- FIN

    // ---- output requests

    // ---- timers: one named deadline each, in the TransferState (NONE without one); keepalive's is computed from
    // lastRecvNs, so an idle connection needs no TransferState
    long lastRecvNs;
    long lastSendNs;

    // ---- RTT (RFC 6298): the endpoint's RttEstimator keeps it, in its arrays at this connection's slot

    // ---- congestion and recovery
    final CongestionControl cc;
    int recover;

    /**
     * The transfer and recovery state (deadlines, out-of-order set, SACK scoreboard, PRR, ...): borrowed from the
     * endpoint's {@link TransferPool} while any of it is not at rest, null for an idle connection.
     */
    private TransferState transfer;

    TcpConnection(final TcpEndpoint endpoint, final int slot)
    {
        this.endpoint = endpoint;
        this.slot = slot;
        this.cc = endpoint.config.congestionControl.get();
    }

    // =================================================================================================== accessors

    /** Give every chunk back (TIME-WAIT, close, abort, release): a connection without bytes holds no buffer. */
    void releaseBuffers()
    {
        releaseSendRing();
        releaseRecvRing();
    }

    private void releaseSendRing()
    {
        final ChunkRing r = sendRing();
        if (r != null)
        {
            sendRing(null);
            r.releaseAll(endpoint.pool);
            endpoint.pool.returnRing(r);
        }
    }

    private void releaseRecvRing()
    {
        final ChunkRing r = recvRing();
        if (r != null)
        {
            recvRing(null);
            r.releaseAll(endpoint.pool);
            endpoint.pool.returnRing(r);
        }
    }

    /** Chunks held now (send and receive): 0 for an idle connection. */
    int chunksHeld()
    {
        return (sendRing() == null ? 0 : sendRing().held()) + (recvRing() == null ? 0 : recvRing().held());
    }

    int recvUsable()
    {
        return endpoint.recvUsable;
    }

    /** The id the application knows this connection by: the slot's generation and the slot. */
    long id()
    {
        return endpoint.idOf(slot);
    }

    TcpState state()
    {
        return state;
    }

    int sndUna()
    {
        return sndUna;
    }

    /** The RFC's SND.NXT: one past the highest sequence number sent. */
    int sndNxt()
    {
        return sndNxt;
    }

    int rcvNxt()
    {
        return rcvNxt;
    }

    int sndWnd()
    {
        return sndWnd;
    }

    int cwnd()
    {
        return cc.cwnd();
    }

    int ssthresh()
    {
        return cc.ssthresh();
    }

    int effectiveMss()
    {
        return sndMss;
    }

    long rtoNs()
    {
        return endpoint.rtt.rtoNs(slot);
    }

    long srttNs()
    {
        return endpoint.rtt.srttNs(slot);
    }

    int sendQueued()
    {
        return sendBytes;
    }

    /** Size of the send buffer: a write takes at most {@code sendCapacity() - sendQueued()} bytes. */
    int sendCapacity()
    {
        return endpoint.sendCap;
    }

    int unreadBytes()
    {
        return rcvDataEnd() - readSeq;
    }

    int rcvDataEnd()
    {
        return peerFinReceived() ? rcvNxt - 1 : rcvNxt;
    }

    boolean windowScaling()
    {
        return wsOk();
    }

    int peerWindowScale()
    {
        return sndWscale;
    }

    boolean timestamps()
    {
        return tsOk();
    }

    boolean sack()
    {
        return sackOk();
    }

    int tsRecent()
    {
        return tsRecent;
    }

    int localPort()
    {
        return localPort;
    }

    int remotePort()
    {
        return remotePort;
    }

    int localIp()
    {
        return localIp;
    }

    int remoteIp()
    {
        return remoteIp;
    }

    public String toString()
    {
        return "TcpConnection{" + state + " una=" + Integer.toUnsignedString(sndUna) +
            " nxt=" + Integer.toUnsignedString(sndNxt) + " rcv=" + Integer.toUnsignedString(rcvNxt) + "}";
    }

    // ================================================================================================= lifecycle

    /** Every state change goes through here, so the endpoint's per-state gauge stays exact. */
    void moveTo(final TcpState next)
    {
        endpoint.counters.onStateChange(state, next);
        state = next;
    }

    void reset()
    {
        moveTo(TcpState.CLOSED);
        bits = 0;
        listenerPort = 0;
        sndUna = sendCursor = sndNxt = sndWnd = sndWl1 = sndWl2 = maxSndWnd = 0;
        sndWscale = rcvWscale = 0;
        sndMss = DEFAULT_MSS;
        tsRecent = lastAckSent = tsOffset = 0;
        tsRecentNs = 0;
        rcvNxt = rcvAdvRight = readSeq = 0;
        rcvMss = DEFAULT_MSS;
        sendBase = sendBytes = 0;
        releaseBuffers();
        lastRecvNs = lastSendNs = 0;
        keepAliveOn(endpoint.config.keepAlive);
        noDelayOn(endpoint.config.noDelay);
        endpoint.rtt.reset(slot);
        recover = 0;
        releaseTransfer();
    }

    private void clearDeadlines()
    {
        rtoDeadlineNs(NONE);
        persistDeadlineNs(NONE);
        swsDeadlineNs(NONE);
        delAckDeadlineNs(NONE);
        tlpDeadlineNs(NONE);
        rackDeadlineNs(NONE);
        timeWaitDeadlineNs(NONE);
        finWait2DeadlineNs(NONE);
    }

    void initTuple(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        this.localIp = localIp;
        this.localPort = (char)localPort;
        this.remoteIp = remoteIp;
        this.remotePort = (char)remotePort;
    }

    /** Active open (RFC 9293 §3.10.1): choose ISS, queue the SYN ⇒ SYN-SENT. */
    void openActive(final long nowNs, final int initialSeq, final int timestampOffset)
    {
        iss(initialSeq);
        sndUna = initialSeq;
        sendCursor = initialSeq;
        sndNxt = initialSeq;
        recover = initialSeq;
        sendBase = initialSeq + 1;
        rcvWscale = endpoint.config.windowScaleEnabled ? clampShift(endpoint.config.windowScale) : 0;
        tsOffset = timestampOffset;
        appVisible(true);
        moveTo(TcpState.SYN_SENT);
        synPending(true);
        lastRecvNs = nowNs;
    }

    /** Passive open from a SYN on a listener (RFC 9293 §3.10.7.2) ⇒ SYN-RECEIVED, SYN-ACK queued. */
    void openPassive(
        final long nowNs, final TcpSegment syn, final int initialSeq, final int timestampOffset, final int listenerPort)
    {
        passiveOpen(true);
        this.listenerPort = (char)listenerPort;
        iss(initialSeq);
        sndUna = initialSeq;
        sendCursor = initialSeq;
        sndNxt = initialSeq;
        recover = initialSeq;
        sendBase = initialSeq + 1;
        tsOffset = timestampOffset;
        acceptSynOptions(nowNs, syn);
        irs(syn.seq);
        rcvNxt = syn.seq + 1;
        readSeq = rcvNxt;
        lastAckSent = rcvNxt;
        rcvAdvRight = rcvNxt + synWindow();
        // the window of a SYN is never scaled (RFC 7323 §2.2)
        sndWnd = syn.window & 0xffff;
        maxSndWnd = sndWnd;
        sndWl1 = syn.seq;
        sndWl2 = initialSeq;
        moveTo(TcpState.SYN_RECEIVED);
        synPending(true);
        lastRecvNs = nowNs;
        if (syn.payloadLength > 0)
        {
            endpoint.counters.increment(DROP_SYN_DATA);
        }
    }

    /** Connection created straight into ESTABLISHED from a valid SYN cookie (RFC 4987 §3.6). */
    void openFromCookie(
        final long nowNs, final TcpSegment ack, final int mss, final boolean ws, final int peerShift,
        final boolean sack, final int listenerPort)
    {
        passiveOpen(true);
        this.listenerPort = (char)listenerPort;
        iss(ack.ack - 1);
        sndUna = ack.ack;
        sendCursor = ack.ack;
        sndNxt = ack.ack;
        recover = iss();
        sendBase = ack.ack;
        tsOffset = 0;
        irs(ack.seq - 1);
        rcvNxt = ack.seq;
        readSeq = rcvNxt;
        lastAckSent = rcvNxt;
        sndMss = mss16(Math.max(MIN_MSS_CLAMP, Math.min(mss, endpoint.config.mss())));
        wsOk(ws && endpoint.config.windowScaleEnabled);
        sndWscale = wsOk() ? clampShift(peerShift) : 0;
        rcvWscale = wsOk() ? clampShift(endpoint.config.windowScale) : 0;
        tsOk(ack.options.timestampPresent && endpoint.config.timestampsEnabled);
        sackOk(sack && tsOk() && endpoint.config.sackEnabled);
        tsRecent = ack.options.tsVal;
        tsRecentNs = nowNs;
        rcvAdvRight = rcvNxt + synWindow();
        sndWnd = (ack.window & 0xffff) << sndWscale;
        maxSndWnd = sndWnd;
        sndWl1 = ack.seq;
        sndWl2 = ack.ack;
        cc.init(payloadMss(), endpoint.config.initialCwndSegments * payloadMss());
        moveTo(TcpState.ESTABLISHED);
        lastRecvNs = nowNs;
        announceEstablished();
    }

    private void acceptSynOptions(final long nowNs, final TcpSegment syn)
    {
        final TcpOptions o = syn.options;
        // RFC 9293 §3.7.1: no MSS option means 536; clamp absurd values (behaviours 25, 26)
        final TcpConfig config = endpoint.config;
        final int peerMss = o.mssPresent ? Math.max(MIN_MSS_CLAMP, Math.max(config.minMss, o.mss)) : DEFAULT_MSS;
        sndMss = mss16(Math.min(peerMss, endpoint.config.mss()));
        // RFC 7323 §2.2: window scale only when both sides send it; shift > 14 is 14
        wsOk(o.windowScalePresent && endpoint.config.windowScaleEnabled);
        sndWscale = wsOk() ? clampShift(o.windowScale) : 0;
        rcvWscale = wsOk() ? clampShift(endpoint.config.windowScale) : 0;
        sackOk(o.sackPermitted && endpoint.config.sackEnabled);
        tsOk(o.timestampPresent && endpoint.config.timestampsEnabled);
        if (tsOk())
        {
            tsRecent = o.tsVal;
            tsRecentNs = nowNs;
        }
    }

    private static byte clampShift(final int shift)
    {
        return (byte)Math.min(14, Math.max(0, shift));
    }

    /** An MSS as held here: 16 bits, like the MSS option that carries it (RFC 9293 §3.2). */
    private static char mss16(final int mss)
    {
        return (char)Math.min(mss, 0xffff);
    }

    // =================================================================================================== process

    /**
     * Apply one arriving segment, in RFC 9293 §3.10.7 order. Does no I/O; marks what {@link #dispatch} must send.
     * Only for states other than CLOSED/LISTEN (those are the endpoint's, §3.10.7.1-2).
     */
    void process(final long nowNs, final TcpSegment seg)
    {
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
            // §3.10.7.3 first: ACK ≤ ISS or > SND.NXT → RST <SEQ=SEG.ACK> unless RST (behaviour 5)
            if (leq(seg.ack, iss()) || gt(seg.ack, sndNxt))
            {
                endpoint.counters.increment(DROP_SYN_SENT_BAD_ACK);
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
            // §3.10.7.3 second: RST with acceptable ACK ⇒ CLOSED, "connection refused"; else drop (behaviour 6)
            if (ackAcceptable)
            {
                endpoint.counters.increment(CONNECTIONS_RESET);
                retire(RETIRE_RESET);
            }
            else
            {
                endpoint.counters.increment(DROP_SYN_SENT_RST_UNACCEPTABLE);
            }
            return;
        }
        if ((flags & SYN) == 0)
        {
            // §3.10.7.3 fifth: neither SYN nor RST, drop (a bare FIN too, behaviour 7)
            endpoint.counters.increment(DROP_SYN_SENT_NO_SYN);
            return;
        }
        // §3.10.7.3 fourth: SYN
        acceptSynOptions(nowNs, seg);
        irs(seg.seq);
        rcvNxt = seg.seq + 1;
        readSeq = rcvNxt;
        lastAckSent = rcvNxt;
        rcvAdvRight = rcvNxt + synWindow();
        lastRecvNs = nowNs;
        if (ackAcceptable)
        {
            // SYN-ACK acking our SYN ⇒ ESTABLISHED, → ACK <SEQ=SND.NXT, ACK=RCV.NXT> (behaviour 4)
            sndWnd = seg.window & 0xffff;
            maxSndWnd = sndWnd;
            sndWl1 = seg.seq;
            sndWl2 = seg.ack;
            rttOnAck(seg.ack, nowNs);
            sndUna = seg.ack;
            sendCursor = sndNxt;
            rtoDeadlineNs(NONE);
            endpoint.rtt.afterHandshakeWithoutSample(slot);
            endpoint.rtt.clearBackoff(slot);
            retries(0);
            synPending(false);
            cc.init(payloadMss(), endpoint.config.initialCwndSegments * payloadMss());
            moveTo(finQueued() ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED);
            ackNow(true);
            endpoint.markDirty(this);
            announceEstablished();
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
        // simultaneous open: SYN without ACK → SYN-ACK with our same ISS ⇒ SYN-RECEIVED (behaviour 8)
        sndWnd = seg.window & 0xffff;
        maxSndWnd = sndWnd;
        sndWl1 = seg.seq;
        sndWl2 = iss();
        sendCursor = iss();
        moveTo(TcpState.SYN_RECEIVED);
        synPending(true);
        stopRttTiming();
        rtoDeadlineNs(NONE);
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

        final boolean retransmittedSyn = state == TcpState.SYN_RECEIVED && seq == irs();
        if ((flags & (SYN | RST)) == SYN && !retransmittedSyn)
        {
            // RFC 5961 §4: a SYN in any synchronized state → challenge ACK, never RST (behaviours 47, 50). First, with
            // or without timestamps (behaviour 30): a rebooted peer that does not use them must be able to clear a
            // half-open connection, as with Linux
            endpoint.counters.increment(DROP_SYN_IN_WINDOW);
            challengeAck(nowNs);
            return;
        }
        // RFC 7323 §3.2: once negotiated, a non-RST segment without timestamps is dropped silently (behaviour 30)
        if (tsOk() && !opts.timestampPresent && (flags & RST) == 0)
        {
            endpoint.counters.increment(DROP_MISSING_TIMESTAMP);
            return;
        }
        // RFC 7323 §5.3 PAWS: TSval older than TS.Recent, RST off → ACK and drop (behaviour 31)
        if (tsOk() && (flags & RST) == 0 && lt(opts.tsVal, tsRecent) && nowNs - tsRecentNs <= PAWS_IDLE_NS)
        {
            endpoint.counters.increment(DROP_PAWS);
            sendAck();
            return;
        }

        // SYN-RECEIVED: a retransmitted SYN (same IRS) → SYN-ACK again; its SYN-ACK twin (simultaneous open)
        // carries the duplicate SYN we trim (RFC 9293 §3.10.7.4 first, trimming)
        if (retransmittedSyn && (flags & (SYN | RST)) == SYN)
        {
            if ((flags & ACK) == 0)
            {
                synPending(true);
                endpoint.markDirty(this);
                return;
            }
            seq = seq + 1;
            segFlags &= ~SYN;
        }

        final int segLen = payloadLength + ((segFlags & FIN) != 0 ? 1 : 0);
        final int rcvWnd = acceptWindow();

        // §3.10.7.4 first: sequence number acceptability
        if ((segFlags & RST) != 0)
        {
            // §3.10.7.4 second + RFC 5961 §3: RST exactly at RN resets, elsewhere in window → challenge ACK,
            // outside → silent drop (behaviours 3, 49); TIME-WAIT ignores RSTs (RFC 1337, behaviour 41)
            if (state == TcpState.TIME_WAIT)
            {
                endpoint.counters.increment(DROP_TIME_WAIT_RST);
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
            endpoint.counters.increment(DROP_RST_OUT_OF_WINDOW);
            return;
        }

        // RW = 0: no data acceptable, but ACK/URG/RST still processed (behaviour 16); text is trimmed below
        if (!SeqNum.acceptable(seq, segLen, rcvNxt, rcvWnd))
        {
            // unacceptable: → ACK <SEQ=SND.NXT, ACK=RCV.NXT> and drop (behaviours 14, 16, 23, 41)
            endpoint.counters.increment(DROP_OUT_OF_WINDOW);
            if (state == TcpState.TIME_WAIT && (segFlags & FIN) != 0 && seq + segLen == rcvNxt)
            {
                // a retransmitted FIN in TIME-WAIT → ACK and restart 2MSL (behaviour 41)
                timeWaitDeadlineNs(nowNs + 2 * endpoint.config.mslNs);
            }
            if (payloadLength == 0 && (segFlags & (SYN | FIN)) == 0 && !oowAckAnswerDue(nowNs))
            {
                endpoint.counters.increment(DROP_OOW_ACK_RATE_LIMITED);
                return;
            }
            sendAck();
            return;
        }
        lastRecvNs = nowNs;
        keepaliveProbesSent(0);
        if (sndWnd == 0)
        {
            // RFC 9293 §3.8.6.1: a receiver that answers keeps its zero window as long as it likes (a buffer budget
            // may even shrink it to zero under data in flight); probes and retransmissions only time out unanswered
            retries(0);
        }

        // §3.10.7.4 fifth: ACK
        if ((segFlags & ACK) == 0)
        {
            // no ACK bit: drop (behaviours 21, 62 "FIN without ACK")
            endpoint.counters.increment(DROP_NO_ACK);
            return;
        }
        if (state == TcpState.SYN_RECEIVED)
        {
            // SU < ACK ≤ SN ⇒ ESTABLISHED; else → RST <SEQ=SEG.ACK> and stay (behaviour 2)
            if (gt(seg.ack, sndUna) && leq(seg.ack, sndNxt))
            {
                rttOnAck(seg.ack, nowNs);
                stopRttTiming();
                sndUna = seg.ack;
                sendCursor = sndNxt;
                sndWnd = peerWindow(seg);
                maxSndWnd = sndWnd;
                sndWl1 = seq;
                sndWl2 = seg.ack;
                rtoDeadlineNs(NONE);
                endpoint.rtt.clearBackoff(slot);
                retries(0);
                synPending(false);
                cc.init(payloadMss(), endpoint.config.initialCwndSegments * payloadMss());
                moveTo(TcpState.ESTABLISHED);
                announceEstablished();
                if (state == TcpState.CLOSED)
                {
                    return;
                }
                if (tsOk())
                {
                    tsRecent = opts.tsVal;
                    tsRecentNs = nowNs;
                }
                if (finQueued())
                {
                    moveTo(TcpState.FIN_WAIT_1);
                }
                endpoint.markDirty(this);
            }
            else
            {
                endpoint.counters.increment(DROP_ACK_UNACCEPTABLE);
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
        // (behaviour 32)
        if (tsOk() && opts.timestampPresent && leq(seq, lastAckSent) &&
            (geq(opts.tsVal, tsRecent) || nowNs - tsRecentNs > PAWS_IDLE_NS))
        {
            tsRecent = opts.tsVal;
            tsRecentNs = nowNs;
        }

        // §3.10.7.4 sixth: URG. Urgent data is inline (RFC 6093); an invalid pointer is ignored (behaviour 24)
        if ((segFlags & TcpSegment.URG) != 0 && (seg.urgentPointer == 0 || seg.urgentPointer > payloadLength))
        {
            endpoint.counters.increment(DROP_URGENT_INVALID);
        }

        // §3.10.7.4 seventh and eighth: text and FIN
        processText(nowNs, seg, seq, payloadOffset, payloadLength, segFlags);
    }

    /**
     * An out-of-window pure ACK is answered at most once per {@link #OOW_ACK_INTERVAL_NS} (behaviour 14), as Linux
     * does (tcp_invalid_ratelimit): two ends that each find the other's pure ACKs out of window would otherwise
     * answer each other without end, at wire speed, until the connection times out (the simulation met such a
     * loop). Segments with data, SYN or FIN are always answered; a peer's keepalive comes far less often.
     */
    private boolean oowAckAnswerDue(final long nowNs)
    {
        final long last = transfer == null ? Long.MIN_VALUE : transfer.oowAckNs;
        if (last != Long.MIN_VALUE && nowNs - last < OOW_ACK_INTERVAL_NS)
        {
            return false;
        }
        transfer().oowAckNs(nowNs);
        return true;
    }

    private static final long OOW_ACK_INTERVAL_NS = 500_000_000L;

    /**
     * The window a segment offers: scaled, except in a segment with SYN set (RFC 7323 §2.2), such as the peer's
     * SYN-ACK of a simultaneous open arriving in SYN-RECEIVED; scaling that one made a window of 3584 bytes 1.8 MB,
     * the sender overran the peer's window and both sides' ACKs fell outside the other's (found by the simulation).
     */
    private int peerWindow(final TcpSegment seg)
    {
        return (seg.flags & SYN) != 0 ? seg.window & 0xffff : (seg.window & 0xffff) << sndWscale;
    }

    /** §3.10.7.4 fifth, for ESTABLISHED and later. Returns false when the segment must be dropped. */
    private boolean processAck(
        final long nowNs, final TcpSegment seg, final int seq, final int payloadLength, final int segFlags)
    {
        final int ack = seg.ack;
        // RFC 5961 §5: ACK outside [SU − MAX.SND.WND, SN] → ACK and drop (behaviours 19, 51)
        if (gt(ack, sndNxt) || lt(ack, sndUna - maxSndWnd))
        {
            endpoint.counters.increment(DROP_ACK_UNACCEPTABLE);
            sendAck();
            return false;
        }
        final int unaBefore = sndUna;
        final int sackedBefore = scoreboard().totalBytes();
        final boolean sackedNew = sackOk() && seg.options.sackBlockCount > 0 && recordSack(seg.options);
        if (sackedNew)
        {
            armReorderWindow(nowNs);
        }
        if (persistMode())
        {
            // an ACKed probe keeps the connection alive (behaviour 18)
            retries(0);
        }
        final int newWnd = peerWindow(seg);
        long rttSample = 0;
        if (gt(ack, sndUna))
        {
            rttSample = onNewAck(nowNs, ack);
            if (state == TcpState.CLOSED)
            {
                return false;
            }
            if (sackedNew && !inRecovery() && !persistMode() && sndNxt != sndUna && sackSaysLost() &&
                geq(sndUna, recover))
            {
                // RFC 8985 §6.2 detects losses on every ACK: one that moves SND.UNA and SACKs more than DupThresh
                // segments above a new hole starts recovery now, not a reordering window later (behaviour 65)
                enterRecovery(nowNs);
            }
        }
        else if (ack == sndUna)
        {
            // RFC 5681 §2 duplicate ACK: no data, no SYN/FIN, same window, data outstanding (behaviour 57). An ACK
            // that SACKs new data counts too, whatever its window or payload (RFC 6675 §2, "DupAcks"): a receiver
            // whose window shrinks as out-of-order data fills its buffer (Linux) never repeats its window exactly,
            // and one sending data of its own (an echo) piggybacks every ACK
            final boolean classicDup = payloadLength == 0 && (segFlags & (SYN | FIN)) == 0 && newWnd == sndWnd;
            if ((classicDup || sackedNew) && sndNxt != sndUna && !persistMode() && sndWnd != 0)
            {
                onDupAck(nowNs, sackedNew);
            }
            else
            {
                dupAcks(0);
            }
        }
        // else ACK below SU: old duplicate, ignored (behaviour 20)
        if (sackedNew)
        {
            checkRetransmissionsLost(nowNs);
        }
        // the controller's model (behaviour 68): delivered data, an RTT sample if this ACK gave one (Karn's rule)
        if (cc.wantsDelivered())
        {
            final SeqRangeSet sb = scoreboard();
            cc.onDelivered(nowNs, (sndUna - unaBefore) + (sb.totalBytes() - sackedBefore), pipe(), sndNxt,
                sb.isEmpty() ? sndUna : SeqNum.max(sndUna, sb.highestRight()), rttSample, !gt(dataEnd(), sndNxt));
        }
        if (inRecovery() && sackOk())
        {
            // RFC 6937: DeliveredData = ΔSND.UNA + ΔSACKed decides what this ACK lets us send (behaviour 66)
            transfer().prr.onAck((sndUna - unaBefore) + (scoreboard().totalBytes() - sackedBefore), pipe(),
                cc.ssthresh(), payloadMss());
        }

        // RFC 9293 §3.10.7.4: window update under the SND.WL1/WL2 rule (behaviour 20)
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
            if (sndWnd > 0 && (wasZero || persistMode()))
            {
                // the window opened: leave persist mode and resend from SND.UNA (behaviour 18)
                if (persistMode())
                {
                    // a probe byte not acknowledged was not accepted: resend it as ordinary data
                    persistMode(false);
                    persistDeadlineNs(NONE);
                    rtoDeadlineNs(NONE);
                    sendCursor = sndUna;
                    if (!finSent() && sndNxt == sndUna + 1)
                    {
                        sndNxt = sndUna;
                    }
                    else if (sndNxt != sndUna)
                    {
                        // more than the probe was out (a budget shrank the peer's window under data in flight):
                        // SND.NXT stays, since the peer may hold and ACK those bytes (an ACK above a rewound
                        // SND.NXT would be dropped, forever); go back N from SND.UNA under a running RTO
                        rtoDeadlineNs(nowNs + endpoint.rtt.rtoNs(slot));
                    }
                }
                endpoint.rtt.clearBackoff(slot);
                endpoint.markDirty(this);
            }
            else if (grew && sendBytes > sndNxt - sndUna)
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
                // our FIN acked ⇒ FIN-WAIT-2 (behaviour 34); an orphan waits there only finWait2TimeoutNs
                if (finAcked())
                {
                    moveTo(TcpState.FIN_WAIT_2);
                    if (appClosed())
                    {
                        finWait2DeadlineNs(nowNs + endpoint.config.finWait2TimeoutNs);
                    }
                }
                break;
            case CLOSING:
                // our FIN acked ⇒ TIME-WAIT (behaviour 36)
                if (finAcked())
                {
                    enterTimeWait(nowNs);
                }
                break;
            case LAST_ACK:
                // our FIN acked ⇒ CLOSED (behaviour 35)
                if (finAcked())
                {
                    retire(RETIRE_ORDERLY);
                    return false;
                }
                break;
            default:
                break;
        }
        return true;
    }

    /** @return the RTT sample this ACK gave, ns, or 0 for none. */
    private long onNewAck(final long nowNs, final int ack)
    {
        int acked = ack - sndUna;
        if (finSent() && gt(ack, finSeq()))
        {
            finAcked(true);
            acked--;
        }
        final int dataAcked = Math.min(acked, sendBytes);
        sendBytes -= dataAcked;
        sendBase += dataAcked;
        if (dataAcked > 0)
        {
            releaseAcked(sendBase - dataAcked);
        }
        final int flightBefore = sndNxt - sndUna;
        sndUna = ack;
        if (lt(sendCursor, sndUna))
        {
            sendCursor = sndUna;
        }
        // Karn's rule: only a segment never retransmitted gives a sample (RFC 6298 §3, behaviour 56)
        final long rttSample = rttOnAck(ack, nowNs);
        retries(0);
        scoreboard().removeBelow(sndUna);
        if (inRecovery())
        {
            if (geq(ack, recover))
            {
                // RFC 6582 §3.2 step 6: full ACK ends recovery
                inRecovery(false);
                if (sackOk())
                {
                    // RFC 6937 §3.1: PRR brought the window down to ssthresh (behaviour 66)
                    cc.onExitPrrRecovery();
                }
                else
                {
                    cc.onExitRecovery(sndNxt - sndUna);
                }
            }
            else
            {
                // RFC 6582 §3.2 step 5: partial ACK → retransmit the next hole, deflate (behaviour 57)
                cc.onPartialAck(acked);
                if (lt(rexmitNxt(), sndUna) || !sackOk())
                {
                    startRexmitPass(nowNs);
                }
                rexmitRequests(rexmitRequests() + 1);
            }
        }
        else
        {
            cc.onAck(acked, flightBefore);
        }
        dupAcks(0);
        // RFC 6298 §5.2/5.3: full ACK stops the timer, partial ACK restarts it (behaviour 56)
        if (!persistMode())
        {
            rtoDeadlineNs(sndUna == sndNxt ? NONE : nowNs + endpoint.rtt.rtoNs(slot));
        }
        // RFC 8985 §7.2: the probe timer restarts with each ACK of new data while data is in flight
        armTailLossProbe(nowNs, sndNxt);
        if (writeBlocked() && sendBytes < endpoint.sendCap)
        {
            writeBlocked(false);
            endpoint.connectionWritable(this);
        }
        endpoint.markDirty(this);
        return rttSample;
    }

    private void onDupAck(final long nowNs, final boolean sackedNew)
    {
        dupAcks(dupAcks() + 1);
        if (inRecovery())
        {
            // RFC 5681 §3.2 step 4: inflate (NewReno); with SACK, RFC 6675 sends by pipe instead (behaviour 29)
            cc.onDupAckInRecovery();
            if (sackOk() && !scoreboard().isEmpty())
            {
                rexmitRequests(rexmitRequests() + 1);
                if (sackedNew && retransmissionsLookLost(nowNs))
                {
                    // RFC 8985 §6.2 in spirit: data sent after our retransmissions is being SACKed while holes we
                    // retransmitted more than an RTT plus a reordering allowance ago are still open: those
                    // retransmissions were lost too; go over the holes again rather than wait for the RTO
                    startRexmitPass(nowNs);
                    endpoint.counters.increment(LOST_RETRANSMITS);
                }
            }
            endpoint.markDirty(this);
        }
        else if ((dupAcks() == 3 || sackSaysLost()) && geq(sndUna, recover))
        {
            enterRecovery(nowNs);
        }
    }

    /** RFC 5681 §3.2 steps 2-3 + RFC 6582: fast retransmit at SU, ssthresh = max(FlightSize/2, 2·SMSS). */
    private void enterRecovery(final long nowNs)
    {
        endpoint.counters.increment(FAST_RETRANSMITS);
        cc.onEnterRecovery(sndNxt - sndUna);
        inRecovery(true);
        recover = sndNxt;
        transfer().prr.start(sndNxt - sndUna);
        startRexmitPass(nowNs);
        rexmitRequests(rexmitRequests() + 1);
        stopRttTiming();
        rackDeadlineNs(NONE);
        endpoint.markDirty(this);
    }

    /** A new pass over the holes, from SND.UNA (RFC 6675 HighRxt back to SND.UNA). */
    private void startRexmitPass(final long nowNs)
    {
        rexmitNxt(sndUna);
        rexmitPassNs(nowNs);
        transfer().retransmits.clear();
    }

    /**
     * In SACK recovery, RFC 8985's rule for the retransmissions of this pass (behaviour 69): one of them is still
     * missing while something sent after it was delivered, so it was lost; go over the holes again now, rather
     * than at the reordering window, the probe or the RTO. The reordering window is zero here (RFC 8985 §6.2: in
     * recovery, before any reordering was seen).
     */
    private void checkRetransmissionsLost(final long nowNs)
    {
        final TransferState t = transfer;
        if (t != null && t.inRecovery && sackOk() && t.retransmits.anyLost(sndUna, t.scoreboard))
        {
            retransmitAgain(nowNs);
        }
    }

    /** Retransmissions of this pass were lost: a new pass over the holes, sent at the next dispatch. */
    private void retransmitAgain(final long nowNs)
    {
        startRexmitPass(nowNs);
        rexmitRequests(rexmitRequests() + 1);
        endpoint.counters.increment(LOST_RETRANSMITS);
        endpoint.markDirty(this);
    }

    /** SACKed data above an open hole: start the reordering window unless it runs already (RFC 8985 §6.2). */
    private void armReorderWindow(final long nowNs)
    {
        if (rackDeadlineNs() == NONE && sackOk() && endpoint.rtt.hasSample(slot) && !scoreboard().isEmpty() &&
            gt(scoreboard().highestRight(), sndUna))
        {
            rackDeadlineNs(nowNs + Math.max(endpoint.rtt.minNs(slot) >> 2, MIN_REORDER_WINDOW_NS));
        }
    }

    /**
     * RFC 8985 §6.2 reo_wnd is min_RTT/4. The floor is for an RTT measured in microseconds (a veth): a timer fires at
     * the first poll after its deadline (the wheel revisits the current tick's spoke on every poll), so no tick
     * granularity needs covering, only a little jitter in the peer's ACKs.
     */
    private static final long MIN_REORDER_WINDOW_NS = 100_000L;

    private void onReorderWindowExpired(final long nowNs)
    {
        if (scoreboard().isEmpty() || !gt(scoreboard().highestRight(), sndUna) || persistMode() ||
            !state.isSynchronized())
        {
            return;
        }
        if (!inRecovery())
        {
            if (geq(sndUna, recover))
            {
                // the hole at SND.UNA outlived the reordering window: lost (RACK), recover now
                enterRecovery(nowNs);
            }
        }
        else if (retransmissionsLookLost(nowNs))
        {
            retransmitAgain(nowNs);
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
            if (!lt(l, r) || leq(r, sndUna) || gt(r, sndNxt))
            {
                continue;
            }
            if (lt(l, sndUna))
            {
                l = sndUna;
            }
            sackedNew |= !scoreboard().covers(l, r);
            scoreboardForAdd().add(l, r);
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
        if (!sackOk() || scoreboard().isEmpty())
        {
            return false;
        }
        final int sacked = scoreboard().totalBytes();
        final int mss = payloadMss();
        final int flight = sndNxt - sndUna;
        // RFC 5827 §3.2: early retransmit only for a flight under four segments with nothing new to send
        final boolean earlyRetransmit = flight < 4 * mss && !gt(dataEnd(), sndNxt) && sacked >= flight - mss;
        return sacked > 2 * mss || earlyRetransmit;
    }

    /**
     * The current pass over the holes began more than SRTT + SRTT/4 ago (RFC 8985's reordering window) and a hole it
     * retransmitted is still open below SACKed data.
     */
    private boolean retransmissionsLookLost(final long nowNs)
    {
        if (!endpoint.rtt.hasSample(slot) || !gt(rexmitNxt(), sndUna))
        {
            return false;
        }
        final long srtt = endpoint.rtt.srttNs(slot);
        return nowNs - rexmitPassNs() > srtt + (srtt >> 2);
    }

    /**
     * RFC 6675 §4 pipe: bytes in flight that are neither SACKed nor lost, plus lost bytes already retransmitted in
     * this pass. Holes below the highest SACKed byte count as lost until retransmitted.
     */
    private int pipe()
    {
        int pipe = sndNxt - sndUna - scoreboard().totalBytes();
        if (!scoreboard().isEmpty())
        {
            final int from = gt(rexmitNxt(), sndUna) ? rexmitNxt() : sndUna;
            final int top = scoreboard().highestRight();
            if (lt(from, top))
            {
                pipe -= (top - from) - sackedWithin(from, top);
            }
        }
        return Math.max(pipe, 0);
    }

    /** SACKed bytes inside [from, to). */
    private int sackedWithin(final int from, final int to)
    {
        final SeqRangeSet sb = scoreboard();
        int bytes = 0;
        for (int i = 0; i < sb.count(); i++)
        {
            final int l = gt(sb.left(i), from) ? sb.left(i) : from;
            final int r = lt(sb.right(i), to) ? sb.right(i) : to;
            if (lt(l, r))
            {
                bytes += r - l;
            }
        }
        return bytes;
    }

    /** RFC 6675 recovery: the window for retransmissions and new data is ssthresh less the pipe. */
    private boolean pipeRecovery()
    {
        return inRecovery() && sackOk() && !scoreboard().isEmpty();
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
            // the peer already sent FIN: text ignored; a retransmitted FIN is acked (behaviour 41)
            if (len > 0 || fin)
            {
                if (state == TcpState.TIME_WAIT && fin)
                {
                    timeWaitDeadlineNs(nowNs + 2 * endpoint.config.mslNs);
                }
                if (len > 0)
                {
                    endpoint.counters.increment(DROP_DATA_AFTER_FIN);
                }
                sendAck();
            }
            return;
        }
        if (len == 0 && !fin)
        {
            return;
        }
        // trim the part below RCV.NXT (behaviours 14, 15)
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
        // trim the part beyond the advertised right edge; a FIN beyond it is dropped too (behaviours 15, 16).
        // Window scaling rounds the advertised edge up to a multiple of 2^shift, so it can run ahead of the ring's
        // free space by less than one unit per ACK; never store past the unread bytes' ring capacity.
        final int ringRight = readSeq + endpoint.recvCap;
        final int room = (lt(ringRight, rcvAdvRight) ? ringRight : rcvAdvRight) - seq;
        if (len > room)
        {
            len = Math.max(room, 0);
            fin = false;
        }
        if (appClosed() && len > 0)
        {
            // new data for a fully closed connection nobody will read: RFC 2525 §2.17 → RST
            abortWithRst();
            return;
        }
        if (len > rcvMss && len <= endpoint.config.mss())
        {
            rcvMss = mss16(len);
        }

        if (seq == rcvNxt)
        {
            final int oooCountBeforeFill = ooo().count();
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
            else if (peerFinPending() && rcvNxt == peerFinSeq())
            {
                // the hole before a held FIN filled (behaviour 38)
                receiveFin(nowNs);
            }
            else if (len > 0)
            {
                if (oooCountBeforeFill > 0)
                {
                    // the hole filled → immediate cumulative ACK (behaviour 13)
                    ackNow(true);
                }
                else
                {
                    scheduleAck(nowNs, len);
                }
                endpoint.markDirty(this);
            }
            else if (lenIn > 0)
            {
                // a wholly duplicate (or window-trimmed) segment → ACK (behaviours 14, 16)
                ackNow(true);
                endpoint.markDirty(this);
            }
        }
        else
        {
            // out of order → immediate duplicate ACK with SACK (behaviour 13); hold a FIN beyond a hole (38)
            if (len > 0)
            {
                storeOutOfOrder(seg, seq, off, len);
            }
            if (fin)
            {
                peerFinPending(true);
                peerFinSeq(seq + len);
            }
            ackNow(true);
            endpoint.markDirty(this);
        }
    }

    private void acceptInOrder(final TcpSegment seg, final int seq, final int off, final int len)
    {
        if (inputShutdown())
        {
            // input side shut down: bytes acknowledged and discarded (behaviour 39)
            final int before = readSeq;
            rcvNxt += len;
            absorbOutOfOrder();
            readSeq = rcvNxt;
            releaseRead(before);
            return;
        }
        if (readSeq == rcvNxt && !readBlocked())
        {
            // fast path: nothing unread in order, deliver straight from the segment (zero copy, no buffer needed;
            // out-of-order bytes beyond may wait in the ring)
            rcvNxt += len;
            final int consumed = deliver(seg.payload, off, len);
            readSeq += consumed;
            if (consumed < len)
            {
                final int stored =
                    copyIntoRecvRing(seg.payload, off + consumed, seq + consumed, len - consumed, ChunkPool.IN_ORDER);
                // out of buffer memory: the rest is not acknowledged; the peer sends it again (flow control)
                rcvNxt -= len - consumed - stored;
                readBlocked(true);
                if (consumed + stored < len)
                {
                    return;
                }
            }
            if (!ooo().isEmpty() && state != TcpState.CLOSED)
            {
                absorbOutOfOrder();
                if (!readBlocked())
                {
                    deliverFromRing();
                }
            }
            return;
        }
        final int stored = copyIntoRecvRing(seg.payload, off, seq, len, ChunkPool.IN_ORDER);
        rcvNxt += stored;
        if (stored == len)
        {
            absorbOutOfOrder();
        }
        deliverFromRing();
    }

    private void absorbOutOfOrder()
    {
        rcvNxt = ooo().absorb(rcvNxt);
    }

    private void storeOutOfOrder(final TcpSegment seg, final int seq, final int off, final int len)
    {
        final int l = seq;
        final int r = seq + len;
        final int max = Math.min(OOO_MAX, endpoint.config.maxOutOfOrderIntervals);
        if (ooo().count() >= max && !ooo().touches(l, r))
        {
            endpoint.counters.increment(DROP_OUT_OF_ORDER_FULL);
            return;
        }
        int stored = len;
        if (!inputShutdown())
        {
            stored = copyIntoRecvRing(seg.payload, off, seq, len, ChunkPool.OUT_OF_ORDER);
            if (stored == 0)
            {
                return;
            }
        }
        oooForAdd().add(l, l + stored);
        oooLastLeft(seq);
        oooLastRight(seq + stored);
    }

    /**
     * Store received bytes at their sequence position, in order ({@link ChunkPool#IN_ORDER}: bytes at RCV.NXT, which
     * may take the pool's reserve) or beyond a hole ({@link ChunkPool#OUT_OF_ORDER}, which may not). Returns how
     * many from the start found buffer memory: fewer than {@code len} when the endpoint's budget is used up (the
     * rest is dropped and counted; the peer retransmits it, so this is flow control).
     */
    private int copyIntoRecvRing(final DirectBuffer src, final int off, final int seq, final int len, final int use)
    {
        if (recvRing() == null)
        {
            recvRing(endpoint.pool.takeRing());
        }
        final int n = recvRing().ensure(endpoint.pool, endpoint.recvMask, seq, len, use);
        recvRing().put(endpoint.pool, endpoint.recvMask, seq, src, off, n);
        if (n < len)
        {
            // tell the peer at once, with the window the chunks can back (zero, the one-MSS allowance withdrawn):
            // it persists instead of retransmitting into a full budget
            endpoint.counters.add(DROP_BUFFER_BUDGET_BYTES, len - n);
            budgetDropped(true);
            ackNow(true);
        }
        if (recvRing().held() == 0)
        {
            releaseRecvRing();
        }
        return n;
    }

    /** Bytes from {@code from} up to readSeq were read or discarded: give back the chunks nothing else uses. */
    private void releaseRead(final int from)
    {
        final ChunkRing r = recvRing();
        if (r == null || from == readSeq)
        {
            return;
        }
        final int liveEnd = ooo().isEmpty() || lt(ooo().highestRight(), rcvNxt) ? rcvNxt : ooo().highestRight();
        final int liveLen = liveEnd - readSeq;
        r.releaseConsumed(endpoint.pool, endpoint.recvMask, from, readSeq, liveLen);
        if (r.held() == 0)
        {
            releaseRecvRing();
        }
    }

    /** Bytes from {@code from} up to sendBase were acknowledged: give back the chunks nothing else uses. */
    private void releaseAcked(final int from)
    {
        final ChunkRing r = sendRing();
        if (r == null)
        {
            return;
        }
        r.releaseConsumed(endpoint.pool, endpoint.sendMask, from, sendBase, sendBytes);
        if (r.held() == 0)
        {
            releaseSendRing();
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
        readBlocked(false);
        final int before = readSeq;
        while (readSeq != rcvDataEnd() && (state != TcpState.CLOSED || closeAfterRead()))
        {
            final ChunkRing r = recvRing();
            final ChunkPool pool = endpoint.pool;
            final int chunk = Math.min(rcvDataEnd() - readSeq, pool.chunkSize - (readSeq & pool.chunkMask));
            final int mask = endpoint.recvMask;
            final int consumed = deliver(r.bufferAt(pool, mask, readSeq), r.offsetAt(pool, mask, readSeq), chunk);
            readSeq += consumed;
            if (consumed < chunk)
            {
                readBlocked(true);
                break;
            }
        }
        releaseRead(before);
    }

    private void scheduleAck(final long nowNs, final int len)
    {
        // RFC 1122 §4.2.3.2 / RFC 5681 §4.2: ACK at least every second full-sized segment, else delay < 500 ms
        rcvBytesUnacked(rcvBytesUnacked() + len);
        if (rcvBytesUnacked() >= 2 * rcvMss)
        {
            ackNow(true);
        }
        else if (delAckDeadlineNs() == NONE)
        {
            delAckDeadlineNs(nowNs + endpoint.config.delayedAckNs);
        }
    }

    private void receiveFin(final long nowNs)
    {
        // §3.10.7.4 eighth: FIN → ACK, end of stream (behaviours 34-37)
        peerFinPending(false);
        rcvNxt++;
        peerFinReceived(true);
        ackNow(true);
        endpoint.markDirty(this);
        boolean timeWait = false;
        switch (state)
        {
            case SYN_RECEIVED:
            case ESTABLISHED:
                moveTo(TcpState.CLOSE_WAIT);
                break;
            case FIN_WAIT_1:
                if (finAcked())
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
        clearDeadlines();
        timeWaitDeadlineNs(nowNs + 2 * endpoint.config.mslNs);
        persistMode(false);
        leaveForTimeWait();
        // the endpoint swaps the TCB for a compact TIME-WAIT record at its next dispatch (after our last ACK)
        endpoint.markDirty(this);
    }

    /** The window field a TIME-WAIT record keeps for its ACKs: the edge we last advertised, never moved left. */
    int timeWaitWindowField()
    {
        final int wnd = Math.max(rcvAdvRight - rcvNxt, 0);
        return (int)Math.min(65535, ((long)wnd + (1L << rcvWscale) - 1) >> rcvWscale);
    }

    /** A compact TIME-WAIT record took over the tuple: this TCB is CLOSED, without events (the app had them). */
    void handOverTimeWait()
    {
        moveTo(TcpState.CLOSED);
        clearDeadlines();
        releaseBuffers();
    }

    private void resetByPeer()
    {
        endpoint.counters.increment(CONNECTIONS_RESET);
        retire(RETIRE_RESET);
    }

    private void challengeAck(final long nowNs)
    {
        // RFC 5961 §7: rate limited per endpoint (behaviour 52)
        if (endpoint.takeChallengeAckToken(nowNs))
        {
            endpoint.counters.increment(CHALLENGE_ACKS);
            sendAck();
        }
        else
        {
            endpoint.counters.increment(DROP_CHALLENGE_ACK_RATE_LIMITED);
        }
    }

    void sendAck()
    {
        ackNow(true);
        endpoint.markDirty(this);
    }

    void abortWithRst()
    {
        rstPending(state.isSynchronized() && state != TcpState.TIME_WAIT);
        retire(RETIRE_ABORTED);
    }

    // ============================================================================================ ends and events

    /** {@link #retire} event: orderly end; unread bytes stay readable until the app reads them. */
    static final int RETIRE_ORDERLY = 0;
    /** {@link #retire} event: reset by the peer. */
    static final int RETIRE_RESET = 1;
    /** {@link #retire} event: retransmissions or keepalives timed out. */
    static final int RETIRE_TIMEOUT = 2;
    /** {@link #retire} event: the app aborted; like an orderly end (onClosed only) but nothing is kept to read. */
    static final int RETIRE_ABORTED = 3;

    /** Handshake complete: a passive open becomes the app's now; the endpoint announces it. */
    private void announceEstablished()
    {
        if (passiveOpen())
        {
            appVisible(true);
        }
        endpoint.connectionEstablished(this);
    }

    /**
     * ⇒ CLOSED: out of the table now, back to the pool at the next dispatch. After an orderly end with bytes the
     * app has not read, they stay readable and onClosed follows the last read.
     */
    void retire(final int event)
    {
        moveTo(TcpState.CLOSED);
        clearDeadlines();
        sendBytes = 0;
        releaseSendRing();
        endpoint.connectionRemoved(this);
        if (appVisible() && event == RETIRE_ORDERLY && unreadBytes() > 0)
        {
            closeAfterRead(true);
            return;
        }
        releaseRecvRing();
        if (appVisible())
        {
            appVisible(false);
            endpoint.connectionEnded(this, event);
        }
    }

    /** TIME-WAIT keeps no buffers, unless the app still has bytes to read: then it keeps them until it has. */
    private void leaveForTimeWait()
    {
        if (appVisible() && unreadBytes() > 0)
        {
            closeAfterRead(true);
            return;
        }
        releaseBuffers();
        if (appVisible())
        {
            appVisible(false);
            endpoint.connectionEnded(this, RETIRE_ORDERLY);
        }
    }

    /** The app has read (or given up) what was left of a finished connection: now it is closed for the app too. */
    void finishAfterRead()
    {
        closeAfterRead(false);
        if (state == TcpState.TIME_WAIT)
        {
            leaveForTimeWait();
            endpoint.markDirty(this);
            return;
        }
        appVisible(false);
        endpoint.connectionEnded(this, RETIRE_ORDERLY);
        endpoint.markDirty(this);
    }

    // ================================================================================================ app actions

    /**
     * Queue bytes for sending. Returns bytes accepted (possibly fewer than {@code len}), or
     * {@link TcpEndpoint#ERR_OUTPUT_SHUTDOWN} after shutdown or close (behaviour 39).
     */
    int write(final DirectBuffer src, final int off, final int len)
    {
        if (finQueued() || appClosed())
        {
            return (int)TcpEndpoint.ERR_OUTPUT_SHUTDOWN;
        }
        final int n = copyIntoSendRing(src, off, len);
        if (n > 0)
        {
            endpoint.markDirty(this);
        }
        return n;
    }

    /** Send FIN after queued data; keep receiving (half-close, behaviour 39). */
    void shutdownOutput()
    {
        if (state == TcpState.SYN_SENT)
        {
            finQueued(true);
            return;
        }
        queueFin();
        endpoint.markDirty(this);
    }

    /** Discard further received bytes (they are still acknowledged); keep sending (behaviour 39). */
    void shutdownInput()
    {
        inputShutdown(true);
        final int before = readSeq;
        readSeq = rcvDataEnd();
        releaseRead(before);
        endpoint.markDirty(this);
    }

    /**
     * Orderly close: FIN after queued data (behaviours 34, 35). In SYN-SENT nothing is sent (behaviour 10). With
     * unread received bytes the connection is reset instead (RFC 2525 §2.17, behaviour 40).
     */
    void close()
    {
        closeWhenReadPending(false);
        if (closeAfterRead())
        {
            // the connection is already finished on the wire; the app gives up the bytes it had not read
            finishAfterRead();
            return;
        }
        if (state == TcpState.SYN_SENT)
        {
            retire(RETIRE_ORDERLY);
            return;
        }
        if (unreadBytes() > 0)
        {
            abortWithRst();
            return;
        }
        appClosed(true);
        queueFin();
        if (state == TcpState.FIN_WAIT_2)
        {
            finWait2DeadlineNs(lastRecvNs + endpoint.config.finWait2TimeoutNs);
        }
        endpoint.markDirty(this);
    }

    /** Abortive close (SO_LINGER 0): RST <SEQ=SND.NXT>, queues flushed, no TIME-WAIT (behaviour 46). */
    void abort()
    {
        closeWhenReadPending(false);
        if (closeAfterRead())
        {
            finishAfterRead();
            return;
        }
        abortWithRst();
    }

    /** Orderly close now if every received byte was consumed, else once {@link #resumeReading()} has them read. */
    void closeWhenRead()
    {
        if (unreadBytes() > 0 && !closeAfterRead())
        {
            closeWhenReadPending(true);
            return;
        }
        close();
    }

    /** Offer again the bytes the application left unconsumed, and reopen the window. */
    void resumeReading()
    {
        final int before = unreadBytes();
        deliverFromRing();
        if (closeWhenReadPending() && unreadBytes() == 0)
        {
            close();
            return;
        }
        if (closeAfterRead())
        {
            if (unreadBytes() == 0)
            {
                finishAfterRead();
            }
            return;
        }
        if (state != TcpState.CLOSED && unreadBytes() < before && windowWorthUpdating())
        {
            // window update, only for a worthwhile opening (RFC 1122 §4.2.3.3, behaviour 64): an update that
            // leaves the window as it was would be a duplicate ACK to the peer
            sendAck();
        }
    }

    void noDelay(final boolean on)
    {
        noDelayOn(on);
        endpoint.markDirty(this);
    }

    void keepAlive(final boolean on)
    {
        keepAliveOn(on);
    }

    /**
     * Free room in the send buffer: what a write would accept now (the ring's free bytes, less what the buffer
     * budget cannot back with chunks).
     */
    int sendRoom()
    {
        final ChunkPool pool = endpoint.pool;
        final int free = endpoint.sendCap - sendBytes;
        final int end = sendBase + sendBytes;
        final int in = end & pool.chunkMask;
        final boolean held = sendRing() != null && sendRing().holds(endpoint.sendMask, pool.chunkShift, end);
        final long budget = ((long)pool.availableForWrite() << pool.chunkShift) + (held ? pool.chunkSize - in : -in);
        return (int)Math.max(0, Math.min(free, budget));
    }

    private int copyIntoSendRing(final DirectBuffer src, final int off, final int len)
    {
        int n = Math.min(len, endpoint.sendCap - sendBytes);
        if (n > 0)
        {
            if (sendRing() == null)
            {
                sendRing(endpoint.pool.takeRing());
            }
            final int pos = sendBase + sendBytes;
            final int covered = sendRing().ensure(endpoint.pool, endpoint.sendMask, pos, n, ChunkPool.SEND);
            if (covered < n)
            {
                // out of buffer memory: accept what fits, counted; the endpoint wakes us when chunks come back
                endpoint.counters.increment(WRITE_PARTIAL_BUDGET);
                n = covered;
                if (!budgetWaiting())
                {
                    budgetWaiting(true);
                    endpoint.waitForBuffer(this);
                }
            }
            sendRing().put(endpoint.pool, endpoint.sendMask, pos, src, off, n);
            sendBytes += n;
            if (sendRing().held() == 0)
            {
                releaseSendRing();
            }
        }
        if (n < len)
        {
            writeBlocked(true);
        }
        return Math.max(n, 0);
    }

    /** Buffer chunks came back after a write was cut short by the budget: the application may write again. */
    void bufferAvailable()
    {
        if (budgetWaiting())
        {
            budgetWaiting(false);
            if (writeBlocked())
            {
                writeBlocked(false);
                endpoint.connectionWritable(this);
            }
        }
    }

    /** Queue our FIN after the queued data (RFC 9293 §3.10.4). */
    void queueFin()
    {
        if (finQueued())
        {
            return;
        }
        finQueued(true);
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

    private void updatePersist(final long nowNs)
    {
        // RFC 9293 §3.8.6.1: zero window with data queued and nothing in flight → persist timer (behaviour 18)
        if (sndWnd == 0 && sendBytes > (sndNxt - sndUna) && sndNxt == sndUna && !persistMode())
        {
            persistMode(true);
            persistDeadlineNs(nowNs + endpoint.rtt.rtoNs(slot));
        }
    }

    /** The earliest armed deadline, or {@link #NONE}. */
    long nextDeadlineNs()
    {
        final TransferState t = transfer;
        if (t == null)
        {
            return keepaliveDeadlineNs();
        }
        long d = Math.min(t.rtoDeadlineNs, t.persistDeadlineNs);
        d = Math.min(d, Math.min(t.swsDeadlineNs, t.delAckDeadlineNs));
        d = Math.min(d, Math.min(t.tlpDeadlineNs, t.rackDeadlineNs));
        d = Math.min(d, Math.min(t.timeWaitDeadlineNs, t.finWait2DeadlineNs));
        return Math.min(d, keepaliveDeadlineNs());
    }

    private long keepaliveDeadlineNs()
    {
        if (!keepAliveOn() || (state != TcpState.ESTABLISHED && state != TcpState.CLOSE_WAIT &&
            state != TcpState.FIN_WAIT_2))
        {
            return NONE;
        }
        return keepaliveProbesSent() == 0 ? lastRecvNs + endpoint.config.keepAliveIdleNs :
            lastRecvNs + endpoint.config.keepAliveIdleNs + keepaliveProbesSent() * endpoint.config.keepAliveIntervalNs;
    }

    /** Run expired timers. */
    void onTimer(final long nowNs)
    {
        if (timeWaitDeadlineNs() <= nowNs)
        {
            // 2MSL elapsed ⇒ CLOSED (behaviour 42)
            timeWaitDeadlineNs(NONE);
            retire(RETIRE_ORDERLY);
            return;
        }
        if (finWait2DeadlineNs() <= nowNs)
        {
            // an orphan waited long enough in FIN-WAIT-2 for the peer's FIN
            finWait2DeadlineNs(NONE);
            retire(RETIRE_ORDERLY);
            return;
        }
        if (delAckDeadlineNs() <= nowNs)
        {
            delAckDeadlineNs(NONE);
            ackNow(true);
            endpoint.markDirty(this);
        }
        if (rackDeadlineNs() <= nowNs)
        {
            rackDeadlineNs(NONE);
            onReorderWindowExpired(nowNs);
        }
        if (tlpDeadlineNs() <= nowNs)
        {
            tlpDeadlineNs(NONE);
            if (sndNxt != sndUna && !persistMode() && state.isSynchronized())
            {
                tlpPending(true);
                endpoint.markDirty(this);
            }
        }
        if (rtoDeadlineNs() <= nowNs)
        {
            rtoDeadlineNs(NONE);
            tlpDeadlineNs(NONE);
            onRtoExpired(nowNs);
            if (state == TcpState.CLOSED)
            {
                return;
            }
        }
        if (persistDeadlineNs() <= nowNs)
        {
            persistDeadlineNs(NONE);
            onPersistExpired();
            if (state == TcpState.CLOSED)
            {
                return;
            }
        }
        if (swsDeadlineNs() <= nowNs)
        {
            swsDeadlineNs(NONE);
            if (swsBlocked())
            {
                // the SWS override timeout: send the window-limited segment now
                swsBlocked(false);
                swsOverride(true);
                endpoint.markDirty(this);
            }
        }
        if (keepaliveDeadlineNs() <= nowNs)
        {
            if (keepaliveProbesSent() >= endpoint.config.keepAliveProbes)
            {
                // dead peer: abort and report a timeout (behaviour 23)
                endpoint.counters.increment(CONNECTIONS_TIMED_OUT);
                retire(RETIRE_TIMEOUT);
                return;
            }
            keepaliveProbesSent(keepaliveProbesSent() + 1);
            keepalivePending(true);
            endpoint.counters.increment(KEEPALIVE_PROBES);
            endpoint.markDirty(this);
        }
    }

    private void onPersistExpired()
    {
        if (!persistMode())
        {
            return;
        }
        // zero-window probe, then back off (behaviour 18)
        probePending(true);
        retries(retries() + 1);
        if (retries() > endpoint.config.maxRetries)
        {
            endpoint.counters.increment(CONNECTIONS_TIMED_OUT);
            retire(RETIRE_TIMEOUT);
            return;
        }
        endpoint.markDirty(this);
    }

    private void onRtoExpired(final long nowNs)
    {
        endpoint.counters.increment(RTO_EXPIRIES);
        stopRttTiming();
        switch (state)
        {
            case SYN_SENT:
            case SYN_RECEIVED:
                // SYN / SYN-ACK retransmission with doubling RTO, bounded (behaviour 11)
                retries(retries() + 1);
                final TcpConfig config = endpoint.config;
                final int limit =
                    state == TcpState.SYN_SENT || !passiveOpen() ? config.synRetries : config.synAckRetries;
                if (retries() > limit)
                {
                    endpoint.counters.increment(CONNECTIONS_TIMED_OUT);
                    if (!appVisible() && passiveOpen())
                    {
                        endpoint.counters.increment(DROP_HALF_OPEN_TIMEOUT);
                    }
                    retire(RETIRE_TIMEOUT);
                    return;
                }
                endpoint.rtt.backOff(slot);
                synPending(true);
                endpoint.counters.increment(RETRANSMITS);
                endpoint.markDirty(this);
                return;
            default:
                break;
        }
        if (persistMode() || sndNxt == sndUna)
        {
            return;
        }
        if (sndWnd == 0 && sendBytes > 0)
        {
            // the peer shrank its window to zero under our flight (a receiver out of buffer memory): persist,
            // probing at SND.UNA, rather than retransmit into a closed window with no timer left (behaviour 18)
            retries(retries() + 1);
            if (retries() > endpoint.config.maxRetries)
            {
                endpoint.counters.increment(CONNECTIONS_TIMED_OUT);
                retire(RETIRE_TIMEOUT);
                return;
            }
            endpoint.rtt.backOff(slot);
            persistMode(true);
            probePending(true);
            persistDeadlineNs(nowNs + endpoint.rtt.rtoNs(slot));
            endpoint.markDirty(this);
            return;
        }
        retries(retries() + 1);
        if (retries() > endpoint.config.maxRetries)
        {
            endpoint.counters.increment(CONNECTIONS_TIMED_OUT);
            retire(RETIRE_TIMEOUT);
            return;
        }
        // RFC 6298 §5.4-5.6: retransmit the earliest unacknowledged segment, back off (behaviours 56, 58)
        endpoint.rtt.backOff(slot);
        cc.onRto(sndNxt - sndUna);
        inRecovery(false);
        dupAcks(0);
        recover = sndNxt;
        scoreboard().clear();
        rexmitRequests(0);
        sendCursor = sndUna;
        endpoint.counters.increment(RETRANSMITS);
        endpoint.markDirty(this);
    }

    // ================================================================================================== dispatch

    /** Emit everything pending. The only place segments of this connection are produced. */
    void dispatch(final long nowNs, final SegmentEmitter out)
    {
        final TcpSegment s = endpoint.txSegment;
        switch (state)
        {
            case CLOSED:
                if (rstPending())
                {
                    rstPending(false);
                    // RST <SEQ=SND.NXT> (behaviour 46), but never past the peer's window: after a zero-window probe
                    // SND.NXT is beyond it and the peer drops the RST (Linux's tcp_acceptable_seq does the same)
                    final int windowEnd = sndUna + sndWnd;
                    header(s, leq(sndNxt, windowEnd) ? sndNxt : windowEnd, RST | ACK);
                    s.ack = rcvNxt;
                    s.window = 0;
                    endpoint.counters.increment(RSTS_SENT);
                    out.emit(s);
                }
                return;
            case SYN_SENT:
                if (synPending())
                {
                    synPending(false);
                    header(s, iss(), SYN);
                    s.ack = 0;
                    s.window = synWindow();
                    synOptions(s, nowNs, true);
                    sendCursor = iss() + 1;
                    sndNxt = iss() + 1;
                    armRtoOnSend(nowNs, iss());
                    out.emit(s);
                }
                return;
            case SYN_RECEIVED:
                if (synPending())
                {
                    synPending(false);
                    ackNow(false);
                    header(s, iss(), SYN | ACK);
                    s.ack = rcvNxt;
                    s.window = synWindow();
                    rcvAdvRight = rcvNxt + s.window;
                    synOptions(s, nowNs, false);
                    sendCursor = iss() + 1;
                    sndNxt = iss() + 1;
                    armRtoOnSend(nowNs, iss());
                    out.emit(s);
                }
                if (ackNow())
                {
                    emitAck(s, nowNs, sndNxt, out);
                }
                return;
            case TIME_WAIT:
                if (ackNow())
                {
                    emitAck(s, nowNs, sndNxt, out);
                }
                return;
            default:
                break;
        }

        boolean sentSomething = false;
        // retransmissions requested by fast retransmit / partial ACK / SACK recovery (behaviours 29, 57): with SACK
        // (RFC 6675) as many holes as PRR allows (behaviour 66), several per RTT; the first (fast retransmit) always
        if (pipeRecovery() && rexmitRequests() > 0)
        {
            boolean first = rexmitNxt() == sndUna;
            while (first || transfer().prr.allowance() > 0)
            {
                if (!retransmitHole(s, nowNs, out))
                {
                    break;
                }
                first = false;
                sentSomething = true;
            }
            rexmitRequests(0);
        }
        while (rexmitRequests() > 0)
        {
            rexmitRequests(rexmitRequests() - 1);
            if (!retransmitHole(s, nowNs, out))
            {
                rexmitRequests(0);
                break;
            }
            sentSomething = true;
        }
        if (tlpPending())
        {
            // RFC 8985 §7.3: new data if the windows allow, else the last segment again; its ACK (with SACK)
            // turns a tail loss into fast recovery instead of an RTO. A retransmission that went out just now
            // asks for that ACK already: no probe then (it would mostly be a second copy of the same hole)
            tlpPending(false);
            if (!sentSomething)
            {
                if (!sendData(s, nowNs, out))
                {
                    sentSomething = sendTailProbe(s, nowNs, out);
                }
                else
                {
                    sentSomething = true;
                }
                endpoint.counters.increment(TAIL_LOSS_PROBES);
            }
        }
        if (probePending())
        {
            probePending(false);
            sentSomething |= sendProbe(s, nowNs, out);
        }
        sentSomething |= sendData(s, nowNs, out);
        updatePersist(nowNs);
        if (keepalivePending())
        {
            // keepalive probe <SEQ=SND.UNA-1> with no data (RFC 1122 §4.2.3.6)
            keepalivePending(false);
            if (!sentSomething)
            {
                emitAck(s, nowNs, sndUna - 1, out);
                sentSomething = true;
            }
        }
        if (ackNow() && !sentSomething)
        {
            // a pure ACK carries SND.NXT as the peer knows it (sndNxt), never a rewound retransmission point:
            // an older SEQ would be unacceptable to the peer and start an ACK storm
            emitAck(s, nowNs, sndNxt, out);
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
        o.mss = endpoint.config.mss();
        if (active ? endpoint.config.windowScaleEnabled : wsOk())
        {
            o.windowScalePresent = true;
            o.windowScale = active ? clampShift(endpoint.config.windowScale) : rcvWscale;
        }
        if (active ? endpoint.config.sackEnabled : sackOk())
        {
            o.sackPermitted = true;
        }
        if (active ? endpoint.config.timestampsEnabled : tsOk())
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
        if (tsOk())
        {
            o.timestampPresent = true;
            o.tsVal = tsNow(nowNs);
            o.tsEcr = tsRecent;
        }
        if (sackOk() && !ooo().isEmpty())
        {
            sackBlocks(o);
        }
        lastAckSent = rcvNxt;
        ackNow(false);
        delAckDeadlineNs(NONE);
        rcvBytesUnacked(0);
    }

    /**
     * The SACK blocks of an ACK while out-of-order bytes are held. Kept out of {@link #ackFields} so that it stays
     * under the JIT's inlining limit for hot methods (325 bytecodes).
     */
    private void sackBlocks(final TcpOptions o)
    {
        // RFC 2018 §4: the first block covers the segment that triggered this ACK (behaviour 28), the others
        // follow most recently changed first
        final int max = tsOk() ? 3 : 4;
        final SeqRangeSet set = ooo();
        int n = 0;
        int first = -1;
        for (int i = 0; i < set.count(); i++)
        {
            if (leq(set.left(i), oooLastLeft()) && geq(set.right(i), oooLastRight()))
            {
                first = i;
                o.sackLeft[n] = set.left(i);
                o.sackRight[n] = set.right(i);
                n++;
                break;
            }
        }
        int below = Integer.MAX_VALUE;
        while (n < max)
        {
            int pick = -1;
            for (int i = 0; i < set.count(); i++)
            {
                final int stamp = set.stamp(i);
                if (i != first && stamp < below && (pick < 0 || stamp > set.stamp(pick)))
                {
                    pick = i;
                }
            }
            if (pick < 0)
            {
                break;
            }
            below = set.stamp(pick);
            o.sackLeft[n] = set.left(pick);
            o.sackRight[n] = set.right(pick);
            n++;
        }
        o.sackBlockCount = n;
    }

    /**
     * Receiver SWS avoidance (RFC 1122 §4.2.3.3, behaviour 64): the right edge moves right only by at least
     * min(half the buffer, one MSS); a smaller opening is not worth a segment from the peer.
     */
    private int swsThreshold()
    {
        return Math.min(endpoint.recvUsable / 2, sndMss);
    }

    /** True when the window we could offer now is a worthwhile opening over the one the peer knows. */
    boolean windowWorthUpdating()
    {
        final int free = freeReceiveSpace(false);
        return free - Math.max(rcvAdvRight - rcvNxt, 0) >= swsThreshold();
    }

    /** The (unscaled) window of our SYN or SYN-ACK: the ring, or what the buffer budget allows (RFC 7323 §2.2). */
    private int synWindow()
    {
        return Math.min(65535, freeReceiveSpace(false));
    }

    /**
     * Receive-buffer room we can offer: the ring's free bytes, less what the endpoint's buffer budget cannot back
     * with chunks (out of buffer memory is flow control: the window shrinks, down to zero, counted when advertised).
     */
    private int freeReceiveSpace(final boolean advertising)
    {
        budgetShrink(false);
        final int free = Math.max(endpoint.recvUsable - (rcvDataEnd() - readSeq), 0);
        // bytes from RCV.NXT on that chunks can still back: the rest of the chunk at RCV.NXT, plus free chunks. Bytes
        // at RCV.NXT may take the pool's reserve, which out-of-order bytes and queued sends cannot, so while those
        // hold the rest of the budget the segment that fills a hole still has a window and a chunk (behaviour 67)
        final int in = rcvNxt & endpoint.pool.chunkMask;
        final ChunkRing ring = recvRing();
        final boolean held = ring != null && ring.holds(endpoint.recvMask, endpoint.pool.chunkShift, rcvNxt);
        final long budget = Math.max(0, ((long)endpoint.pool.availableForReceive() << endpoint.pool.chunkShift) +
            (held ? endpoint.pool.chunkSize - in : -in));
        if (budget < free)
        {
            if (advertising)
            {
                endpoint.counters.increment(WINDOW_BUDGET_LIMITED);
            }
            // a connection whose application keeps up needs no chunk (bytes go straight from the segment to the
            // app), so it keeps one MSS of window, as Linux keeps tcp_rmem[0] under memory pressure; else two
            // endpoints whose budgets are full of queued sends would both advertise zero and never drain each
            // other's queues. One that does not keep up gets only what chunks can back, down to zero, and the
            // window may shrink to it (RFC 9293 §3.8.6.2.2 lets a receiver shrink; Linux's tcp_shrink_window)
            if (readSeq == rcvDataEnd() && (!budgetDropped() || budget > 0))
            {
                budgetDropped(false);
                return (int)Math.min(free, Math.max(budget, endpoint.config.mss()));
            }
            budgetShrink(true);
            return (int)budget;
        }
        return free;
    }


    /**
     * The window for the acceptability test (RFC 9293 §3.10.7.4): up to the highest right edge the peer was given.
     * After a budget shrink (behaviour 17's exception) the peer may hold SND.NXT beyond our new edge; its ACKs
     * carry that SEQ, and judging them against the shrunk window would drop every one of them, so our own data
     * would never be acknowledged and the connection would time out (found by the small-budget simulation).
     * Bytes beyond the shrunk edge are still not stored; only the segment's ACK, window and flags are processed.
     */
    private int acceptWindow()
    {
        int right = rcvAdvRight;
        if (shrunk())
        {
            if (gt(shrunkRight(), right))
            {
                right = shrunkRight();
            }
            else
            {
                shrunk(false);
            }
        }
        return right - rcvNxt > 0 ? right - rcvNxt : 0;
    }

    private int windowField()
    {
        // the advertised right edge RCV.NXT + RCV.WND never moves left (RFC 9293 §3.8.6.2.2, behaviour 17),
        // except when the buffer budget is used up and the application is not reading (then it shrinks, counted)
        final int free = freeReceiveSpace(true);
        final int shift = rcvWscale;
        if (budgetShrink())
        {
            final int field = Math.min(65535, free >> shift);
            final int right = rcvNxt + (field << shift);
            if (lt(right, rcvAdvRight))
            {
                endpoint.counters.increment(WINDOW_BUDGET_SHRUNK);
                if (!shrunk() || gt(rcvAdvRight, shrunkRight()))
                {
                    shrunk(true);
                    shrunkRight(rcvAdvRight);
                }
            }
            rcvAdvRight = right;
            return field;
        }
        final int current = rcvAdvRight - rcvNxt;
        // receiver SWS avoidance (RFC 1122 §4.2.3.3, behaviour 64): keep the current right edge unless the buffer
        // lets it move by a worthwhile amount
        long field = free - Math.max(current, 0) >= swsThreshold() ? free >> shift : 0;
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
        if (rtoDeadlineNs() == NONE)
        {
            rtoDeadlineNs(nowNs + (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED ?
                endpoint.rtt.handshakeRtoNs(slot) : endpoint.rtt.rtoNs(slot)));
        }
        if (endpoint.rtt.backoff(slot) == 0 && (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED))
        {
            transfer().startTiming(seqStart, nowNs);
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
        int options = tsOk() ? 12 : 0;
        if (sackOk() && !ooo().isEmpty())
        {
            options += 4 + 8 * Math.min(ooo().count(), tsOk() ? 3 : 4);
        }
        return sndMss - options;
    }

    private int dataEnd()
    {
        return sendBase + sendBytes;
    }

    /** New data and go-back-N retransmission from SND.NXT, within min(cwnd, SND.WND) and Nagle (behaviour 22). */
    /** RFC 1122 §4.2.3.4 suggests 0.1 to 1 s for the sender's SWS override timeout. */
    private static final long SWS_OVERRIDE_NS = 200_000_000L;

    private boolean sendData(final TcpSegment s, final long nowNs, final SegmentEmitter out)
    {
        final int dataEnd = dataEnd();
        if (sendCursor == dataEnd ? !finQueued() : gt(sendCursor, dataEnd))
        {
            // nothing to send and no FIN to add (the common case of a dispatch that only ACKs)
            return false;
        }
        boolean sent = false;
        final int maxPayload = payloadMss();
        if (sndNxt == sndUna && sendBytes > 0 && nowNs - lastSendNs > endpoint.rtt.rtoNs(slot))
        {
            // RFC 5681 §4.1: restart window after idle (behaviour 58)
            cc.onIdleRestart(endpoint.config.initialCwndSegments * payloadMss());
        }
        while (true)
        {
            final int end = dataEnd();
            final int avail = end - sendCursor;
            final int wnd = Math.min(sndWnd, cc.cwnd());
            int usable = sndUna + wnd - sendCursor;
            if (pipeRecovery())
            {
                // RFC 6937: in recovery what the ACKs allow (PRR), whole segments, within the peer's window
                final int allowance = transfer().prr.allowance();
                usable = Math.min(sndUna + sndWnd - sendCursor, allowance > 0 ? Math.max(allowance, maxPayload) : 0);
            }
            int len = Math.min(Math.max(avail, 0), Math.max(usable, 0));
            len = Math.min(len, maxPayload);
            final int wholeLen = len;
            final boolean canFin = finQueued() && !finAcked() && sendCursor + len == end &&
                state != TcpState.ESTABLISHED && state != TcpState.CLOSE_WAIT;
            if (len <= 0 && !canFin)
            {
                break;
            }
            if (wholeLen < maxPayload && !canFin)
            {
                // sender SWS avoidance (RFC 1122 §4.2.3.4): no window-limited runt while data is in flight
                final boolean retransmitting = lt(sendCursor, sndNxt);
                final boolean inFlight = sendCursor != sndUna;
                if (inFlight && wholeLen < avail)
                {
                    break;
                }
                // Nagle (RFC 896): a small segment waits while new data is unacknowledged, unless no-delay
                if (!retransmitting && sndNxt != sndUna && !noDelayOn())
                {
                    break;
                }
                if (!retransmitting && !inFlight && wholeLen < avail && wholeLen < maxSndWnd / 2 && !swsOverride())
                {
                    // RFC 1122 §4.2.3.4: hold the runt, but an override timeout must send it eventually
                    swsBlocked(true);
                    if (swsDeadlineNs() == NONE)
                    {
                        swsDeadlineNs(nowNs + Math.min(endpoint.rtt.rtoNs(slot), SWS_OVERRIDE_NS));
                    }
                    break;
                }
            }
            final boolean retransmit = lt(sendCursor, sndNxt);
            swsBlocked(false);
            swsOverride(false);
            swsDeadlineNs(NONE);
            emitSegment(s, nowNs, sendCursor, len, canFin, out);
            if (retransmit)
            {
                endpoint.counters.increment(RETRANSMITS);
            }
            else if (len > 0)
            {
                transfer().startTiming(sendCursor, nowNs);
            }
            if (canFin)
            {
                finSent(true);
                finSeq(sendCursor + len);
            }
            sendCursor += len + (canFin ? 1 : 0);
            if (gt(sendCursor, sndNxt))
            {
                sndNxt = sendCursor;
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
            payloadInto(s, seq, len);
        }
        lastSendNs = nowNs;
        if (inRecovery())
        {
            transfer().prr.onSent(len);
        }
        if (rtoDeadlineNs() == NONE && !persistMode())
        {
            rtoDeadlineNs(nowNs + endpoint.rtt.rtoNs(slot));
        }
        out.emit(s);
        // a probe only for data: a lone FIN is left to the RTO (one timer fewer per connection lifetime)
        final int end = seq + len + (fin ? 1 : 0);
        if (len > 0 && !persistMode() && (gt(end, sndNxt) || inRecovery()))
        {
            // in recovery after retransmissions too (behaviour 65): when the last retransmission or the ACK that
            // ends recovery is lost and nothing else is coming, the probe finds out in PTO instead of the RTO
            armTailLossProbe(nowNs, gt(end, sndNxt) ? end : sndNxt);
        }
    }

    /**
     * Points {@code s}'s payload at the {@code len} send-ring bytes from {@code seq}. Kept out of
     * {@link #emitSegment} so that it stays under the JIT's inlining limit for hot methods (325 bytecodes).
     */
    private void payloadInto(final TcpSegment s, final int seq, final int len)
    {
        final ChunkRing r = sendRing();
        final ChunkPool pool = endpoint.pool;
        final int mask = endpoint.sendMask;
        if ((seq & pool.chunkMask) + len <= pool.chunkSize)
        {
            s.payload = r.bufferAt(pool, mask, seq);
            s.payloadOffset = r.offsetAt(pool, mask, seq);
        }
        else
        {
            // the segment spans two chunks: one copy into the endpoint's scratch (the emitter copies anyway)
            final UnsafeBuffer scratch = endpoint.segmentScratch;
            r.get(pool, mask, seq, scratch, 0, len);
            s.payload = scratch;
            s.payloadOffset = 0;
        }
        s.payloadLength = len;
    }

    /**
     * RFC 8985 §7.2: PTO = 2·SRTT, plus the peer's worst-case delayed ACK when one segment is in flight, never
     * later than the RTO. With an RTT sample and data in flight, in recovery too (behaviour 65).
     */
    private void armTailLossProbe(final long nowNs, final int flightEnd)
    {
        if (!endpoint.rtt.hasSample(slot) || flightEnd == sndUna || persistMode() || !state.isSynchronized())
        {
            tlpDeadlineNs(NONE);
            return;
        }
        long pto = 2 * endpoint.rtt.srttNs(slot);
        if (flightEnd - sndUna <= payloadMss())
        {
            pto += WORST_CASE_DELAYED_ACK_NS;
        }
        pto = Math.max(pto, MIN_PTO_NS);
        final long at = nowNs + pto;
        tlpDeadlineNs(rtoDeadlineNs() != NONE && rtoDeadlineNs() < at ? NONE : at);
    }

    /** RFC 8985 §7.2 WCDelAckT. */
    private static final long WORST_CASE_DELAYED_ACK_NS = 200_000_000L;
    /**
     * A floor for the probe timeout against a tiny SRTT (a veth's is tens of microseconds). Linux adds two jiffies
     * (2-8 ms) because its timers run on jiffies; ours fire at the first poll after the deadline.
     */
    private static final long MIN_PTO_NS = 200_000L;

    /**
     * The tail loss probe when no new data may go: the last segment sent, again (RFC 8985 §7.3), or, when the peer
     * has SACKed it, the highest bytes it has not SACKed (RFC 6675 §4's rescue retransmission; behaviour 65). A
     * SACKed probe only brings back a D-SACK: in recovery with every byte above a hole SACKed and the hole's
     * retransmission lost, probing the last segment again and again left only the RTO to repair the hole (an echo
     * with nothing new to send waited 200 ms, with 75 D-SACKed probes, at 5% loss).
     */
    private boolean sendTailProbe(final TcpSegment s, final long nowNs, final SegmentEmitter out)
    {
        final int lastEnd = finSent() ? finSeq() : sndNxt;
        int end = lastEnd;
        int floor = sndUna;
        if (sackOk())
        {
            final SeqRangeSet sb = scoreboard();
            for (int i = sb.count() - 1; i >= 0; i--)
            {
                if (gt(end, sb.left(i)) && leq(end, sb.right(i)))
                {
                    end = sb.left(i);
                }
                else if (leq(sb.right(i), end))
                {
                    floor = SeqNum.max(floor, sb.right(i));
                    break;
                }
            }
        }
        int from = end - payloadMss();
        if (lt(from, floor))
        {
            from = floor;
        }
        final int len = Math.max(end - from, 0);
        final boolean fin = finSent() && !finAcked() && end == lastEnd;
        if (len == 0 && !fin)
        {
            return false;
        }
        emitSegment(s, nowNs, from, len, fin, out);
        endpoint.counters.increment(RETRANSMITS);
        stopRttTiming();
        if (inRecovery() && sackOk())
        {
            // a retransmission of this pass like the others (behaviour 69)
            logRetransmission(from, from + len + (fin ? 1 : 0));
        }
        return true;
    }

    /** Logs a retransmission of {@code [from, end)} for the lost-retransmission check (behaviour 69). */
    private void logRetransmission(final int from, final int end)
    {
        transfer().retransmits.add(from, end, sndNxt, sndUna, scoreboard());
    }

    /** Retransmit the next hole: the segment at SND.UNA, or with SACK the next unSACKed range (behaviour 29). */
    private boolean retransmitHole(final TcpSegment s, final long nowNs, final SegmentEmitter out)
    {
        int from = geq(rexmitNxt(), sndUna) ? rexmitNxt() : sndUna;
        int limit;
        if (sackOk() && !scoreboard().isEmpty())
        {
            final SeqRangeSet sb = scoreboard();
            limit = sb.highestRight();
            for (int i = 0; i < sb.count(); i++)
            {
                if (geq(from, sb.left(i)) && lt(from, sb.right(i)))
                {
                    from = sb.right(i);
                }
            }
            if (!lt(from, limit))
            {
                return false;
            }
            for (int i = 0; i < sb.count(); i++)
            {
                if (gt(sb.left(i), from))
                {
                    limit = sb.left(i);
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
            limit = sndNxt;
        }
        final int end = dataEnd();
        final int maxPayload = payloadMss();
        final int len = Math.min(Math.min(limit - from, maxPayload), Math.max(end - from, 0));
        final boolean fin = finSent() && from + len == finSeq() && lt(finSeq(), limit);
        if (len <= 0 && !fin)
        {
            return false;
        }
        emitSegment(s, nowNs, from, len, fin, out);
        endpoint.counters.increment(RETRANSMITS);
        final int sentEnd = from + len + (fin ? 1 : 0);
        rexmitNxt(sentEnd);
        if (sackOk())
        {
            logRetransmission(from, sentEnd);
        }
        stopRttTiming();
        return true;
    }

    /** A one-byte zero-window probe at SND.UNA (RFC 9293 §3.8.6.1), backing off (behaviour 18). */
    private boolean sendProbe(final TcpSegment s, final long nowNs, final SegmentEmitter out)
    {
        if (sendBytes == 0)
        {
            return false;
        }
        endpoint.counters.increment(ZERO_WINDOW_PROBES);
        emitSegment(s, nowNs, sndUna, 1, false, out);
        if (gt(sndUna + 1, sndNxt))
        {
            sndNxt = sndUna + 1;
        }
        sendCursor = sndNxt;
        endpoint.rtt.backOff(slot);
        persistDeadlineNs(nowNs + endpoint.rtt.rtoNs(slot));
        return true;
    }

    // ============================================================================= transfer state (borrowed)

    /**
     * The transfer state to write a field into: the one held, or one borrowed now; null when none is held and the
     * value written is the field's resting value ({@code resting}), which a connection without a state has already.
     */
    private TransferState transferFor(final boolean resting)
    {
        final TransferState t = transfer;
        return t != null || resting ? t : transfer();
    }

    /** The transfer state, borrowed from the endpoint's pool if this connection holds none. */
    private TransferState transfer()
    {
        TransferState t = transfer;
        if (t == null)
        {
            t = endpoint.transfers.take(this);
            transfer = t;
        }
        return t;
    }

    /**
     * An ACK up to {@code ack}: an RTT sample if it covers the segment being timed (RFC 6298, Karn's rule).
     *
     * @return the sample, ns, or 0 for none.
     */
    private long rttOnAck(final int ack, final long nowNs)
    {
        final TransferState t = transfer;
        if (t != null)
        {
            final long r = t.takeSample(ack, nowNs);
            if (r >= 0)
            {
                endpoint.rtt.sample(slot, r);
                return Math.max(r, 1);
            }
        }
        return 0;
    }

    /** Karn's rule: no sample from a segment that was (or may have been) retransmitted. */
    private void stopRttTiming()
    {
        final TransferState t = transfer;
        if (t != null)
        {
            t.stopTiming();
        }
    }

    /**
     * List the transfer state as resting if all of it is at rest (the endpoint asks after each event); the
     * endpoint's next trim takes it back ({@link #reclaimRestingTransfer}) unless the connection is busy again by
     * then. A state already listed is not checked again here: the trim does. When the resting list is full, the
     * state goes back at once.
     */
    void releaseIdleTransfer()
    {
        final TransferState t = transfer;
        if (t != null && !t.resting && transferIdle(t) && !endpoint.transfers.rest(t))
        {
            transfer = null;
            endpoint.transfers.giveAtRest(t);
        }
    }

    /**
     * The endpoint's trim took this connection's transfer state off the resting list: give it back if it is still
     * at rest (else it stays, and is listed again once it is).
     */
    void reclaimRestingTransfer()
    {
        final TransferState t = transfer;
        if (t != null && transferIdle(t))
        {
            transfer = null;
            endpoint.transfers.giveAtRest(t);
        }
    }

    /**
     * True when the transfer state may go back: all of it at rest, and not during the handshake, once our FIN is
     * queued or went out, or while the budget keeps our window shrunk (its ISS and IRS, {@link TransferState#finSeq}
     * and {@link TransferState#shrunkRight} are read as long as those hold). A queued FIN is counted as sent: the next
     * dispatch sends it, arms the retransmission timer and keeps the state from then on, so listing it as resting in
     * between would only be undone (a connection closed from its own callback, as a short lifetime is).
     */
    private boolean transferIdle(final TransferState t)
    {
        return (bits & (FIN_QUEUED | FIN_SENT | SHRUNK)) == 0 && state != TcpState.SYN_SENT &&
            state != TcpState.SYN_RECEIVED && t.atRest();
    }

    /** Give the transfer state back whatever it holds (the TCB is reset or goes back to the pool). */
    void releaseTransfer()
    {
        final TransferState t = transfer;
        if (t != null)
        {
            transfer = null;
            endpoint.transfers.give(t);
        }
    }

    /** True while this connection holds a transfer state (for tests and the memory bench). */
    boolean holdsTransfer()
    {
        return transfer != null;
    }

    private SeqRangeSet ooo()
    {
        final TransferState t = transfer;
        return t == null ? endpoint.noRanges : t.ooo;
    }

    private SeqRangeSet oooForAdd()
    {
        return transfer().ooo;
    }

    private SeqRangeSet scoreboard()
    {
        final TransferState t = transfer;
        return t == null ? endpoint.noRanges : t.scoreboard;
    }

    private SeqRangeSet scoreboardForAdd()
    {
        return transfer().scoreboard;
    }

    private long rtoDeadlineNs()
    {
        final TransferState t = transfer;
        return t == null ? NONE : t.rtoDeadlineNs;
    }

    private void rtoDeadlineNs(final long v)
    {
        final TransferState t = transferFor(v == NONE);
        if (t == null)
        {
            return;
        }
        t.rtoDeadlineNs(v);
    }

    private long persistDeadlineNs()
    {
        final TransferState t = transfer;
        return t == null ? NONE : t.persistDeadlineNs;
    }

    private void persistDeadlineNs(final long v)
    {
        final TransferState t = transferFor(v == NONE);
        if (t == null)
        {
            return;
        }
        t.persistDeadlineNs(v);
    }

    private long swsDeadlineNs()
    {
        final TransferState t = transfer;
        return t == null ? NONE : t.swsDeadlineNs;
    }

    private void swsDeadlineNs(final long v)
    {
        final TransferState t = transferFor(v == NONE);
        if (t == null)
        {
            return;
        }
        t.swsDeadlineNs(v);
    }

    private long delAckDeadlineNs()
    {
        final TransferState t = transfer;
        return t == null ? NONE : t.delAckDeadlineNs;
    }

    private void delAckDeadlineNs(final long v)
    {
        final TransferState t = transferFor(v == NONE);
        if (t == null)
        {
            return;
        }
        t.delAckDeadlineNs(v);
    }

    private long tlpDeadlineNs()
    {
        final TransferState t = transfer;
        return t == null ? NONE : t.tlpDeadlineNs;
    }

    private void tlpDeadlineNs(final long v)
    {
        final TransferState t = transferFor(v == NONE);
        if (t == null)
        {
            return;
        }
        t.tlpDeadlineNs(v);
    }

    private long rackDeadlineNs()
    {
        final TransferState t = transfer;
        return t == null ? NONE : t.rackDeadlineNs;
    }

    private void rackDeadlineNs(final long v)
    {
        final TransferState t = transferFor(v == NONE);
        if (t == null)
        {
            return;
        }
        t.rackDeadlineNs(v);
    }

    long timeWaitDeadlineNs()
    {
        final TransferState t = transfer;
        return t == null ? NONE : t.timeWaitDeadlineNs;
    }

    private void timeWaitDeadlineNs(final long v)
    {
        final TransferState t = transferFor(v == NONE);
        if (t == null)
        {
            return;
        }
        t.timeWaitDeadlineNs(v);
    }

    private long finWait2DeadlineNs()
    {
        final TransferState t = transfer;
        return t == null ? NONE : t.finWait2DeadlineNs;
    }

    private void finWait2DeadlineNs(final long v)
    {
        final TransferState t = transferFor(v == NONE);
        if (t == null)
        {
            return;
        }
        t.finWait2DeadlineNs(v);
    }

    private long rexmitPassNs()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.rexmitPassNs;
    }

    private void rexmitPassNs(final long v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.rexmitPassNs(v);
    }

    private int rexmitRequests()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.rexmitRequests;
    }

    private void rexmitRequests(final int v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.rexmitRequests(v);
    }

    private int rexmitNxt()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.rexmitNxt;
    }

    private void rexmitNxt(final int v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.rexmitNxt(v);
    }

    private int dupAcks()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.dupAcks;
    }

    private void dupAcks(final int v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.dupAcks(v);
    }

    private int oooLastLeft()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.oooLastLeft;
    }

    private void oooLastLeft(final int v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.oooLastLeft(v);
    }

    private int oooLastRight()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.oooLastRight;
    }

    private void oooLastRight(final int v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.oooLastRight(v);
    }

    private int peerFinSeq()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.peerFinSeq;
    }

    private void peerFinSeq(final int v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.peerFinSeq(v);
    }

    private boolean tlpPending()
    {
        final TransferState t = transfer;
        return t == null ? false : t.tlpPending;
    }

    private void tlpPending(final boolean v)
    {
        final TransferState t = transferFor(v == false);
        if (t == null)
        {
            return;
        }
        t.tlpPending(v);
    }

    private boolean persistMode()
    {
        final TransferState t = transfer;
        return t == null ? false : t.persistMode;
    }

    private void persistMode(final boolean v)
    {
        final TransferState t = transferFor(v == false);
        if (t == null)
        {
            return;
        }
        t.persistMode(v);
    }

    private boolean swsBlocked()
    {
        final TransferState t = transfer;
        return t == null ? false : t.swsBlocked;
    }

    private void swsBlocked(final boolean v)
    {
        final TransferState t = transferFor(v == false);
        if (t == null)
        {
            return;
        }
        t.swsBlocked(v);
    }

    private boolean swsOverride()
    {
        final TransferState t = transfer;
        return t == null ? false : t.swsOverride;
    }

    private void swsOverride(final boolean v)
    {
        final TransferState t = transferFor(v == false);
        if (t == null)
        {
            return;
        }
        t.swsOverride(v);
    }

    private boolean inRecovery()
    {
        final TransferState t = transfer;
        return t == null ? false : t.inRecovery;
    }

    private void inRecovery(final boolean v)
    {
        final TransferState t = transferFor(v == false);
        if (t == null)
        {
            return;
        }
        t.inRecovery(v);
    }

    private boolean peerFinPending()
    {
        final TransferState t = transfer;
        return t == null ? false : t.peerFinPending;
    }

    private void peerFinPending(final boolean v)
    {
        final TransferState t = transferFor(v == false);
        if (t == null)
        {
            return;
        }
        t.peerFinPending(v);
    }

    private ChunkRing sendRing()
    {
        final TransferState t = transfer;
        return t == null ? null : t.sendRing;
    }

    private void sendRing(final ChunkRing v)
    {
        final TransferState t = transferFor(v == null);
        if (t == null)
        {
            return;
        }
        t.sendRing(v);
    }

    private ChunkRing recvRing()
    {
        final TransferState t = transfer;
        return t == null ? null : t.recvRing;
    }

    private void recvRing(final ChunkRing v)
    {
        final TransferState t = transferFor(v == null);
        if (t == null)
        {
            return;
        }
        t.recvRing(v);
    }

    private int retries()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.retries;
    }

    private void retries(final int v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.retries(v);
    }

    private int rcvBytesUnacked()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.rcvBytesUnacked;
    }

    private void rcvBytesUnacked(final int v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.rcvBytesUnacked(v);
    }

    private int finSeq()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.finSeq;
    }

    private void finSeq(final int v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.finSeq(v);
    }

    private int shrunkRight()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.shrunkRight;
    }

    private void shrunkRight(final int v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.shrunkRight(v);
    }

    int iss()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.iss;
    }

    private void iss(final int v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.iss(v);
    }

    private int irs()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.irs;
    }

    private void irs(final int v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.irs(v);
    }

    private int keepaliveProbesSent()
    {
        final TransferState t = transfer;
        return t == null ? 0 : t.keepaliveProbesSent;
    }

    private void keepaliveProbesSent(final int v)
    {
        final TransferState t = transferFor(v == 0);
        if (t == null)
        {
            return;
        }
        t.keepaliveProbesSent(v);
    }

    // ============================================================================================= flag bits

    boolean passiveOpen()
    {
        return flag(PASSIVE_OPEN);
    }

    private void passiveOpen(final boolean on)
    {
        flag(PASSIVE_OPEN, on);
    }

    boolean appVisible()
    {
        return flag(APP_VISIBLE);
    }

    private void appVisible(final boolean on)
    {
        flag(APP_VISIBLE, on);
    }

    boolean closeAfterRead()
    {
        return flag(CLOSE_AFTER_READ);
    }

    private void closeAfterRead(final boolean on)
    {
        flag(CLOSE_AFTER_READ, on);
    }

    boolean appClosed()
    {
        return flag(APP_CLOSED);
    }

    private void appClosed(final boolean on)
    {
        flag(APP_CLOSED, on);
    }

    /** One of the bits of {@link #bits}. */
    private boolean flag(final int mask)
    {
        return (bits & mask) != 0;
    }

    /** Sets or clears one of the bits of {@link #bits}. */
    private void flag(final int mask, final boolean on)
    {
        bits = on ? bits | mask : bits & ~mask;
    }

    private boolean wsOk()
    {
        return flag(WS_OK);
    }

    private void wsOk(final boolean on)
    {
        flag(WS_OK, on);
    }

    private boolean sackOk()
    {
        return flag(SACK_OK);
    }

    private void sackOk(final boolean on)
    {
        flag(SACK_OK, on);
    }

    boolean tsOk()
    {
        return flag(TS_OK);
    }

    private void tsOk(final boolean on)
    {
        flag(TS_OK, on);
    }

    private boolean readBlocked()
    {
        return flag(READ_BLOCKED);
    }

    private void readBlocked(final boolean on)
    {
        flag(READ_BLOCKED, on);
    }

    private boolean inputShutdown()
    {
        return flag(INPUT_SHUTDOWN);
    }

    private void inputShutdown(final boolean on)
    {
        flag(INPUT_SHUTDOWN, on);
    }

    private boolean writeBlocked()
    {
        return flag(WRITE_BLOCKED);
    }

    private void writeBlocked(final boolean on)
    {
        flag(WRITE_BLOCKED, on);
    }

    private boolean budgetWaiting()
    {
        return flag(BUDGET_WAITING);
    }

    private void budgetWaiting(final boolean on)
    {
        flag(BUDGET_WAITING, on);
    }

    private boolean finQueued()
    {
        return flag(FIN_QUEUED);
    }

    private void finQueued(final boolean on)
    {
        flag(FIN_QUEUED, on);
    }

    private boolean finSent()
    {
        return flag(FIN_SENT);
    }

    private void finSent(final boolean on)
    {
        flag(FIN_SENT, on);
    }

    private boolean finAcked()
    {
        return flag(FIN_ACKED);
    }

    private void finAcked(final boolean on)
    {
        flag(FIN_ACKED, on);
    }

    private boolean peerFinReceived()
    {
        return flag(PEER_FIN_RECEIVED);
    }

    private void peerFinReceived(final boolean on)
    {
        flag(PEER_FIN_RECEIVED, on);
    }

    private boolean synPending()
    {
        return flag(SYN_PENDING);
    }

    private void synPending(final boolean on)
    {
        flag(SYN_PENDING, on);
    }

    private boolean ackNow()
    {
        return flag(ACK_NOW);
    }

    private void ackNow(final boolean on)
    {
        flag(ACK_NOW, on);
    }

    private boolean rstPending()
    {
        return flag(RST_PENDING);
    }

    private void rstPending(final boolean on)
    {
        flag(RST_PENDING, on);
    }

    private boolean probePending()
    {
        return flag(PROBE_PENDING);
    }

    private void probePending(final boolean on)
    {
        flag(PROBE_PENDING, on);
    }

    private boolean keepalivePending()
    {
        return flag(KEEPALIVE_PENDING);
    }

    private void keepalivePending(final boolean on)
    {
        flag(KEEPALIVE_PENDING, on);
    }

    private boolean budgetShrink()
    {
        return flag(BUDGET_SHRINK);
    }

    private void budgetShrink(final boolean on)
    {
        flag(BUDGET_SHRINK, on);
    }

    private boolean budgetDropped()
    {
        return flag(BUDGET_DROPPED);
    }

    private void budgetDropped(final boolean on)
    {
        flag(BUDGET_DROPPED, on);
    }

    private boolean shrunk()
    {
        return flag(SHRUNK);
    }

    private void shrunk(final boolean on)
    {
        flag(SHRUNK, on);
    }

    boolean closeWhenReadPending()
    {
        return flag(CLOSE_WHEN_READ);
    }

    private void closeWhenReadPending(final boolean on)
    {
        flag(CLOSE_WHEN_READ, on);
    }

    private boolean keepAliveOn()
    {
        return flag(KEEP_ALIVE);
    }

    private void keepAliveOn(final boolean on)
    {
        flag(KEEP_ALIVE, on);
    }

    private boolean noDelayOn()
    {
        return flag(NO_DELAY);
    }

    private void noDelayOn(final boolean on)
    {
        flag(NO_DELAY, on);
    }
}
