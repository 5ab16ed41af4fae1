package dev.wirespeed.apps.load;

import java.util.function.Supplier;

import dev.wirespeed.apps.serve.Services;
import dev.wirespeed.apps.serve.StallingHandler;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.RingPair;
import dev.wirespeed.engine.runtime.Engine;
import dev.wirespeed.engine.runtime.LocalAddresses;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.wire.Ipv4Header;
import org.agrona.concurrent.IdleStrategy;

/**
 * A {@code serve} engine in this process for {@code load} to run against, over a crossed {@code net_ring} pair:
 * the server on side A at {@link #SERVER_IP} (HTTP on 80, echo on 7, discard on 9), the load engine on side B,
 * built by {@link #loadEngine}. No NIC, no namespace: {@code demo}'s first part and the tests use it.
 * Each server shard's handler can be made to stall ({@link #stall}).
 */
public final class InProcessTarget implements AutoCloseable
{
    /** The server engine's address, 192.0.2.1 (host-order int). */
    public static final int SERVER_IP = (int)Ipv4Header.parseAddress("192.0.2.1");
    /** The load engine's first address, 192.0.2.2 (host-order int). */
    public static final int LOAD_IP = (int)Ipv4Header.parseAddress("192.0.2.2");
    /** The server's HTTP port. */
    public static final int HTTP_PORT = 80;
    /** The server's echo port. */
    public static final int ECHO_PORT = 7;
    /** The server's discard port. */
    public static final int DISCARD_PORT = 9;

    private final RingPair pair;
    private final Engine server;
    private final Services[] services;
    private final StallingHandler[] stalls;
    private final String name;
    private final java.util.concurrent.atomic.AtomicLongArray serverCpuNs;

    private InProcessTarget(final String name, final int shards, final Supplier<IdleStrategy> idle,
        final Supplier<TcpConfig> tcp)
    {
        this.name = name;
        if (Eal.current() == null)
        {
            Eal.init(new EalOptions());
        }
        pair = RingPair.create(name, 4096, shards);
        services = new Services[shards];
        stalls = new StallingHandler[shards];
        serverCpuNs = new java.util.concurrent.atomic.AtomicLongArray(shards);
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        try
        {
            server = Engine.builder().name(name + "-serve").port(pair.a()).address(SERVER_IP, 24).shards(shards)
                .tcpConfig(tcp).idleStrategy(idle).counters(false, null).preallocate(1024)
                .handlers(ctx ->
                {
                    final int i = ctx.shardIndex();
                    services[i] = new Services().add(HTTP_PORT, Services.HTTP).add(ECHO_PORT, Services.ECHO)
                        .add(DISCARD_PORT, Services.DISCARD);
                    stalls[i] = new StallingHandler(ctx, services[i]);
                    return stalls[i];
                })
                .duties(ctx ->
                {
                    services[ctx.shardIndex()].attach(ctx.endpoint(), SERVER_IP, 4096);
                    return stalls[ctx.shardIndex()];
                })
                .duties(ctx ->
                {
                    // the shard thread's CPU time, published every 10 ms (for the benchmark's CPU figures)
                    final long[] last = {0};
                    return nowNs ->
                    {
                        if (nowNs - last[0] >= 10_000_000L)
                        {
                            last[0] = nowNs;
                            serverCpuNs.lazySet(ctx.shardIndex(), threads.getCurrentThreadCpuTime());
                        }
                        return 0;
                    };
                })
                .build();
        }
        catch (final RuntimeException ex)
        {
            pair.close();
            throw ex;
        }
        server.start();
    }

    /**
     * Starts the server engine ({@code shards} shards, each on its own thread, idling with {@code idle}).
     *
     * @param name   the engine name prefix (the ring pair and both engines are named after it).
     * @param shards server shards, one ring queue each.
     * @param idle   the idle strategy of each server thread.
     * @param tcp    a TCP config per server shard.
     * @return the running server.
     */
    public static InProcessTarget start(final String name, final int shards, final Supplier<IdleStrategy> idle,
        final Supplier<TcpConfig> tcp)
    {
        return new InProcessTarget(name, shards, idle, tcp);
    }

    /**
     * A builder for the load engine on the other side of the pair, with {@code addresses} (192.0.2.2/24...) and as
     * many shards as the server (a ring pair has one queue per shard, the same on both sides).
     *
     * @param addresses the load engine's addresses.
     * @param shards    the server's shard count.
     * @return the builder, with port, addresses, shards and name set.
     */
    public Engine.Builder loadEngine(final LocalAddresses addresses, final int shards)
    {
        return Engine.builder().name(name + "-load").port(pair.b()).addresses(addresses).shards(shards)
            .counters(false, null);
    }

    /**
     * Every server shard stops reading for {@code lengthNs}, {@code delayNs} from now.
     *
     * @param delayNs  nanoseconds from now to the stall.
     * @param lengthNs nanoseconds the stall lasts.
     */
    public void stall(final long delayNs, final long lengthNs)
    {
        for (final StallingHandler s : stalls)
        {
            s.stall(delayNs, lengthNs);
        }
    }

    /**
     * HTTP requests the server answered.
     *
     * @return the count, summed over the shards.
     */
    public long requests()
    {
        long n = 0;
        for (final Services s : services)
        {
            n += s.requests();
        }
        return n;
    }

    /**
     * CPU time the server's shard threads have used so far (10 ms granularity), ns.
     *
     * @return nanoseconds.
     */
    public long serverCpuNs()
    {
        long n = 0;
        for (int i = 0; i < serverCpuNs.length(); i++)
        {
            n += serverCpuNs.get(i);
        }
        return n;
    }

    /**
     * The server engine.
     *
     * @return the engine, running.
     */
    public Engine server()
    {
        return server;
    }

    public void close()
    {
        server.close();
        pair.close();
    }
}
