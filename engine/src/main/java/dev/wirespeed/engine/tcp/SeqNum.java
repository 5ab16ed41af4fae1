package dev.wirespeed.engine.tcp;

/**
 * Wrap-safe comparisons of 32-bit TCP sequence numbers held in ints (RFC 9293 §3.4, "sequence number arithmetic").
 */
public final class SeqNum
{
    private SeqNum()
    {
    }

    /**
     * Sequence-space {@code a < b} (RFC 9293 §3.4, modulo 2^32).
     *
     * @param a a sequence number.
     * @param b a sequence number within 2^31 of {@code a}.
     * @return true if {@code a} comes before {@code b}.
     */
    public static boolean lt(final int a, final int b)
    {
        return (a - b) < 0;
    }

    /**
     * Sequence-space {@code a <= b} (modulo 2^32).
     *
     * @param a a sequence number.
     * @param b a sequence number within 2^31 of {@code a}.
     * @return true if {@code a} comes before or is {@code b}.
     */
    public static boolean leq(final int a, final int b)
    {
        return (a - b) <= 0;
    }

    /**
     * Sequence-space {@code a > b} (modulo 2^32).
     *
     * @param a a sequence number.
     * @param b a sequence number within 2^31 of {@code a}.
     * @return true if {@code a} comes after {@code b}.
     */
    public static boolean gt(final int a, final int b)
    {
        return (a - b) > 0;
    }

    /**
     * Sequence-space {@code a >= b} (modulo 2^32).
     *
     * @param a a sequence number.
     * @param b a sequence number within 2^31 of {@code a}.
     * @return true if {@code a} comes after or is {@code b}.
     */
    public static boolean geq(final int a, final int b)
    {
        return (a - b) >= 0;
    }

    /**
     * The later of two sequence numbers (modulo 2^32).
     *
     * @param a a sequence number.
     * @param b a sequence number within 2^31 of {@code a}.
     * @return the later one.
     */
    public static int max(final int a, final int b)
    {
        return gt(a, b) ? a : b;
    }

    /**
     * The earlier of two sequence numbers (modulo 2^32).
     *
     * @param a a sequence number.
     * @param b a sequence number within 2^31 of {@code a}.
     * @return the earlier one.
     */
    public static int min(final int a, final int b)
    {
        return lt(a, b) ? a : b;
    }

    /**
     * True when {@code low <= x < high} in sequence space.
     *
     * @param x    the sequence number to test.
     * @param low  the range's first sequence number.
     * @param high the range's end.
     * @return true if {@code x} is in the range.
     */
    public static boolean inRange(final int x, final int low, final int high)
    {
        return geq(x, low) && lt(x, high);
    }

    /** RFC 9293 §3.10.7.4 first check: is a segment of {@code segLen} at {@code seq} acceptable for the window? */
    static boolean acceptable(final int seq, final int segLen, final int rcvNxt, final int rcvWnd)
    {
        if (segLen == 0)
        {
            return rcvWnd == 0 ? seq == rcvNxt : inRange(seq, rcvNxt, rcvNxt + rcvWnd);
        }
        if (rcvWnd == 0)
        {
            return seq == rcvNxt;
        }
        return inRange(seq, rcvNxt, rcvNxt + rcvWnd) || inRange(seq + segLen - 1, rcvNxt, rcvNxt + rcvWnd);
    }
}
