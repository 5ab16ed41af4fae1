package dev.wirespeed.engine.tcp;

/**
 * The endpoint's timer wheel: at most one deadline per connection slot, kept in intrusive doubly linked lists
 * hung off the spokes, so its memory is fixed per slot (two ints and a long) and a burst of timers landing on one
 * spoke costs nothing extra. (Agrona's {@code DeadlineTimerWheel}, used before, gives every spoke an array as
 * long as the fullest spoke ever was and never shrinks it: 100k connections opened within one tick would have
 * left spokes x 100k x 8 bytes behind, gigabytes, for good.)
 * <p>
 * Deadlines further out than one turn sit on their spoke and are checked by value each time it comes round, as
 * in Agrona's wheel. Scheduling, cancelling and expiring are O(1); a poll visits the spokes the clock passed, and
 * each visit costs the timers on that spoke. Not thread safe.
 */
final class SlotTimerWheel
{
    /** Called for each expired slot; the slot is already off the wheel and may be scheduled again. */
    interface Handler
    {
        void onExpiry(int slot, long nowNs);
    }

    static final long NONE = Long.MAX_VALUE;
    private static final int NIL = -1;

    private final int tickShift;
    private final int mask;
    private final int[] heads;
    /** Next slot on the same spoke, or NIL. */
    private int[] next;
    /** Previous slot on the same spoke, or {@code -2 - spoke} for the first one. */
    private int[] prev;
    private long[] deadlines;
    private long currentTick;
    private int count;

    /**
     * @param tickShift log2 of the tick in nanoseconds.
     * @param spokes    spokes, a power of two.
     * @param slots     initial slot capacity.
     * @param startNs   the clock now.
     */
    SlotTimerWheel(final int tickShift, final int spokes, final int slots, final long startNs)
    {
        if (Integer.bitCount(spokes) != 1)
        {
            throw new IllegalArgumentException("spokes must be a power of two: " + spokes);
        }
        this.tickShift = tickShift;
        this.mask = spokes - 1;
        heads = new int[spokes];
        java.util.Arrays.fill(heads, NIL);
        next = new int[slots];
        prev = new int[slots];
        deadlines = new long[slots];
        java.util.Arrays.fill(deadlines, NONE);
        currentTick = startNs >> tickShift;
    }

    /** Make room for slots {@code [0, slots)}: the connection slot arrays grew. */
    void ensureSlots(final int slots)
    {
        if (slots > deadlines.length)
        {
            final int old = deadlines.length;
            next = java.util.Arrays.copyOf(next, slots);
            prev = java.util.Arrays.copyOf(prev, slots);
            deadlines = java.util.Arrays.copyOf(deadlines, slots);
            java.util.Arrays.fill(deadlines, old, slots, NONE);
        }
    }

    /** Timers on the wheel. */
    int count()
    {
        return count;
    }

    /** The slot's deadline, or {@link #NONE}. */
    long deadline(final int slot)
    {
        return deadlines[slot];
    }

    /** Bytes of the wheel's arrays: fixed per slot and spoke, whatever the timers do. */
    long footprintBytes()
    {
        return 4L * heads.length + 16L * deadlines.length;
    }

    /** Put the slot's timer at {@code deadlineNs}, replacing any it had. */
    void schedule(final int slot, final long deadlineNs)
    {
        if (deadlines[slot] != NONE)
        {
            unlink(slot);
        }
        final long tick = Math.max(deadlineNs >> tickShift, currentTick);
        final int spoke = (int)(tick & mask);
        final int head = heads[spoke];
        next[slot] = head;
        prev[slot] = -2 - spoke;
        if (head != NIL)
        {
            prev[head] = slot;
        }
        heads[spoke] = slot;
        deadlines[slot] = deadlineNs;
        count++;
    }

    /** Take the slot's timer off the wheel, if it has one. */
    void cancel(final int slot)
    {
        if (deadlines[slot] != NONE)
        {
            unlink(slot);
        }
    }

    private void unlink(final int slot)
    {
        final int p = prev[slot];
        final int n = next[slot];
        if (p >= 0)
        {
            next[p] = n;
        }
        else
        {
            heads[-2 - p] = n;
        }
        if (n != NIL)
        {
            prev[n] = p;
        }
        deadlines[slot] = NONE;
        count--;
    }

    /**
     * Expire every timer due at {@code nowNs} on the spokes from the last poll's tick to now's (all of them once
     * after a jump longer than a turn). Timers scheduled by the handler wait for the next poll.
     *
     * @return timers expired.
     */
    int poll(final long nowNs, final Handler handler)
    {
        final long nowTick = nowNs >> tickShift;
        if (count == 0)
        {
            if (nowTick > currentTick)
            {
                currentTick = nowTick;
            }
            return 0;
        }
        int fired = 0;
        final long last = Math.min(nowTick, currentTick + mask);
        for (long t = currentTick; t <= last && count > 0; t++)
        {
            final int spoke = (int)(t & mask);
            // the timers now on this spoke: a handler's new ones go in at the head and wait for the next poll
            int s = heads[spoke];
            while (s != NIL)
            {
                final int n = next[s];
                if (deadlines[s] <= nowNs)
                {
                    unlink(s);
                    fired++;
                    handler.onExpiry(s, nowNs);
                }
                s = n;
                if (s != NIL && deadlines[s] == NONE)
                {
                    // the handler took the next one off the wheel: start the spoke again from its head
                    s = heads[spoke];
                }
            }
        }
        if (nowTick > currentTick)
        {
            currentTick = nowTick;
        }
        return fired;
    }
}
