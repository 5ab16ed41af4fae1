package dev.wirespeed.engine.tcp;

/**
 * The endpoint's (shard's) pool of {@link TransferState}s: a connection borrows one while it has data in flight,
 * queued or out of order, a recovery or a non-keepalive timer, and gives it back when it goes idle. States are
 * created on first need (at most one per connection) and kept for reuse, so a steady state allocates nothing;
 * {@link #trim} lets what a burst left behind go to the garbage collector.
 * <p>
 * Not thread safe: one per endpoint.
 */
final class TransferPool
{
    private final RangeArrayPool ranges;
    private final FreeStack<TransferState> free = new FreeStack<>();
    private int out;
    private long created;

    TransferPool(final RangeArrayPool ranges)
    {
        this.ranges = ranges;
    }

    /** A state at rest, reused when possible. */
    TransferState take()
    {
        out++;
        final TransferState s = free.pop();
        if (s != null)
        {
            return s;
        }
        created++;
        return new TransferState(ranges);
    }

    /** Give a state back; it is reset to its resting values here. */
    void give(final TransferState s)
    {
        s.reset();
        push(s);
    }

    /** Give back a state that is {@link TransferState#atRest()} already: only its stale fields need clearing. */
    void giveAtRest(final TransferState s)
    {
        s.resetAtRest();
        push(s);
    }

    private void push(final TransferState s)
    {
        out--;
        free.push(s);
    }

    /** States lent out now. */
    int inUse()
    {
        return out;
    }

    /** States idle in the pool. */
    int idle()
    {
        return free.size();
    }

    /** States ever created. */
    long created()
    {
        return created;
    }

    /**
     * Keep at most {@code keep} idle states; the rest go to the garbage collector, and the free stack shrinks back
     * too.
     *
     * @return states dropped.
     */
    int trim(final int keep)
    {
        return free.trim(keep);
    }
}
