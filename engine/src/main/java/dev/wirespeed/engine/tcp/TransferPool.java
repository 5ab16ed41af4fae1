package dev.wirespeed.engine.tcp;

/**
 * The endpoint's (shard's) pool of {@link TransferState}s: a connection borrows one while it has data in flight,
 * queued or out of order, a recovery or a non-keepalive timer, and keeps it when it goes idle, listed as resting
 * ({@link #rest}); the endpoint's once-a-second trim takes the resting list ({@link #pollResting}) and the
 * connections give back those still at rest. A connection between two segments of a transfer so keeps its state
 * instead of giving it back and borrowing it again for every delayed-ACK cycle, and the trim's work is the resting
 * list, never all connections. States are created on first need (at most one per connection) and kept for reuse, so
 * a steady state allocates nothing; {@link #trim} lets what a burst left behind go to the garbage collector.
 * <p>
 * Not thread safe: one per endpoint.
 */
final class TransferPool
{
    private final RangeArrayPool ranges;
    private final FreeStack<TransferState> free = new FreeStack<>();
    private int out;
    private long created;
    /** The resting list: states lent out that were at rest at some moment since the last trim. */
    private TransferState restingHead;
    private int restingCount;
    /** At most this many states on the resting list; the endpoint's trim sets it, as it sizes its other pools. */
    private int restingLimit = TcpEndpoint.TRIM_KEEP_MIN;

    TransferPool(final RangeArrayPool ranges)
    {
        this.ranges = ranges;
    }

    /** A state at rest for {@code owner}, reused when possible. */
    TransferState take(final TcpConnection owner)
    {
        out++;
        TransferState s = free.pop();
        if (s == null)
        {
            created++;
            s = new TransferState(ranges);
        }
        s.owner(owner);
        return s;
    }

    /** Give a state back; it is reset to its resting values here (and leaves the resting list if on it). */
    void give(final TransferState s)
    {
        unlink(s);
        s.reset();
        push(s);
    }

    /**
     * List a lent state that is at rest now (not already listed): the next trim hands it back to its owner. It stays
     * listed if its owner becomes busy again before that; the trim checks. A full list (many connections going quiet
     * within a second, a ramp of idle connections) takes no more: the owner gives the state back at once.
     *
     * @return false when the list is full.
     */
    boolean rest(final TransferState s)
    {
        if (restingCount >= restingLimit)
        {
            return false;
        }
        final TransferState head = restingHead;
        s.resting(true);
        s.restPrev(null);
        s.restNext(head);
        if (head != null)
        {
            head.restPrev(s);
        }
        restingHead = s;
        restingCount++;
        return true;
    }

    /** At most {@code limit} states on the resting list from now on (those listed already stay until the trim). */
    void restingLimit(final int limit)
    {
        restingLimit = limit;
    }

    /** The first state of the resting list, taken off it; null when the list is empty. */
    TransferState pollResting()
    {
        final TransferState s = restingHead;
        if (s != null)
        {
            unlink(s);
        }
        return s;
    }

    private void unlink(final TransferState s)
    {
        if (!s.resting)
        {
            return;
        }
        final TransferState prev = s.restPrev;
        final TransferState next = s.restNext;
        if (prev == null)
        {
            restingHead = next;
        }
        else
        {
            prev.restNext(next);
        }
        if (next != null)
        {
            next.restPrev(prev);
        }
        s.restPrev(null);
        s.restNext(null);
        s.resting(false);
        restingCount--;
    }

    /** States on the resting list now. */
    int resting()
    {
        return restingCount;
    }

    /** Give back a state that is {@link TransferState#atRest()} already: only its stale fields need clearing. */
    void giveAtRest(final TransferState s)
    {
        unlink(s);
        s.resetAtRest();
        push(s);
    }

    private void push(final TransferState s)
    {
        s.owner(null);
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
