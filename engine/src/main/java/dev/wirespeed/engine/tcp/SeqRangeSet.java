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
 * Fixed capacity, no allocation after construction. Not thread safe.
 */
final class SeqRangeSet
{
    private final int[] left;
    private final int[] right;
    private final int[] stamps;
    private int count;
    private int clock;

    SeqRangeSet(final int capacity)
    {
        left = new int[capacity];
        right = new int[capacity];
        stamps = new int[capacity];
    }

    int capacity()
    {
        return left.length;
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
        return left[i];
    }

    int right(final int i)
    {
        return right[i];
    }

    /** Larger is more recent: when range {@code i} was last added to or merged. */
    int stamp(final int i)
    {
        return stamps[i];
    }

    /** Right edge of the highest range; only when not empty. */
    int highestRight()
    {
        return right[count - 1];
    }

    void clear()
    {
        count = 0;
    }

    /** True if some range overlaps or touches [l, r): adding it would not need a new entry. */
    boolean touches(final int l, final int r)
    {
        for (int i = 0; i < count; i++)
        {
            if (leq(left[i], r) && geq(right[i], l))
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
            if (leq(left[i], l) && geq(right[i], r))
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
            if (geq(seq, left[i]) && lt(seq, right[i]))
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
            bytes += right[i] - left[i];
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
            if (leq(left[i], r) && geq(right[i], l))
            {
                l = SeqNum.min(l, left[i]);
                r = SeqNum.max(r, right[i]);
                remove(i);
            }
            else
            {
                i++;
            }
        }
        if (count == left.length)
        {
            remove(count - 1);
        }
        int pos = count;
        while (pos > 0 && gt(left[pos - 1], l))
        {
            left[pos] = left[pos - 1];
            right[pos] = right[pos - 1];
            stamps[pos] = stamps[pos - 1];
            pos--;
        }
        left[pos] = l;
        right[pos] = r;
        stamps[pos] = ++clock;
        count++;
    }

    /** Forget everything below {@code seq}: ranges ending at or below it go, one straddling it is clipped. */
    void removeBelow(final int seq)
    {
        int i = 0;
        while (i < count)
        {
            if (leq(right[i], seq))
            {
                remove(i);
            }
            else
            {
                if (lt(left[i], seq))
                {
                    left[i] = seq;
                }
                i++;
            }
        }
    }

    /**
     * The receiver's hole filled up to {@code nxt}: remove every range starting at or below it and return the new
     * contiguous end (the largest right edge reached).
     */
    int absorb(final int nxt)
    {
        int end = nxt;
        while (count > 0 && leq(left[0], end))
        {
            if (gt(right[0], end))
            {
                end = right[0];
            }
            remove(0);
        }
        return end;
    }

    private void remove(final int i)
    {
        for (int j = i; j < count - 1; j++)
        {
            left[j] = left[j + 1];
            right[j] = right[j + 1];
            stamps[j] = stamps[j + 1];
        }
        count--;
    }
}
