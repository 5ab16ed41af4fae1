package dev.wirespeed.engine.runtime;

/**
 * How an {@link Engine}'s shards get a thread, as in Aeron's {@code ThreadingMode}. A shard busy-spins unless its
 * {@link Engine.Builder#idleStrategy idle strategy} backs off, so with the default {@code BusySpinIdleStrategy} each
 * thread running shards takes a whole core.
 */
public enum ThreadingMode
{
    /**
     * One thread per shard, started by {@link Engine#start()}. Lowest latency and highest throughput; wants one free
     * core per shard (N cores for N shards) besides the application's own threads.
     */
    DEDICATED,

    /**
     * Every shard on one thread (an Agrona {@code CompositeAgent}), started by {@link Engine#start()}. Wants one core
     * in all; for small machines, tests and engines that share a box with their load.
     */
    SHARED,

    /**
     * No thread of its own: the application calls {@link Engine#doWork()} (an Agrona {@code AgentInvoker}) from
     * its own thread, e.g. in its own duty cycle. Wants no core beyond the application's. {@link Engine#start()}
     * and {@link Engine#close()} must then be called on that same thread.
     */
    INVOKER
}
