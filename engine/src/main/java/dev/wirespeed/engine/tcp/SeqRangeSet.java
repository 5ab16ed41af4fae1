package dev.wirespeed.engine.tcp;

import static dev.wirespeed.engine.tcp.SeqNum.geq;
import static dev.wirespeed.engine.tcp.SeqNum.gt;
import static dev.wirespeed.engine.tcp.SeqNum.leq;
import static dev.wirespeed.engine.tcp.SeqNum.lt;

/**
 * A bounded set of disjoint half-open sequence ranges [left, right), sorted by left edge, in modulo-2^32 sequence
 * space (like smoltcp's {@code Assembler}). Overlapping or adjacent ranges merge on {@link #add}. One class serves
 * both the receiver's out-of-order intervals and the sender's SACK scoreboard. Each range remembers when it last
 * grew ({@link #stamp}), for RFC 2018 §4's "most recently reported first" block order.
 * <p>
 * Fixed capacity ({@link RangeArrayPool#RANGES}). An empty set holds no storage: it borrows one array from the
 * endpoint's {@link RangeArrayPool} when its first range arrives and gives it back when its last range goes, so an
 * idle connection's two sets cost only their small headers (issue 10: idle connections cost almost nothing).
 * Edges and stamps share that array: left edges at {@code [0, RANGES)}, right edges at {@code [RANGES, 2 RANGES)},
 * stamps above. No allocation once the pool has warmed up. Not thread safe.
 */
final class SeqRangeSet
{
    private static final int R = RangeArrayPool.RANGES;
    private static final int S = 2 * RangeArrayPool.RANGES;

    private final RangeArrayPool pool;
    /** Null while empty. */
    private int[] ranges;
    private int count;
    private int clock;

    SeqRangeSet(final RangeArrayPool pool)
    {
        this.pool = pool;
    }

    int capacity()
    {
        return R;
    }

    /** True while the set holds storage borrowed from the pool (exactly while it is not empty). */
    boolean holdsStorage()
    {
        return ranges != null;
    }

    int count()
    {
        return count;
    }

    boolean isEmpty()
    {
        return count == 0;
    }

    int left(final int i)
    {
        return ranges[i];
    }

    int right(final int i)
    {
        return ranges[R + i];
    }

    /** Larger is more recent: when range {@code i} was last added to or merged. */
    int stamp(final int i)
    {
        return ranges[S + i];
    }

    /** Right edge of the highest range; only when not empty. */
    int highestRight()
    {
        return ranges[R + count - 1];
    }

    void clear()
    {
        count = 0;
        releaseIfEmpty();
    }

    private void releaseIfEmpty()
    {
        if (count == 0 && ranges != null)
        {
            pool.give(ranges);
            ranges = null;
            clock = 0;
        }
    }

    /** True if some range overlaps or touches [l, r): adding it would not need a new entry. */
    boolean touches(final int l, final int r)
    {
        for (int i = 0; i < count; i++)
        {
            if (leq(ranges[i], r) && geq(ranges[R + i], l))
            {
                return true;
            }
        }
        return false;
    }

    /** True if one range holds all of [l, r). */
    boolean covers(final int l, final int r)
    {
        for (int i = 0; i < count; i++)
        {
            if (leq(ranges[i], l) && geq(ranges[R + i], r))
            {
                return true;
            }
        }
        return false;
    }

    /** Index of the range holding {@code seq}, or -1. */
    int indexOf(final int seq)
    {
        for (int i = 0; i < count; i++)
        {
            if (geq(seq, ranges[i]) && lt(seq, ranges[R + i]))
            {
                return i;
            }
        }
        return -1;
    }

    /** Bytes held over all ranges. */
    int totalBytes()
    {
        int bytes = 0;
        for (int i = 0; i < count; i++)
        {
            bytes += ranges[R + i] - ranges[i];
        }
        return bytes;
    }

    /**
     * Add [l, r), merging every range it overlaps or touches. When the set is full and nothing merges, the highest
     * range is dropped to make room (callers that must not lose a range check {@link #touches} first).
     */
    void add(final int l0, final int r0)
    {
        int l = l0;
        int r = r0;
        int i = 0;
        while (i < count)
        {
            if (leq(ranges[i], r) && geq(ranges[R + i], l))
            {
                l = SeqNum.min(l, ranges[i]);
                r = SeqNum.max(r, ranges[R + i]);
                remove(i);
            }
            else
            {
                i++;
            }
        }
        if (count == R)
        {
            remove(count - 1);
        }
        if (ranges == null)
        {
            ranges = pool.take();
        }
        int pos = count;
        while (pos > 0 && gt(ranges[pos - 1], l))
        {
            ranges[pos] = ranges[pos - 1];
            ranges[R + pos] = ranges[R + pos - 1];
            ranges[S + pos] = ranges[S + pos - 1];
            pos--;
        }
        ranges[pos] = l;
        ranges[R + pos] = r;
        ranges[S + pos] = ++clock;
        count++;
    }

    /** Forget everything below {@code seq}: ranges ending at or below it go, one straddling it is clipped. */
    void removeBelow(final int seq)
    {
        int i = 0;
        while (i < count)
        {
            if (leq(ranges[R + i], seq))
            {
                remove(i);
            }
            else
            {
                if (lt(ranges[i], seq))
                {
                    ranges[i] = seq;
                }
                i++;
            }
        }
        releaseIfEmpty();
    }

    /**
     * The receiver's hole filled up to {@code nxt}: remove every range starting at or below it and return the new
     * contiguous end (the largest right edge reached).
     */
    int absorb(final int nxt)
    {
        int end = nxt;
        while (count > 0 && leq(ranges[0], end))
        {
            if (gt(ranges[R], end))
            {
                end = ranges[R];
            }
            remove(0);
        }
        releaseIfEmpty();
        return end;
    }

    private void remove(final int i)
    {
        for (int j = i; j < count - 1; j++)
        {
            ranges[j] = ranges[j + 1];
            ranges[R + j] = ranges[R + j + 1];
            ranges[S + j] = ranges[S + j + 1];
        }
        count--;
    }
}
