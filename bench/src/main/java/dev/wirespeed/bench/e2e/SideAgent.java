package dev.wirespeed.bench.e2e;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.engine.runtime.Shard;
import org.agrona.concurrent.Agent;

/**
 * A shard and the application that drives it, composed into one agent so that the application never calls the
 * endpoint from another thread: each duty cycle runs {@link Shard#doWork()} (rx, TCP, handler callbacks, timers,
 * tx), then the side's {@link EngineSide#step}. The thread's DPDK lcore id is released on close, so a run of many
 * phases does not use up lcore ids.
 */
final class SideAgent implements Agent
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();

    private final Shard shard;
    private final EngineSide side;
    private final String roleName;
    private boolean windowStarted;
    private boolean windowEnded;
    private long allocatedAtStart;
    /** Bytes this thread allocated during the measurement window (read after the thread is joined); -1 if unknown. */
    long allocatedInWindow = -1;

    SideAgent(final Shard shard, final EngineSide side, final String roleName)
    {
        this.shard = shard;
        this.side = side;
        this.roleName = roleName;
    }

    public void onStart()
    {
        shard.onStart();
    }

    public int doWork()
    {
        final int work = shard.doWork();
        final long nowNs = shard.nowNs();
        if (!windowEnded && side.inWindow(nowNs) != windowStarted)
        {
            sampleAllocation();
        }
        return work + side.step(nowNs);
    }

    /** Two samples of the thread's allocation counter: as the window opens and as it closes. */
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

    public void onClose()
    {
        shard.onClose();
        Eal.unregisterThread();
    }

    public String roleName()
    {
        return roleName;
    }
}
