package dev.wirespeed.bench.client;

import dev.wirespeed.engine.runtime.Shard;
import org.agrona.concurrent.Agent;

/**
 * A {@link Shard} with a {@link ClientSession} riding on its duty cycle: the shard's work (rx, TCP, timers, tx),
 * then the client's step with the same {@code nowNs}. Both run on one thread, so the session calls the endpoint
 * directly. Not thread safe.
 */
public final class ClientAgent implements Agent
{
    private final Shard shard;
    private final ClientSession session;

    public ClientAgent(final Shard shard, final ClientSession session)
    {
        this.shard = shard;
        this.session = session;
    }

    public void onStart()
    {
        shard.onStart();
    }

    public int doWork()
    {
        final int work = shard.doWork();
        return work + session.step(shard.nowNs());
    }

    public void onClose()
    {
        shard.onClose();
    }

    public String roleName()
    {
        return shard.roleName() + "-client";
    }
}
