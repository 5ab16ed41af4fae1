package dev.wirespeed.apps.serve;

import dev.wirespeed.engine.runtime.ShardContext;
import dev.wirespeed.engine.runtime.ShardDuty;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongHashSet;

/**
 * For tests: a server that stops reading for a while. Wraps a shard's handler (the serve {@link Services}); inside
 * the stall window every {@code onData} consumes nothing (the bytes wait in the receive buffer, as they would
 * behind a stuck application), and once the window has passed its duty offers them again. Everything else passes
 * straight through. {@link #stall} may be called from any thread.
 */
public final class StallingHandler implements TcpHandler, ShardDuty
{
    private final ShardContext ctx;
    private final TcpHandler inner;
    private final LongHashSet stalled = new LongHashSet();
    private volatile long fromNs = Long.MAX_VALUE;
    private volatile long toNs = Long.MAX_VALUE;
    /** A stall armed to start {@link #armedDelayNs} after the first accepted connection; -1 when none. */
    private volatile long armedDelayNs = -1;
    private volatile long armedLengthNs;

    /**
     * Wraps {@code inner} on the shard of {@code ctx}.
     *
     * @param ctx   the shard's context, for its clock and endpoint.
     * @param inner the handler every event goes to.
     */
    public StallingHandler(final ShardContext ctx, final TcpHandler inner)
    {
        this.ctx = ctx;
        this.inner = inner;
    }

    /**
     * Stalls for {@code lengthNs} starting {@code delayNs} from now ({@link System#nanoTime()} scale).
     *
     * @param delayNs  nanoseconds from now to the stall.
     * @param lengthNs nanoseconds the stall lasts.
     */
    public void stall(final long delayNs, final long lengthNs)
    {
        final long from = System.nanoTime() + delayNs;
        toNs = from + lengthNs;
        fromNs = from;
    }

    /**
     * Stalls for {@code lengthNs} starting {@code delayNs} after this shard accepts its first connection.
     *
     * @param delayNs  nanoseconds from the first accept to the stall.
     * @param lengthNs nanoseconds the stall lasts.
     */
    public void stallAfterFirstConnection(final long delayNs, final long lengthNs)
    {
        armedLengthNs = lengthNs;
        armedDelayNs = delayNs;
    }

    private boolean stalling(final long nowNs)
    {
        return nowNs - fromNs >= 0 && nowNs - toNs < 0;
    }

    public int doWork(final long nowNs)
    {
        if (stalled.isEmpty() || stalling(nowNs))
        {
            return 0;
        }
        final LongHashSet.LongIterator it = stalled.iterator();
        int n = 0;
        while (it.hasNext())
        {
            ctx.endpoint().resumeReading(it.nextValue());
            n++;
        }
        stalled.clear();
        return n;
    }

    public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        if (stalling(ctx.nowNs()))
        {
            stalled.add(id);
            return 0;
        }
        return inner.onData(id, buffer, offset, length);
    }

    public void onConnected(final long id)
    {
        inner.onConnected(id);
    }

    public void onAccepted(final int listenerPort, final long id)
    {
        final long delay = armedDelayNs;
        if (delay >= 0)
        {
            armedDelayNs = -1;
            final long from = ctx.nowNs() + delay;
            toNs = from + armedLengthNs;
            fromNs = from;
        }
        inner.onAccepted(listenerPort, id);
    }

    public void onWritable(final long id)
    {
        inner.onWritable(id);
    }

    public void onPeerClosed(final long id)
    {
        inner.onPeerClosed(id);
    }

    public void onReset(final long id)
    {
        inner.onReset(id);
    }

    public void onTimeout(final long id)
    {
        inner.onTimeout(id);
    }

    public void onClosed(final long id)
    {
        stalled.remove(id);
        inner.onClosed(id);
    }
}
