package dev.wirespeed.engine.tcp;

import static dev.wirespeed.engine.tcp.SeqNum.gt;

/**
 * The part of a connection's state that only matters while something is going on: data in flight, queued or unread,
 * bytes out of order, a recovery, or a timer other than keepalive armed. An idle ESTABLISHED connection holds none: its
 * {@link TcpConnection} borrows one from the endpoint's {@link TransferPool} when the first of these fields leaves
 * its resting value. Once they are all at rest again ({@link #atRest()}) the connection keeps it, listed in the
 * pool's resting list, and the endpoint's once-a-second trim gives it back if it is still at rest then (issue 10: an
 * idle connection costs as little as possible; a connection between two segments of a transfer should not pay a
 * borrow and a give-back for each delayed-ACK cycle). When the list is full the state goes back at once.
 * <p>
 * Resting values: every deadline {@link TcpConnection#NONE}, every flag false, every count 0, both range sets empty,
 * no buffer ring (the connection gives its rings back to the chunk pool before it gives this state back).
 * {@link #rexmitNxt}, {@link #rexmitPassNs}, {@link #oooLastLeft}, {@link #oooLastRight}, {@link #peerFinSeq},
 * {@link #timedSeq}, {@link #timedStartNs}, {@link #prr} and {@link #retransmits} are read only while a recovery,
 * an out-of-order range, a held FIN or an RTT timing (set together with them) is there, so their values do not
 * count; a returned state has them zeroed all the same. {@link #oowAckNs} does not count either: a state given back
 * forgets it, and the next out-of-window ACK is answered at once, as the first one was. {@link #iss}, {@link #irs},
 * {@link #finSeq} and {@link #shrunkRight} are read while the connection's state or flags say so (handshake, FIN
 * sent, window shrunk); the connection keeps this state as long as they do.
 * <p>
 * The connection reads these fields and changes them only through the setters. Not thread safe.
 */
final class TransferState
{
    /** Retransmission timer (RFC 6298): data or SYN in flight. */
    long rtoDeadlineNs = TcpConnection.NONE;
    /** Persist timer (RFC 9293 §3.8.6.1): zero window with data queued; a probe goes out when it fires. */
    long persistDeadlineNs = TcpConnection.NONE;
    /** Sender SWS override (RFC 1122 §4.2.3.4): a held-back runt is sent when it fires. */
    long swsDeadlineNs = TcpConnection.NONE;
    /** Delayed ACK (RFC 1122 §4.2.3.2). */
    long delAckDeadlineNs = TcpConnection.NONE;
    /** Tail loss probe (RFC 8985 §7): about two RTTs after the last send with data in flight. */
    long tlpDeadlineNs = TcpConnection.NONE;
    /**
     * RACK reordering window (RFC 8985 §6): a hole below SACKed data that stays open this long is lost, however few
     * duplicate ACKs came (an echo's peer piggybacks the same SACK block on its data, which never counts as new).
     */
    long rackDeadlineNs = TcpConnection.NONE;
    /** 2MSL in TIME-WAIT (RFC 9293 §3.6). */
    long timeWaitDeadlineNs = TcpConnection.NONE;
    /** An orphan (closed by the application) waits this long in FIN-WAIT-2 for the peer's FIN. */
    long finWait2DeadlineNs = TcpConnection.NONE;
    /** When the timed segment was sent (RFC 6298 RTT measurement); only while {@link #timing}. */
    long timedStartNs;
    /** The send ring (unacknowledged and unsent bytes), while it holds any. */
    ChunkRing sendRing;
    /** The receive ring (unread and out-of-order bytes), while it holds any. */
    ChunkRing recvRing;
    /** Retransmissions, SYN retries or zero-window probes without an answer so far. */
    int retries;
    /** Bytes received since our last ACK (delayed ACK, RFC 1122 §4.2.3.2). */
    int rcvBytesUnacked;
    /** Our initial send sequence number (RFC 9293 ISS), read during the handshake only. */
    int iss;
    /** The peer's initial sequence number (RFC 9293 IRS), read during the handshake only. */
    int irs;
    /** Keepalive probes sent without an answer since the last segment from the peer (RFC 1122 §4.2.3.6). */
    int keepaliveProbesSent;
    /** The sequence number of our FIN, once sent (the connection keeps this state from then on). */
    int finSeq;
    /** The right edge advertised before the buffer budget shrank the window; while the window is shrunk. */
    int shrunkRight;
    /** When the current pass over the holes began (RACK-style detection of lost retransmissions, RFC 8985). */
    long rexmitPassNs;
    /** When we last answered an out-of-window pure ACK ({@link Long#MIN_VALUE}: not yet); they are rate-limited. */
    long oowAckNs = Long.MIN_VALUE;
    int rexmitRequests;
    /** RFC 6675 HighRxt: holes below it were retransmitted in this pass of the current recovery. */
    int rexmitNxt;
    int dupAcks;
    /** The first sequence number of the segment being timed for an RTT sample; only while {@link #timing}. */
    int timedSeq;
    /** The edges of the out-of-order segment stored last: the first SACK block reports it (RFC 2018 §4). */
    int oooLastLeft;
    int oooLastRight;
    /** Where a FIN that arrived beyond a hole sits (behaviour 38); only while {@link #peerFinPending}. */
    int peerFinSeq;
    /** A tail loss probe is due (RFC 8985 §7). */
    boolean tlpPending;
    boolean persistMode;
    /** Sender SWS avoidance held back a window-limited runt with nothing in flight; the override timer is armed. */
    boolean swsBlocked;
    /** The SWS override timer fired: send what the window allows (RFC 1122 §4.2.3.4). */
    boolean swsOverride;
    boolean inRecovery;
    boolean peerFinPending;
    /** A segment is being timed (one at a time, RFC 6298 §3; Karn's rule stops it on a retransmission). */
    boolean timing;
    /** Out-of-order bytes held beyond RCV.NXT. */
    final SeqRangeSet ooo;
    /** The sender's SACK scoreboard (RFC 2018 §4, RFC 6675): ranges above SND.UNA the peer holds. */
    final SeqRangeSet scoreboard;
    /** Proportional rate reduction (RFC 6937) of SACK recovery; {@link Prr#start} sets it up for each recovery. */
    final Prr prr = new Prr();
    /** The retransmissions of the current pass over the holes, for RACK's rule on lost retransmissions. */
    final RetransmitLog retransmits = new RetransmitLog();
    /** The connection holding this state while lent, else null (the trim hands a resting state back through it). */
    TcpConnection owner;
    /**
     * In the pool's resting list: the state was at rest at some moment since the last trim (it may be busy again; the
     * trim checks). The list is threaded through {@link #restPrev} and {@link #restNext}.
     */
    boolean resting;
    TransferState restPrev;
    TransferState restNext;

    TransferState(final RangeArrayPool ranges)
    {
        ooo = new SeqRangeSet(ranges);
        scoreboard = new SeqRangeSet(ranges);
    }

    /** True when every field that counts is at its resting value: the connection may give this state back. */
    boolean atRest()
    {
        return rtoDeadlineNs == TcpConnection.NONE && persistDeadlineNs == TcpConnection.NONE &&
            swsDeadlineNs == TcpConnection.NONE && delAckDeadlineNs == TcpConnection.NONE &&
            tlpDeadlineNs == TcpConnection.NONE && rackDeadlineNs == TcpConnection.NONE &&
            timeWaitDeadlineNs == TcpConnection.NONE && finWait2DeadlineNs == TcpConnection.NONE &&
            rexmitRequests == 0 && dupAcks == 0 && !tlpPending && !persistMode && !swsBlocked && !swsOverride &&
            !inRecovery && !peerFinPending && !timing && ooo.isEmpty() && scoreboard.isEmpty() && sendRing == null &&
            recvRing == null && retries == 0 && rcvBytesUnacked == 0 && keepaliveProbesSent == 0;
    }

    /** Back to the resting values (range sets emptied, their storage back in its pool), for the next borrower. */
    void reset()
    {
        rtoDeadlineNs = persistDeadlineNs = swsDeadlineNs = delAckDeadlineNs = TcpConnection.NONE;
        tlpDeadlineNs = rackDeadlineNs = timeWaitDeadlineNs = finWait2DeadlineNs = TcpConnection.NONE;
        sendRing = recvRing = null;
        retries = rcvBytesUnacked = finSeq = shrunkRight = iss = irs = keepaliveProbesSent = 0;
        rexmitPassNs = timedStartNs = 0;
        oowAckNs = Long.MIN_VALUE;
        timedSeq = 0;
        timing = false;
        rexmitRequests = rexmitNxt = dupAcks = oooLastLeft = oooLastRight = peerFinSeq = 0;
        tlpPending = persistMode = swsBlocked = swsOverride = inRecovery = peerFinPending = false;
        ooo.clear();
        scoreboard.clear();
        retransmits.clear();
    }

    /**
     * {@link #reset} for a state that is {@link #atRest()}: only the fields that do not come back to rest by
     * themselves (read only while something else says so) are zeroed; the rest are at their resting values already.
     */
    void resetAtRest()
    {
        rexmitPassNs = timedStartNs = 0;
        oowAckNs = Long.MIN_VALUE;
        timedSeq = rexmitNxt = oooLastLeft = oooLastRight = peerFinSeq = iss = irs = finSeq = shrunkRight = 0;
        retransmits.clear();
    }

    /** Time the segment starting at {@code seq}, unless one is already timed. */
    void startTiming(final int seq, final long nowNs)
    {
        if (!timing)
        {
            timing = true;
            timedSeq = seq;
            timedStartNs = nowNs;
        }
    }

    /** Karn's rule: whatever is being timed was (or may have been) retransmitted; no sample from it. */
    void stopTiming()
    {
        timing = false;
    }

    /**
     * An ACK up to {@code ack} arrived: if it covers the timed segment, the timing ends and its RTT sample is
     * returned; otherwise -1.
     */
    long takeSample(final int ack, final long nowNs)
    {
        if (timing && gt(ack, timedSeq))
        {
            timing = false;
            return nowNs - timedStartNs;
        }
        return -1;
    }

    void owner(final TcpConnection v)
    {
        owner = v;
    }

    void resting(final boolean v)
    {
        resting = v;
    }

    void restPrev(final TransferState v)
    {
        restPrev = v;
    }

    void restNext(final TransferState v)
    {
        restNext = v;
    }

    void sendRing(final ChunkRing v)
    {
        sendRing = v;
    }

    void recvRing(final ChunkRing v)
    {
        recvRing = v;
    }

    void retries(final int v)
    {
        retries = v;
    }

    void rcvBytesUnacked(final int v)
    {
        rcvBytesUnacked = v;
    }

    void iss(final int v)
    {
        iss = v;
    }

    void irs(final int v)
    {
        irs = v;
    }

    void keepaliveProbesSent(final int v)
    {
        keepaliveProbesSent = v;
    }

    void finSeq(final int v)
    {
        finSeq = v;
    }

    void shrunkRight(final int v)
    {
        shrunkRight = v;
    }

    void rtoDeadlineNs(final long v)
    {
        rtoDeadlineNs = v;
    }

    void persistDeadlineNs(final long v)
    {
        persistDeadlineNs = v;
    }

    void swsDeadlineNs(final long v)
    {
        swsDeadlineNs = v;
    }

    void delAckDeadlineNs(final long v)
    {
        delAckDeadlineNs = v;
    }

    void tlpDeadlineNs(final long v)
    {
        tlpDeadlineNs = v;
    }

    void rackDeadlineNs(final long v)
    {
        rackDeadlineNs = v;
    }

    void timeWaitDeadlineNs(final long v)
    {
        timeWaitDeadlineNs = v;
    }

    void finWait2DeadlineNs(final long v)
    {
        finWait2DeadlineNs = v;
    }

    void rexmitPassNs(final long v)
    {
        rexmitPassNs = v;
    }

    void oowAckNs(final long v)
    {
        oowAckNs = v;
    }

    void rexmitRequests(final int v)
    {
        rexmitRequests = v;
    }

    void rexmitNxt(final int v)
    {
        rexmitNxt = v;
    }

    void dupAcks(final int v)
    {
        dupAcks = v;
    }

    void oooLastLeft(final int v)
    {
        oooLastLeft = v;
    }

    void oooLastRight(final int v)
    {
        oooLastRight = v;
    }

    void peerFinSeq(final int v)
    {
        peerFinSeq = v;
    }

    void tlpPending(final boolean v)
    {
        tlpPending = v;
    }

    void persistMode(final boolean v)
    {
        persistMode = v;
    }

    void swsBlocked(final boolean v)
    {
        swsBlocked = v;
    }

    void swsOverride(final boolean v)
    {
        swsOverride = v;
    }

    void inRecovery(final boolean v)
    {
        inRecovery = v;
    }

    void peerFinPending(final boolean v)
    {
        peerFinPending = v;
    }
}
