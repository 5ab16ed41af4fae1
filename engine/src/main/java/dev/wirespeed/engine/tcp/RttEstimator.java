package dev.wirespeed.engine.tcp;

import static dev.wirespeed.engine.tcp.SeqNum.gt;

/**
 * RFC 6298 round-trip time estimation for one connection: SRTT, RTTVAR, the RTO with its exponential backoff, and the
 * one segment being timed (Karn's rule: a retransmission gives no sample, behaviour 56 in docs/TCP-BEHAVIOUR.md).
 * It also keeps the latest sample and the minimum seen, which time-based loss detection (RFC 8985) needs.
 * <p>
 * Times in nanoseconds, always passed in. Not thread safe.
 */
final class RttEstimator
{
    private final TcpConfig config;
    private long srttNs;
    private long rttvarNs;
    private long rtoNs;
    private long latestNs;
    private long minNs;
    private boolean valid;
    private boolean timing;
    private int timedSeq;
    private long timedStartNs;
    private int backoff;

    RttEstimator(final TcpConfig config)
    {
        this.config = config;
        reset();
    }

    void reset()
    {
        srttNs = rttvarNs = latestNs = 0;
        minNs = Long.MAX_VALUE;
        rtoNs = config.initialRtoNs;
        valid = timing = false;
        timedSeq = 0;
        timedStartNs = 0;
        backoff = 0;
    }

    /** Smoothed RTT; 0 before the first sample. */
    long srttNs()
    {
        return srttNs;
    }

    /** The most recent sample; 0 before the first. */
    long latestNs()
    {
        return latestNs;
    }

    /** The smallest sample seen; {@code Long.MAX_VALUE} before the first. */
    long minNs()
    {
        return minNs;
    }

    boolean hasSample()
    {
        return valid;
    }

    /** RTO without backoff (RFC 6298 §2). */
    long baseRtoNs()
    {
        return rtoNs;
    }

    /** RTO with the current backoff applied, at most the configured maximum (RFC 6298 §5.5). */
    long rtoNs()
    {
        long rto = rtoNs;
        for (int i = 0; i < backoff && rto < config.maxRtoNs; i++)
        {
            rto <<= 1;
        }
        return Math.min(rto, config.maxRtoNs);
    }

    /** The handshake's RTO: the initial RTO doubled per retransmission (behaviour 11). */
    long handshakeRtoNs()
    {
        return Math.min(config.maxRtoNs, config.initialRtoNs << Math.min(backoff, 30));
    }

    int backoff()
    {
        return backoff;
    }

    void backOff()
    {
        backoff++;
    }

    void clearBackoff()
    {
        backoff = 0;
    }

    /** RFC 6298 §5.7: the SYN was retransmitted and gave no sample, so data starts with an RTO of at least 3 s. */
    void afterHandshakeWithoutSample()
    {
        if (!valid && backoff > 0)
        {
            rtoNs = Math.max(rtoNs, 3_000_000_000L);
        }
    }

    boolean timing()
    {
        return timing;
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

    /** An ACK up to {@code ack} arrived: take a sample if it covers the timed segment. */
    void onAck(final int ack, final long nowNs)
    {
        if (timing && gt(ack, timedSeq))
        {
            timing = false;
            sample(nowNs - timedStartNs);
        }
    }

    /** One RTT measurement (RFC 6298 §2); also clears the backoff (§5.7 and Linux). */
    void sample(final long r)
    {
        latestNs = r;
        if (r < minNs)
        {
            minNs = r;
        }
        if (!valid)
        {
            srttNs = r;
            rttvarNs = r / 2;
            valid = true;
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
}
