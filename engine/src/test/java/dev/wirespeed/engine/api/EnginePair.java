package dev.wirespeed.engine.api;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.RingPair;
import dev.wirespeed.engine.runtime.Engine;
import dev.wirespeed.engine.runtime.ThreadingMode;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.wire.FrameParser;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The API tests that need threads run on the real runtime, as the examples do: two one-shard {@link Engine}s in
 * this process (client 192.0.2.1, server 192.0.2.2), each on a thread of its own, over a crossed in-memory
 * {@code net_ring} pair (RX, ARP, the frame codec with checksums, timers, duties, TX: nothing stands in). The test
 * completes each side's {@link Engine.Builder} (its handler, usually an {@link EventProxy} over rings the test
 * sizes, and its duties, usually a {@link CommandAdapter}) before {@link #build()}; after it, and before
 * {@link #start()}, it may still set an endpoint up (e.g. listen). Each shard publishes its connection count once
 * per duty cycle ({@link #connections}) for the application threads; what else a test wants to watch while the
 * shards run it publishes from a duty of its own. After {@link #close()} (shard threads stopped) the plain fields
 * of handlers, duties and endpoints are safe to read.
 * <p>
 * The single-threaded API tests (ordering, allocation) run on the tests' in-memory link instead ({@link ApiLoop}).
 */
final class EnginePair implements AutoCloseable
{
    static final int CLIENT_IP = 0xc0000201;
    static final int SERVER_IP = 0xc0000202;
    static final int CLIENT = 0;
    static final int SERVER = 1;
    static final long SEC = 1_000_000_000L;

    private final RingPair ring;
    private final Engine.Builder[] builders = new Engine.Builder[2];
    private final Engine[] engines = new Engine[2];
    private final AtomicInteger[] connections = {new AtomicInteger(-1), new AtomicInteger(-1)};
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private boolean closed;

    /** {@code name} names the ring pair and the engines (DPDK names: unique in the process at a time). */
    EnginePair(final String name)
    {
        if (Eal.current() == null)
        {
            Eal.init(new EalOptions().memoryMb(256));
        }
        ring = RingPair.create(name, 1024);
        builders[CLIENT] = builder(name + "-client", ring.a(), CLIENT_IP, CLIENT);
        builders[SERVER] = builder(name + "-server", ring.b(), SERVER_IP, SERVER);
    }

    /** A config for tests: short TIME-WAIT so that tables drain, fixed seed. */
    static TcpConfig config(final long seed)
    {
        final TcpConfig config = new TcpConfig();
        config.seed = seed;
        config.mslNs = 2_000_000L;
        return config;
    }

    private Engine.Builder builder(final String name, final EthPort port, final int ip, final int side)
    {
        return Engine.builder().name(name).port(port).address(ip, 24)
            .threading(ThreadingMode.DEDICATED)
            // two shard threads and the applications' share a small box: back off when idle
            .idleStrategy(() -> new BackoffIdleStrategy(10, 20, 1_000, 100_000))
            .errorHandler(t -> error.compareAndSet(null, t))
            .mempoolSize(4095).preallocate(16).counters(false, null)
            .duties(ctx -> nowNs ->
            {
                connections[side].lazySet(ctx.endpoint().connectionCount());
                return 0;
            });
    }

    /** The client's builder, to complete before {@link #build()}. */
    Engine.Builder client()
    {
        return builders[CLIENT];
    }

    /** The server's builder, to complete before {@link #build()}. */
    Engine.Builder server()
    {
        return builders[SERVER];
    }

    /** Builds both engines: handlers and duties exist from here on; nothing runs yet. */
    EnginePair build()
    {
        engines[CLIENT] = builders[CLIENT].build();
        engines[SERVER] = builders[SERVER].build();
        return this;
    }

    Engine engine(final int side)
    {
        return engines[side];
    }

    /** Starts both shard threads. */
    EnginePair start()
    {
        engines[SERVER].start();
        engines[CLIENT].start();
        return this;
    }

    /** The connection count side {@code side} published last (-1 before its first duty cycle). */
    int connections(final int side)
    {
        return connections[side].get();
    }

    /** Frames a side's parser dropped (checksum or malformed); read after {@link #close()}. */
    long framesRejected(final int side)
    {
        long n = 0;
        for (int reason = 1; reason < FrameParser.DROP_REASON_COUNT; reason++)
        {
            n += engines[side].shard(0).drops(reason);
        }
        return n;
    }

    /**
     * Runs {@code step} on the calling thread until {@code done} or the deadline; fails on timeout or on an error on
     * a shard thread.
     */
    void runUntil(final String what, final long timeoutNs, final BooleanSupplier done, final IntSupplier step)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 100_000);
        final long deadline = System.nanoTime() + timeoutNs;
        while (!done.getAsBoolean())
        {
            if (error.get() != null)
            {
                throw new AssertionError("a shard thread failed", error.get());
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            idle.idle(step.getAsInt());
        }
    }

    /**
     * Waits until neither side holds a connection, then runs {@code step} once more: a shard writes a connection's
     * last events (e.g. CLOSED) before it publishes the count that ends the wait, so that step still finds them.
     */
    void awaitDrained(final IntSupplier step)
    {
        runUntil("both tables to drain", 30 * SEC, () -> connections(CLIENT) == 0 && connections(SERVER) == 0, step);
        step.getAsInt();
    }

    /** Stops both engines (connections left are reset) and frees the ring pair; idempotent. */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final Engine engine : engines)
        {
            if (engine != null)
            {
                engine.close(true, SEC);
            }
        }
        ring.close();
        if (error.get() != null)
        {
            throw new AssertionError("a shard thread failed", error.get());
        }
    }

    static boolean sameBytes(final DirectBuffer buffer, final int offset, final byte[] expected, final int from,
        final int length)
    {
        if (from + length > expected.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != expected[from + i])
            {
                return false;
            }
        }
        return true;
    }
}
