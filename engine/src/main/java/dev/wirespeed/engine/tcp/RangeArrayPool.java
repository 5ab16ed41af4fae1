package dev.wirespeed.engine.tcp;

/**
 * The endpoint's (shard's) pool of {@link SeqRangeSet} storage: an empty range set (a connection with no
 * out-of-order bytes, no SACKed data: every idle connection) holds no array; it borrows one here when its first
 * range arrives and gives it back when its last range goes. Arrays are created on first need (at most two per
 * connection, so bounded by the connection budget) and kept for reuse, so a steady state allocates nothing;
 * {@link #trim} lets what a burst left behind go to the garbage collector.
 * <p>
 * Not thread safe: one per endpoint.
 */
final class RangeArrayPool
{
    /**
     * Ranges per set: the receiver's out-of-order intervals (capped lower by
     * {@link TcpConfig#maxOutOfOrderIntervals}) and the sender's SACK scoreboard. A full scoreboard forgets its
     * highest range, whose bytes then look like a hole and are sent again; with 8 ranges a 512 KiB flight at 5% loss
     * (about 18 holes) did that for most of its retransmissions (behaviour 29). An array is lent only while its set
     * is not empty, so an idle connection pays nothing for the size.
     */
    static final int RANGES = 32;
    /** Ints per array: left edges, right edges and stamps of {@link #RANGES} ranges. */
    static final int INTS = 3 * RANGES;

    private final FreeStack<int[]> free = new FreeStack<>();
    private int out;
    private long created;

    /** An array for one range set, reused when possible. */
    int[] take()
    {
        out++;
        final int[] a = free.pop();
        if (a != null)
        {
            return a;
        }
        created++;
        return new int[INTS];
    }

    /** Give an array back (its contents are stale; the next taker overwrites what it uses). */
    void give(final int[] a)
    {
        out--;
        free.push(a);
    }

    /** Arrays lent out now. */
    int inUse()
    {
        return out;
    }

    /** Arrays idle in the pool. */
    int idle()
    {
        return free.size();
    }

    /** Arrays ever created. */
    long created()
    {
        return created;
    }

    /**
     * Keep at most {@code keep} idle arrays; the rest go to the garbage collector, and the free stack shrinks back
     * too (after a burst of reordering or loss on many connections at once).
     *
     * @return arrays dropped.
     */
    int trim(final int keep)
    {
        return free.trim(keep);
    }
}
