package dev.wirespeed.engine.api;

import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.engine.runtime.Engine;
import dev.wirespeed.engine.runtime.JvmFlags;
import dev.wirespeed.engine.runtime.ThreadingMode;

/**
 * The entry point for applications that run TCP from their own threads: {@link #launch} starts DPDK's EAL if this
 * process has not, assembles and starts an {@link Engine} whose shards serve a {@link Client} (each shard's
 * handler is an {@link EventProxy} and its {@link CommandAdapter} runs in its duty cycle), and returns both.
 * <pre>{@code
 *   try (Wirespeed ws = Wirespeed.launch(Engine.builder()
 *           .port(PortSpec.iface("veth0")).address("192.0.2.1/24")))
 *   {
 *       Client client = ws.client();
 *       client.listen(7);
 *       while (running)
 *       {
 *           idle.idle(client.poll(listener, 64));
 *       }
 *   }
 * }</pre>
 * Threading: as the builder says ({@link ThreadingMode}). In {@link ThreadingMode#INVOKER} nothing runs the shards
 * but the application: call {@link #doWork()} on the thread that launched, e.g. between polls, or let
 * {@link #poll} do both.
 * <p>
 * Closing closes the engine (connections are reset) and the client; EAL stays up for the rest of the process (DPDK
 * cannot start it twice), so further engines can be launched.
 */
public final class Wirespeed implements AutoCloseable
{
    /** Bytes of each shard's command ring and of its event ring. */
    public static final int DEFAULT_RING_BYTES = 1 << 20;

    private final Engine engine;
    private final Client client;

    private Wirespeed(final Engine engine, final Client client)
    {
        this.engine = engine;
        this.client = client;
    }

    /**
     * Starts DPDK's EAL with default options unless it runs already (it starts once per process), e.g. before
     * creating a {@link dev.wirespeed.bindings.RingPair}; also checks the JVM flags.
     *
     * @return the running EAL.
     */
    public static Eal startEal()
    {
        JvmFlags.require();
        return Eal.current() != null ? Eal.current() : Eal.init(new EalOptions());
    }

    /**
     * {@link #launch(Engine.Builder, EalOptions)} with EAL's default options if EAL is not running yet.
     *
     * @param builder the engine's configuration; its handler factory is replaced and the command duty added.
     * @return the running engine and its client.
     */
    public static Wirespeed launch(final Engine.Builder builder)
    {
        return launch(builder, new EalOptions());
    }

    /**
     * Starts EAL with {@code ealOptions} unless it runs already, checks the JVM flags, builds the engine with the
     * application API wired into every shard (the builder's own handler factory is replaced: shard-thread
     * handlers belong to engines built with {@link Engine.Builder#build()} directly), and starts it.
     *
     * @param builder    the engine's configuration; its handler factory is replaced and the command duty added.
     * @param ealOptions EAL's options, used only if EAL is not running yet.
     * @return the running engine and its client.
     * @throws IllegalStateException naming a missing JVM flag.
     */
    public static Wirespeed launch(final Engine.Builder builder, final EalOptions ealOptions)
    {
        JvmFlags.require();
        if (Eal.current() == null)
        {
            Eal.init(ealOptions);
        }
        final RingBuffer[] commandRings = new RingBuffer[Engine.MAX_SHARDS];
        final RingBuffer[] eventRings = new RingBuffer[Engine.MAX_SHARDS];
        final EventProxy[] proxies = new EventProxy[Engine.MAX_SHARDS];
        builder.handlers(ctx ->
            {
                final int i = ctx.shardIndex();
                final ManyToOneRingBuffer commands = CommandProxy.newCommandRing(DEFAULT_RING_BYTES);
                final OneToOneRingBuffer events = EventProxy.newEventRing(DEFAULT_RING_BYTES);
                commandRings[i] = commands;
                eventRings[i] = events;
                proxies[i] = new EventProxy(i, events);
                return proxies[i];
            })
            .duties(ctx -> new CommandAdapter(ctx.shardIndex(), ctx.endpoint(), commandRings[ctx.shardIndex()],
                proxies[ctx.shardIndex()], ctx.addresses().primary()));
        final Engine engine = builder.build();
        final int n = engine.shardCount();
        final RingBuffer[] commands = new RingBuffer[n];
        final RingBuffer[] events = new RingBuffer[n];
        System.arraycopy(commandRings, 0, commands, 0, n);
        System.arraycopy(eventRings, 0, events, 0, n);
        final Client client = new Client(engine.addresses(), commands, events,
            engine.threading() == ThreadingMode.INVOKER ? engine::doWork : null);
        try
        {
            engine.start();
        }
        catch (final RuntimeException ex)
        {
            engine.close();
            throw ex;
        }
        return new Wirespeed(engine, client);
    }

    /**
     * The application-thread client of this engine.
     *
     * @return the client, thread safe as {@link Client} says.
     */
    public Client client()
    {
        return client;
    }

    /**
     * The engine underneath (counters, shards, port).
     *
     * @return the engine.
     */
    public Engine engine()
    {
        return engine;
    }

    /**
     * One duty cycle of every shard on the calling thread, for an engine built with {@link ThreadingMode#INVOKER}.
     *
     * @return work done, for the caller's idle strategy.
     */
    public int doWork()
    {
        return engine.doWork();
    }

    /**
     * The application thread's loop step in one call: in {@link ThreadingMode#INVOKER} mode one duty cycle of the
     * engine (this thread drives it), then {@link Client#poll} of up to {@code limit} events per shard into
     * {@code listener}. In the other modes, just the poll.
     *
     * @param listener receives the events.
     * @param limit    events per shard at most.
     * @return work done and events delivered (0 when idle), for the caller's idle strategy.
     */
    public int poll(final ConnectionListener listener, final int limit)
    {
        return (engine.threading() == ThreadingMode.INVOKER ? engine.doWork() : 0) + client.poll(listener, limit);
    }

    /** Resets every connection, stops the shards and closes the port (if the engine opened it); idempotent. */
    public void close()
    {
        client.close();
        engine.close();
    }
}
