package dev.wirespeed.engine.runtime;

import dev.wirespeed.engine.runtime.internal.Shard;
import dev.wirespeed.engine.tcp.TcpEndpoint;

/**
 * What the code of one shard is given when {@link Engine.Builder} creates it: the shard's index, the engine's shard
 * count, its local addresses and, once the shard exists, its {@link TcpEndpoint} and duty-cycle time. A
 * {@link dev.wirespeed.engine.tcp.TcpHandler} is created before its endpoint (the endpoint needs the handler), so a
 * handler keeps this context and asks for {@link #endpoint()} when it is called; a {@link ShardDuty} is created
 * after the endpoint and may take it at once.
 * <p>
 * Everything here belongs to the shard's thread once the engine runs (the endpoint is not thread safe).
 */
public final class ShardContext
{
    private final String engineName;
    private final int shardIndex;
    private final int shardCount;
    private final LocalAddresses addresses;
    private TcpEndpoint endpoint;
    private Shard shard;

    ShardContext(final String engineName, final int shardIndex, final int shardCount, final LocalAddresses addresses)
    {
        this.engineName = engineName;
        this.shardIndex = shardIndex;
        this.shardCount = shardCount;
        this.addresses = addresses;
    }

    void endpoint(final TcpEndpoint endpoint)
    {
        this.endpoint = endpoint;
    }

    void shard(final Shard shard)
    {
        this.shard = shard;
    }

    /**
     * The name of the engine (see {@link Engine.Builder#name}).
     *
     * @return the name.
     */
    public String engineName()
    {
        return engineName;
    }

    /**
     * This shard's index, 0..{@link #shardCount()}-1.
     *
     * @return the shard index.
     */
    public int shardIndex()
    {
        return shardIndex;
    }

    /**
     * The number of shards in the engine.
     *
     * @return 1..64.
     */
    public int shardCount()
    {
        return shardCount;
    }

    /**
     * The engine's local addresses (every shard has all of them).
     *
     * @return the addresses, fixed for the engine's life.
     */
    public LocalAddresses addresses()
    {
        return addresses;
    }

    /**
     * The shard's endpoint.
     *
     * @return the endpoint; use it on the shard thread only.
     * @throws IllegalStateException when called from a handler factory, before the endpoint exists.
     */
    public TcpEndpoint endpoint()
    {
        if (endpoint == null)
        {
            throw new IllegalStateException("shard " + shardIndex + "'s endpoint does not exist yet: a handler " +
                "keeps its ShardContext and calls endpoint() when it is called, not in its factory");
        }
        return endpoint;
    }

    /**
     * What the application sees of the shard (counters, impairment, neighbours).
     *
     * @return the view.
     * @throws IllegalStateException before the shard exists (in handler and duty factories).
     */
    public ShardView shard()
    {
        if (shard == null)
        {
            throw new IllegalStateException("shard " + shardIndex + " does not exist yet");
        }
        return shard;
    }

    /**
     * The time of the shard's current duty cycle ({@link System#nanoTime()} scale unless a clock was given).
     *
     * @return nanoseconds; shard thread only.
     */
    public long nowNs()
    {
        return shard().nowNs();
    }

    public String toString()
    {
        return "ShardContext{" + engineName + " shard " + shardIndex + "/" + shardCount + " " + addresses + "}";
    }
}
