package dev.wirespeed.bench.e2e;

import dev.wirespeed.engine.runtime.ShardView;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;

/**
 * One side (client or server) of an engine-to-engine phase: the application, run entirely on its shard's thread as
 * the endpoint's {@link TcpHandler} plus a {@link #step} the shard runs as a {@link dev.wirespeed.engine.runtime.ShardDuty}
 * every duty cycle (after rx and timers, before dispatch, so what it does goes out in the same cycle). The main
 * thread only reads what this publishes through volatile fields ({@link #finished()}, {@link #tcbs()}), and reads
 * the plain counters after the shard thread has been joined.
 * <p>
 * Not thread safe: everything but the two published values belongs to the shard thread.
 */
abstract class EngineSide implements TcpHandler
{
    /**
     * Measurement window: [warmupEndNs, endNs) on the {@link System#nanoTime()} clock the shards use; set again by
     * {@link #window} once the phase's engines are built, before their threads start.
     */
    long warmupEndNs;
    long endNs;
    TcpEndpoint endpoint;
    ShardView shard;

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();

    private int lastTcbs = -1;
    private volatile int tcbs = -1;
    private volatile boolean finished;
    private boolean windowStarted;
    private boolean windowEnded;
    private long allocatedAtStart;
    /** Bytes the shard thread allocated during the measurement window (read after it is joined); -1 if unknown. */
    long allocatedInWindow = -1;

    EngineSide(final long warmupEndNs, final long endNs)
    {
        this.warmupEndNs = warmupEndNs;
        this.endNs = endNs;
    }

    /** Moves the measurement window (before the shard's thread starts: setting up must not eat into it). */
    void window(final long warmupEndNs, final long endNs)
    {
        this.warmupEndNs = warmupEndNs;
        this.endNs = endNs;
    }

    /**
     * Binds to the endpoint and shard built around this handler (called from the engine's duty factory, which
     * then adds {@link #step} to the shard's duties).
     */
    void attach(final TcpEndpoint endpoint, final ShardView shard)
    {
        this.endpoint = endpoint;
        this.shard = shard;
    }

    /**
     * Runs on the shard thread every duty cycle: samples the thread's allocation counter as the window opens and
     * as it closes, publishes the TCB count when it changes, then does the side's own work.
     */
    final int step(final long nowNs)
    {
        if (!windowEnded && inWindow(nowNs) != windowStarted)
        {
            sampleAllocation();
        }
        final int n = endpoint.connectionCount();
        if (n != lastTcbs)
        {
            lastTcbs = n;
            tcbs = n;
        }
        return work(nowNs);
    }

    private void sampleAllocation()
    {
        if (!windowStarted)
        {
            windowStarted = true;
            allocatedAtStart = THREADS.getCurrentThreadAllocatedBytes();
        }
        else
        {
            windowEnded = true;
            allocatedInWindow = THREADS.getCurrentThreadAllocatedBytes() - allocatedAtStart;
        }
    }

    /** The side's own work of one duty cycle (open connections, notice the end of the phase...). */
    abstract int work(long nowNs);

    final boolean inWindow(final long nowNs)
    {
        return nowNs - warmupEndNs >= 0 && nowNs - endNs < 0;
    }

    final boolean ended(final long nowNs)
    {
        return nowNs - endNs >= 0;
    }

    final void markFinished()
    {
        if (!finished)
        {
            finished = true;
        }
    }

    /** The client has stopped and every one of its connections has closed (servers never finish by themselves). */
    final boolean finished()
    {
        return finished;
    }

    /** TCBs in the endpoint (any state, TIME-WAIT included) as last published by the shard thread; -1 before. */
    final int tcbs()
    {
        return tcbs;
    }

    /** Counters and checks for the phase report, read after the shard thread is joined. */
    abstract void describe(StringBuilder sb);

    static int[] grow(final int[] a, final int slot)
    {
        return slot < a.length ? a : java.util.Arrays.copyOf(a, Math.max(slot + 1, a.length * 2));
    }

    static long[] grow(final long[] a, final int slot)
    {
        return slot < a.length ? a : java.util.Arrays.copyOf(a, Math.max(slot + 1, a.length * 2));
    }
}
