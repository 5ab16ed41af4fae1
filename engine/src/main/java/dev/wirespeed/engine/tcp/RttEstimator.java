package dev.wirespeed.engine.tcp;

/**
 * RFC 6298 round-trip time estimation for every connection of one endpoint: per connection slot, SRTT, RTTVAR, the
 * RTO with its exponential backoff. It also keeps the minimum sample seen, which time-based loss detection (RFC 8985)
 * needs. The one segment being timed (Karn's rule: a retransmission gives no sample, behaviour 56 in
 * docs/TCP-BEHAVIOUR.md) is part of the connection's {@link TransferState}: it exists only while data is in flight.
 * <p>
 * The state is held as arrays indexed by the connection's pool slot (struct of arrays: 26 bytes a slot, no
 * object per connection; issue 10), grown with the endpoint's slots ({@link #ensureSlots}). Only this class writes
 * them; a connection passes its slot. Times in nanoseconds, always passed in. Not thread safe.
 */
final class RttEstimator
{
    private static final byte VALID = 1;
    /** RFC 6298 §5.7: the handshake was retransmitted without a sample; until one comes the RTO is at least 3 s. */
    private static final byte THREE_SECOND_FLOOR = 2;
    private static final long THREE_SECONDS_NS = 3_000_000_000L;

    private final TcpConfig config;
    private long[] srttNs;
    private long[] rttvarNs;
    private long[] minNs;
    /** Exponential backoff count, saturating at {@link Byte#MAX_VALUE} (the RTO reaches its maximum long before). */
    private byte[] backoff;
    private byte[] flags;

    RttEstimator(final TcpConfig config, final int slots)
    {
        this.config = config;
        srttNs = new long[slots];
        rttvarNs = new long[slots];
        minNs = new long[slots];
        backoff = new byte[slots];
        flags = new byte[slots];
    }

    /** Room for slots {@code [0, slots)}; existing state is kept. */
    void ensureSlots(final int slots)
    {
        if (slots <= srttNs.length)
        {
            return;
        }
        srttNs = java.util.Arrays.copyOf(srttNs, slots);
        rttvarNs = java.util.Arrays.copyOf(rttvarNs, slots);
        minNs = java.util.Arrays.copyOf(minNs, slots);
        backoff = java.util.Arrays.copyOf(backoff, slots);
        flags = java.util.Arrays.copyOf(flags, slots);
    }

    /** A new connection in this slot: no sample yet, the initial RTO. */
    void reset(final int slot)
    {
        srttNs[slot] = rttvarNs[slot] = 0;
        minNs[slot] = Long.MAX_VALUE;
        flags[slot] = 0;
        backoff[slot] = 0;
    }

    /** Smoothed RTT; 0 before the first sample. */
    long srttNs(final int slot)
    {
        return srttNs[slot];
    }

    /** The smallest sample seen; {@code Long.MAX_VALUE} before the first. */
    long minNs(final int slot)
    {
        return minNs[slot];
    }

    boolean hasSample(final int slot)
    {
        return (flags[slot] & VALID) != 0;
    }

    /**
     * RTO without backoff (RFC 6298 §2), computed from SRTT and RTTVAR when asked (not stored: a slot is 8 bytes
     * smaller); before the first sample the initial RTO, or 3 s after a handshake retransmitted without one (§5.7).
     */
    long baseRtoNs(final int slot)
    {
        final byte f = flags[slot];
        if ((f & VALID) == 0)
        {
            final long initial = config.initialRtoNs;
            return (f & THREE_SECOND_FLOOR) != 0 ? Math.max(initial, THREE_SECONDS_NS) : initial;
        }
        final long srtt = srttNs[slot];
        return Math.min(config.maxRtoNs,
            Math.max(config.minRtoNs, srtt + Math.max(config.clockGranularityNs, 4 * rttvarNs[slot])));
    }

    /** RTO with the current backoff applied, at most the configured maximum (RFC 6298 §5.5). */
    long rtoNs(final int slot)
    {
        long rto = baseRtoNs(slot);
        final int b = backoff[slot];
        for (int i = 0; i < b && rto < config.maxRtoNs; i++)
        {
            rto <<= 1;
        }
        return Math.min(rto, config.maxRtoNs);
    }

    /** The handshake's RTO: the initial RTO doubled per retransmission (behaviour 11). */
    long handshakeRtoNs(final int slot)
    {
        return Math.min(config.maxRtoNs, config.initialRtoNs << Math.min(backoff[slot], 30));
    }

    int backoff(final int slot)
    {
        return backoff[slot];
    }

    void backOff(final int slot)
    {
        if (backoff[slot] < Byte.MAX_VALUE)
        {
            backoff[slot]++;
        }
    }

    void clearBackoff(final int slot)
    {
        backoff[slot] = 0;
    }

    /** RFC 6298 §5.7: the SYN was retransmitted and gave no sample, so data starts with an RTO of at least 3 s. */
    void afterHandshakeWithoutSample(final int slot)
    {
        if (!hasSample(slot) && backoff[slot] > 0)
        {
            flags[slot] |= THREE_SECOND_FLOOR;
        }
    }

    /** One RTT measurement (RFC 6298 §2); also clears the backoff (§5.7 and Linux). */
    void sample(final int slot, final long r)
    {
        if (r < minNs[slot])
        {
            minNs[slot] = r;
        }
        long srtt = srttNs[slot];
        long rttvar = rttvarNs[slot];
        if (!hasSample(slot))
        {
            srtt = r;
            rttvar = r / 2;
            flags[slot] |= VALID;
        }
        else
        {
            final long delta = Math.abs(srtt - r);
            rttvar = (3 * rttvar + delta) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        srttNs[slot] = srtt;
        rttvarNs[slot] = rttvar;
        backoff[slot] = 0;
    }
}
