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
    private final Shard shard;
    private final EngineSide side;
    private final String roleName;

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
        return work + side.step(shard.nowNs());
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
