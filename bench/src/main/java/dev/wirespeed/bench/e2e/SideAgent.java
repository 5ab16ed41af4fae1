package dev.wirespeed.bench.e2e;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.engine.runtime.Shard;
import org.agrona.concurrent.Agent;

/**
 * A shard as the agent of a phase's thread: its duty cycle runs the side's step as a shard duty (see
 * {@link EngineSide#attach}), and on close the thread's DPDK lcore id is released, so that a run of many phases,
 * each on new threads, does not use up lcore ids.
 */
final class SideAgent implements Agent
{
    private final Shard shard;
    private final String roleName;

    SideAgent(final Shard shard, final String roleName)
    {
        this.shard = shard;
        this.roleName = roleName;
    }

    public void onStart()
    {
        shard.onStart();
    }

    public int doWork()
    {
        return shard.doWork();
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
