package dev.wirespeed.engine.tcp;

import static dev.wirespeed.engine.tcp.SeqNum.gt;
import static dev.wirespeed.engine.tcp.SeqNum.leq;

/**
 * The retransmissions of the current pass over the holes of a SACK recovery, in the order they went out: for each,
 * the range it carried and SND.NXT at the moment it went (its fence). The connection keeps no per-segment send
 * times, so this is how it applies RFC 8985's rule to its own retransmissions: a retransmission is lost once
 * something sent after it has been delivered while it has not (behaviour 69). "Sent after it" is either data above
 * its fence (first sent later) SACKed by the peer, or a later retransmission of this pass SACKed or ACKed.
 * <p>
 * The reordering window of that rule is zero: the connection takes this evidence only in recovery, where RFC 8985
 * §6.2 sets the window to zero until reordering has been seen. The log holds at most {@link #CAPACITY}
 * retransmissions still out; any beyond them go unlogged and are left to the time-based checks and the timers.
 * <p>
 * Fixed arrays, allocated once with the {@link TransferState} that owns the log. Not thread safe.
 */
final class RetransmitLog
{
    static final int CAPACITY = 16;

    private final int[] left = new int[CAPACITY];
    private final int[] right = new int[CAPACITY];
    private final int[] fence = new int[CAPACITY];
    private int count;

    /** A new pass begins: forget the last one's retransmissions. */
    void clear()
    {
        count = 0;
    }

    /** Entries in the current pass. */
    int count()
    {
        return count;
    }

    /**
     * Log a retransmission of {@code [l, r)} sent while the highest sequence number sent was {@code sndNxt}. A full
     * log first drops the entries delivered since (a long pass over many holes keeps logging what is still out);
     * if every entry is still out, it keeps them, the oldest, and this one goes unlogged.
     */
    void add(final int l, final int r, final int sndNxt, final int sndUna, final SeqRangeSet scoreboard)
    {
        if (count == CAPACITY)
        {
            int kept = 0;
            for (int i = 0; i < count; i++)
            {
                if (!delivered(i, sndUna, scoreboard))
                {
                    left[kept] = left[i];
                    right[kept] = right[i];
                    fence[kept] = fence[i];
                    kept++;
                }
            }
            count = kept;
        }
        if (count < CAPACITY)
        {
            left[count] = l;
            right[count] = r;
            fence[count] = sndNxt;
            count++;
        }
    }

    private boolean delivered(final int i, final int sndUna, final SeqRangeSet scoreboard)
    {
        return leq(right[i], sndUna) || scoreboard.covers(left[i], right[i]);
    }

    /**
     * True if a logged retransmission is still undelivered (neither below {@code sndUna} nor SACKed) while
     * something sent after it was delivered: SACKed bytes above its fence, or a later logged retransmission.
     */
    boolean anyLost(final int sndUna, final SeqRangeSet scoreboard)
    {
        if (count == 0 || scoreboard.isEmpty())
        {
            return false;
        }
        final int highestSacked = scoreboard.highestRight();
        boolean laterDelivered = false;
        for (int i = count - 1; i >= 0; i--)
        {
            final boolean delivered = delivered(i, sndUna, scoreboard);
            if (!delivered && (laterDelivered || gt(highestSacked, fence[i])))
            {
                return true;
            }
            laterDelivered |= delivered;
        }
        return false;
    }
}
