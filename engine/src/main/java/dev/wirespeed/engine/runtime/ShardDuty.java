package dev.wirespeed.engine.runtime;

/**
 * Extra work a shard runs on its own thread once per duty cycle, after RX and timers and before the endpoint's
 * dispatch: draining an application command ring, driving a load generator, publishing counters. Whatever it does
 * to the shard's {@link dev.wirespeed.engine.tcp.TcpEndpoint} goes out on the wire in the same cycle.
 * <p>
 * Runs on the shard thread only: it may use the endpoint freely, and must not block or allocate per call.
 */
@FunctionalInterface
public interface ShardDuty
{
    /**
     * The duty's work for one cycle, on the shard thread.
     *
     * @param nowNs the duty cycle's time, read once by the shard.
     * @return work done (0 when idle), summed into the shard's work count for its idle strategy.
     */
    int doWork(long nowNs);
}
