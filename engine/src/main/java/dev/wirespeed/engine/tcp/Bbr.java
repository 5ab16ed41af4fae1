package dev.wirespeed.engine.tcp;

import static dev.wirespeed.engine.tcp.SeqNum.gt;

/**
 * Model-based congestion control in the manner of BBR v1 (draft-cardwell-iccrg-bbr-congestion-control-00): the window
 * follows an estimate of the path's bandwidth-delay product instead of reacting to each loss (behaviour 68).
 *
 * <ul>
 * <li>Delivery rate: one sample per round trip, the bytes reported delivered (SND.UNA advance plus newly SACKed)
 * between the ACK that starts a round and the ACK that covers the first byte sent after it, over the time between the
 * two ACKs; since that byte needs a whole round trip, the interval is never shorter than one. The bandwidth estimate
 * is the maximum sample over the last 5 to 10 rounds (two slots of five rounds each, as Linux keeps its ACK
 * aggregation estimate). Samples from rounds in which the sender ran out of data count only if they raise the
 * estimate.</li>
 * <li>Min RTT: the smallest RTT sample of the last 10 s; an older minimum is replaced by the next sample.</li>
 * <li>cwnd = gain · bandwidth · min RTT, plus three send quanta (a quantum is 1 ms of data at the estimated rate, at
 * least two segments and at most 64 KiB, as Linux's quantization budget) and the ACK aggregation allowance (the most data acknowledged
 * beyond what the estimated rate explains since an aggregation epoch began, as Linux's {@code extra_acked}), at
 * least four segments.</li>
 * <li>Startup grows the window by what each ACK delivers (up to 2.885 · BDP plus the allowances) until the estimate has not grown by 25 % for three rounds;
 * drain holds the window at one BDP (plus the allowances) until the pipe fits in it; probe-bw cycles the gain 2 · (1.25, 0.75, 1, 1, 1,
 * 1, 1, 1), one phase per round.</li>
 * <li>Loss is not a congestion signal: recovery keeps the window (ssthresh reports cwnd, so PRR only paces
 * retransmissions at the delivery rate). After an RTO the window restarts at one segment, grows by what is delivered
 * and gets its previous value back two rounds later.</li>
 * </ul>
 *
 * There is no pacer and no ProbeRTT state: the window alone limits the flight. Fields only, no arrays; allocation
 * free; not thread safe.
 */
public final class Bbr implements CongestionControl
{
    static final int STARTUP = 0;
    static final int DRAIN = 1;
    static final int PROBE_BW = 2;

    /** Startup gain, 2/ln 2 (draft §4.2.3). */
    static final double HIGH_GAIN = 2.885;
    /** Probe-bw cwnd gain (draft §4.2.3.4). */
    static final double CWND_GAIN = 2.0;
    /** Rounds per bandwidth filter slot; the window is two slots. */
    static final int BW_SLOT_ROUNDS = 5;
    /** Min RTT filter window, ns (draft: 10 s). */
    static final long MIN_RTT_WINDOW_NS = 10_000_000_000L;
    /** A send quantum: this much time at the estimated rate, ns. */
    static final long QUANTUM_NS = 1_000_000L;
    /** Cap on a send quantum, bytes (Linux: 127 segments; here 64 KiB, what one TSO/GSO burst may carry). */
    static final long MAX_QUANTUM_BYTES = 64 * 1024;
    /** Cap on the ACK aggregation allowance: this much time at the estimated rate, ns (Linux: 100 ms). */
    static final long MAX_AGGREGATION_NS = 100_000_000L;

    private static final double[] PROBE_GAINS = {1.25, 0.75, 1, 1, 1, 1, 1, 1};

    /**
     * Congestion control in its initial state; the connection sets the window when it opens.
     */
    public Bbr()
    {
    }

    private int smss;
    private int cwnd;
    private int mode;

    /** Bytes reported delivered since init. */
    private long delivered;
    /** Round trips completed since init. */
    private long rounds;
    /** The round ends when an ACK covers this sequence number (the first byte sent after the round began). */
    private int roundEndSeq;
    private long roundStartNs;
    private long roundStartDelivered;
    private boolean roundAppLimited;
    private boolean roundPending;

    /**
     * The two windowed maxima (bandwidth, ACK aggregation excess) keep two slots of {@link #BW_SLOT_ROUNDS} rounds
     * each and turn over together: the slot being filled, and the rounds it has had.
     */
    private int slotIndex;
    private int slotRounds;
    /** Bandwidth filter: the maximum of each slot, bytes per second. */
    private long bwSlot0;
    private long bwSlot1;

    private long minRttNs;
    private long minRttStampNs;

    /** Startup's plateau detector. */
    private long fullBw;
    private int fullBwRounds;

    private int cycleIndex;

    /** ACK aggregation: epoch start, bytes acknowledged in it, and the windowed maximum excess (two slots). */
    private long ackEpochNs;
    private long ackEpochBytes;
    private long extraAcked0;
    private long extraAcked1;

    /** After an RTO: the window to restore and the rounds left until then (0: none pending). */
    private int priorCwnd;
    private int rtoRoundsLeft;

    public void init(final int smss, final int initialWindow)
    {
        this.smss = smss;
        this.cwnd = initialWindow;
        mode = STARTUP;
        delivered = 0;
        rounds = 0;
        roundPending = false;
        roundAppLimited = false;
        roundStartNs = 0;
        roundStartDelivered = 0;
        roundEndSeq = 0;
        slotIndex = 0;
        slotRounds = 0;
        bwSlot0 = 0;
        bwSlot1 = 0;
        minRttNs = Long.MAX_VALUE;
        minRttStampNs = 0;
        fullBw = 0;
        fullBwRounds = 0;
        cycleIndex = 0;
        ackEpochNs = Long.MIN_VALUE;
        ackEpochBytes = 0;
        extraAcked0 = 0;
        extraAcked1 = 0;
        priorCwnd = 0;
        rtoRoundsLeft = 0;
    }

    public int cwnd()
    {
        return cwnd;
    }

    /** Loss does not lower the window: PRR's target is the window itself. */
    public int ssthresh()
    {
        return cwnd;
    }

    public void onAck(final int ackedBytes, final int flightSize)
    {
        // the model is fed by onDelivered, for every ACK, in and out of recovery
    }

    /** The model is fed by {@link #onDelivered}. */
    public boolean wantsDelivered()
    {
        return true;
    }

    public void onDelivered(
        final long nowNs, final int deliveredBytes, final int pipe, final int sndNxt, final int highestAcked,
        final long rttSampleNs, final boolean appLimited)
    {
        final int newly = Math.max(deliveredBytes, 0);
        delivered += newly;
        if (rttSampleNs > 0 && (rttSampleNs <= minRttNs || nowNs - minRttStampNs > MIN_RTT_WINDOW_NS))
        {
            minRttNs = rttSampleNs;
            minRttStampNs = nowNs;
        }
        roundAppLimited |= appLimited;

        boolean roundEnded = false;
        if (!roundPending)
        {
            startRound(nowNs, sndNxt);
        }
        else if (gt(highestAcked, roundEndSeq))
        {
            roundEnded = true;
            endRound(nowNs);
            startRound(nowNs, sndNxt);
        }
        updateAckAggregation(nowNs, newly);
        if (roundEnded)
        {
            advanceMode(pipe);
        }
        setCwnd(newly);
    }

    private void startRound(final long nowNs, final int sndNxt)
    {
        roundPending = true;
        roundEndSeq = sndNxt;
        roundStartNs = nowNs;
        roundStartDelivered = delivered;
        roundAppLimited = false;
    }

    private void endRound(final long nowNs)
    {
        rounds++;
        final long elapsed = nowNs - roundStartNs;
        final long bytes = delivered - roundStartDelivered;
        if (++slotRounds >= BW_SLOT_ROUNDS)
        {
            // both filters start their new slot empty
            slotRounds = 0;
            slotIndex ^= 1;
            if (slotIndex == 0)
            {
                bwSlot0 = 0;
                extraAcked0 = 0;
            }
            else
            {
                bwSlot1 = 0;
                extraAcked1 = 0;
            }
        }
        if (elapsed > 0 && bytes > 0)
        {
            final long sample = (long)(bytes * 1e9 / elapsed);
            if (!roundAppLimited || sample >= bw())
            {
                if (slotIndex == 0)
                {
                    bwSlot0 = Math.max(bwSlot0, sample);
                }
                else
                {
                    bwSlot1 = Math.max(bwSlot1, sample);
                }
            }
        }
        cycleIndex = (cycleIndex + 1) % PROBE_GAINS.length;
        if (rtoRoundsLeft > 0 && --rtoRoundsLeft == 0)
        {
            cwnd = Math.max(cwnd, priorCwnd);
        }
        if (mode == STARTUP && !roundAppLimited)
        {
            // draft §4.3.2.2: full pipe once three rounds in a row did not raise the estimate by a quarter
            final long bw = bw();
            if (bw >= fullBw + (fullBw >> 2))
            {
                fullBw = bw;
                fullBwRounds = 0;
            }
            else if (++fullBwRounds >= 3)
            {
                mode = DRAIN;
            }
        }
    }

    /** Linux's bbr_update_ack_aggregation: the most acknowledged beyond what the estimated rate explains. */
    private void updateAckAggregation(final long nowNs, final int newly)
    {
        if (newly == 0)
        {
            return;
        }
        final long bw = bw();
        long expected = ackEpochNs == Long.MIN_VALUE ? 0 : (long)((double)bw * (nowNs - ackEpochNs) / 1e9);
        if (ackEpochNs == Long.MIN_VALUE || ackEpochBytes <= expected)
        {
            ackEpochNs = nowNs;
            ackEpochBytes = 0;
            expected = 0;
        }
        ackEpochBytes += newly;
        final long extra = Math.min(ackEpochBytes - expected, cwnd);
        if (slotIndex == 0)
        {
            extraAcked0 = Math.max(extraAcked0, extra);
        }
        else
        {
            extraAcked1 = Math.max(extraAcked1, extra);
        }
    }

    private void advanceMode(final int pipe)
    {
        // drain's window is one BDP plus the allowances: done once the pipe fits in it
        if (mode == DRAIN && pipe <= targetCwnd())
        {
            mode = PROBE_BW;
            cycleIndex = 0;
        }
    }

    private void setCwnd(final int newly)
    {
        if (rtoRoundsLeft > 0)
        {
            // after an RTO: grow by what is delivered until the old window comes back
            cwnd = addSat(cwnd, newly);
            return;
        }
        final long target = targetCwnd();
        if (mode == STARTUP)
        {
            // slow-start-like growth, while below the startup gain's window (Linux: or before the first rate sample)
            if (bw() == 0 || cwnd < target)
            {
                cwnd = addSat(cwnd, newly);
            }
            return;
        }
        if (cwnd < target)
        {
            cwnd = (int)Math.min(target, (long)cwnd + newly);
        }
        else
        {
            cwnd = (int)target;
        }
    }

    /** The window the model asks for outside startup, bytes. */
    long targetCwnd()
    {
        final long bw = bw();
        final double gain = mode == PROBE_BW ? CWND_GAIN * PROBE_GAINS[cycleIndex] : mode == STARTUP ? HIGH_GAIN : 1.0;
        final long quantum = Math.max(2L * smss, Math.min(MAX_QUANTUM_BYTES, (long)(bw * (QUANTUM_NS / 1e9))));
        final long aggregation = Math.min(Math.max(extraAcked0, extraAcked1), (long)(bw * (MAX_AGGREGATION_NS / 1e9)));
        final long target = bdp(gain) + 3 * quantum + aggregation;
        return Math.min(Integer.MAX_VALUE, Math.max(target, 4L * smss));
    }

    private long bdp(final double gain)
    {
        if (minRttNs == Long.MAX_VALUE)
        {
            return cwnd;
        }
        return (long)Math.min(Integer.MAX_VALUE, gain * bw() * (minRttNs / 1e9));
    }

    public void onEnterRecovery(final int flightSize)
    {
        // random loss is no congestion signal: the window stays
    }

    public void onDupAckInRecovery()
    {
    }

    public void onPartialAck(final int ackedBytes)
    {
    }

    public void onExitRecovery(final int flightSize)
    {
    }

    public void onExitPrrRecovery()
    {
    }

    public void onRto(final int flightSize)
    {
        if (rtoRoundsLeft == 0)
        {
            priorCwnd = cwnd;
        }
        rtoRoundsLeft = 2;
        cwnd = smss;
    }

    public void onIdleRestart(final int initialWindow)
    {
        // no pacer: a whole window at once after idle would be a burst (RFC 5681 §4.1)
        cwnd = Math.min(cwnd, initialWindow);
    }

    /** The bandwidth estimate, bytes per second; 0 before the first sample. */
    long bw()
    {
        return Math.max(bwSlot0, bwSlot1);
    }

    /** The min RTT estimate, ns; {@code Long.MAX_VALUE} before the first sample. */
    long minRttNs()
    {
        return minRttNs;
    }

    int mode()
    {
        return mode;
    }

    long rounds()
    {
        return rounds;
    }

    private static int addSat(final int a, final int b)
    {
        final long r = (long)a + b;
        return r > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int)r;
    }
}
