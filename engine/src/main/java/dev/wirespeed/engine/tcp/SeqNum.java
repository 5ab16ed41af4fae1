package dev.wirespeed.engine.tcp;

/**
 * Wrap-safe comparisons of 32-bit TCP sequence numbers held in ints (RFC 9293 §3.4, "sequence number arithmetic").
 */
public final class SeqNum
{
    private SeqNum()
    {
    }

    public static boolean lt(final int a, final int b)
    {
        return (a - b) < 0;
    }

    public static boolean leq(final int a, final int b)
    {
        return (a - b) <= 0;
    }

    public static boolean gt(final int a, final int b)
    {
        return (a - b) > 0;
    }

    public static boolean geq(final int a, final int b)
    {
        return (a - b) >= 0;
    }

    public static int max(final int a, final int b)
    {
        return gt(a, b) ? a : b;
    }

    public static int min(final int a, final int b)
    {
        return lt(a, b) ? a : b;
    }

    /** True when {@code low <= x < high} in sequence space. */
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
