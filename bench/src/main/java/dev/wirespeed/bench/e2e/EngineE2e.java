package dev.wirespeed.bench.e2e;

import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.NativeLayout;
import dev.wirespeed.bindings.RingPair;
import dev.wirespeed.engine.api.Wirespeed;
import dev.wirespeed.engine.runtime.Engine;
import dev.wirespeed.engine.runtime.LocalAddresses;
import dev.wirespeed.engine.runtime.ShardDuty;
import dev.wirespeed.engine.runtime.ShardView;
import dev.wirespeed.engine.runtime.ThreadingMode;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpCounters;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.wire.EthernetFrame;
import dev.wirespeed.engine.wire.FrameParser;
import dev.wirespeed.engine.wire.Ipv4Header;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * Two Wirespeed engines in one process over a crossed {@code net_ring} pair: port A is the server at 192.0.2.1,
 * port B the client at 192.0.2.2, one shard thread each (busy-spinning unless {@link #idle} says otherwise), both
 * assembled by {@link Engine.Builder}. Every phase makes a fresh {@link RingPair} and two engines on it, runs,
 * waits until the client has finished and both endpoints hold no TCB (TIME-WAIT included), closes the engines,
 * drains anything left in the rings and checks that every mbuf of both mempools is back.
 * <p>
 * Not thread safe: one phase at a time, driven from one thread.
 */
public final class EngineE2e implements AutoCloseable
{
    public static final int SERVER_IP = (int)Ipv4Header.parseAddress("192.0.2.1");
    public static final int CLIENT_IP = (int)Ipv4Header.parseAddress("192.0.2.2");
    static final int PREFIX = 24;
    /** The hold phase's client addresses: 192.0.2.10 and up. */
    static final int HOLD_CLIENT_IP_BASE = (int)Ipv4Header.parseAddress("192.0.2.10");
    static final int CPS_PORT = 80;
    static final int ECHO_PORT = 7;
    static final int DISCARD_PORT = 9;

    private final String name;
    private final int maxMtu;
    private final Arena arena = Arena.ofShared();
    private final MbufBurst drain;
    private int phases;
    private long seed = System.nanoTime();
    private boolean verbose;
    private boolean sharedThread;
    private Supplier<IdleStrategy> idle = BusySpinIdleStrategy::new;

    private EngineE2e(final String name, final int maxMtu)
    {
        this.name = name;
        this.maxMtu = maxMtu;
        drain = new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY);
    }

    /** How a phase ended: clean or not, what was left behind, and the counters worth printing. */
    private record Outcome(boolean ok, int leftover, boolean sharedThread, long clientAllocated,
        long serverAllocated, String text)
    {
        long errors()
        {
            return ok ? 0 : 1;
        }

        /** Both shard threads' allocation in the window (one thread's counter when they share a thread). */
        long allocated()
        {
            if (clientAllocated < 0 || serverAllocated < 0)
            {
                return -1;
            }
            return sharedThread ? clientAllocated : clientAllocated + serverAllocated;
        }
    }

    /** Starts EAL if this process has not yet (it can start only once), and makes the ring pair (MTU up to 1500). */
    public static EngineE2e open(final String name)
    {
        return open(name, 1500);
    }

    /**
     * As {@link #open(String)}, with mbufs large enough for frames of {@code maxMtu} bytes of IP (jumbo frames: a
     * net_ring port has no MTU of its own; the mempool's data room is the limit). Each phase then runs at its
     * settings' {@link E2eSettings#engineMtu}, at most this.
     */
    public static EngineE2e open(final String name, final int maxMtu)
    {
        if (Eal.current() == null)
        {
            Eal.init(new EalOptions());
        }
        Eal.registerThread();
        return new EngineE2e(name, maxMtu);
    }

    /** Connect, one request and its response, close: {@code concurrency} at a time, for the window. */
    public PhaseResult cps(final E2eSettings s)
    {
        final long warmupEnd = System.nanoTime() + s.warmupNs;
        final long end = warmupEnd + s.measureNs;
        final CpsServer server = new CpsServer(warmupEnd, end, s.messageSize);
        final CpsClient client = new CpsClient(warmupEnd, end, CLIENT_IP, SERVER_IP, CPS_PORT, s.concurrency,
            s.messageSize);
        final TcpConfig serverConfig = config(s);
        final TcpConfig clientConfig = config(s);
        final Outcome run = run(s, server, serverConfig, client, clientConfig, CPS_PORT, s.concurrency + 16);
        final StringBuilder sb = new StringBuilder();
        client.describe(sb);
        sb.append("; ");
        server.describe(sb);
        sb.append("; ").append(run.text());
        return PhaseResult.cps("engine", client.completedInWindow, s.measureNs,
            client.errors() + server.errors() + run.errors(), run.leftover(), run.allocated(), sb.toString());
    }

    /** Ping-pong of one message on one keep-alive connection, for the window. */
    public PhaseResult latency(final E2eSettings s)
    {
        final long warmupEnd = System.nanoTime() + s.warmupNs;
        final long end = warmupEnd + s.measureNs;
        final EchoServer server = new EchoServer(warmupEnd, end);
        final PingClient client = new PingClient(warmupEnd, end, CLIENT_IP, SERVER_IP, ECHO_PORT, 1, s.messageSize);
        final Outcome run = run(s, server, config(s), client, config(s), ECHO_PORT, 4);
        final StringBuilder sb = new StringBuilder();
        client.describe(sb);
        sb.append("; ");
        server.describe(sb);
        sb.append("; ").append(run.text());
        return PhaseResult.latency("engine", client.histogram, s.measureNs,
            client.errors() + server.errors() + run.errors(), run.leftover(), run.allocated(), sb.toString());
    }

    /** How the engines of {@link #apiLatency} get their threads; the application thread is always one more. */
    public enum ApiThreads
    {
        /** Each engine DEDICATED: a shard thread each, three busy threads with the application's. */
        A_THREAD_PER_SHARD("api", "a thread per shard"),
        /** Both engines INVOKER, run by one thread of their own: two busy threads. */
        SHARED("api-shared", "both shards on one thread"),
        /**
         * The client engine DEDICATED (the client's shard on a thread of its own, as an application would run it)
         * and the server engine INVOKER, its duty cycle run as a duty of the client's shard thread: two busy
         * threads, the application's and the client shard's (which also plays the far end).
         */
        DEDICATED_SERVER_INVOKED("api-dedicated", "client engine DEDICATED, server invoked on its shard thread");

        final String stack;
        final String text;

        ApiThreads(final String stack, final String text)
        {
            this.stack = stack;
            this.text = text;
        }
    }

    /**
     * Ping-pong of one message on one keep-alive connection, as {@link #latency}, but the client is an application
     * thread (this one) using the application API ({@link Wirespeed}, {@link dev.wirespeed.engine.api.Client}):
     * each message crosses the command ring to the client engine's shard and comes back through its event ring. The
     * server is the same shard-thread echo; where the shards run is {@code threads}.
     */
    public PhaseResult apiLatency(final E2eSettings s, final ApiThreads threads)
    {
        final long warmupEnd = System.nanoTime() + s.warmupNs;
        final long end = warmupEnd + s.measureNs;
        final EchoServer server = new EchoServer(warmupEnd, end);
        final AtomicLong agentErrors = new AtomicLong();
        final ErrorHandler onError = t -> agentErrors.incrementAndGet();
        final String phaseName = name + "_" + (phases++);
        final StringBuilder sb = new StringBuilder();
        final ApiPingClient client;
        final Engine clientEngine;
        long leftover;
        try (RingPair pair = RingPair.create(phaseName, 4096))
        {
            final Engine serverEngine = engine(phaseName + "-server", pair.a(), SERVER_IP, server, config(s), 4, onError)
                .threading(threads == ApiThreads.A_THREAD_PER_SHARD ? ThreadingMode.DEDICATED : ThreadingMode.INVOKER)
                .build();
            AgentRunner sharedRunner = null;
            final InvokedOnShardThread serverDuty = threads == ApiThreads.DEDICATED_SERVER_INVOKED ?
                new InvokedOnShardThread(serverEngine) : null;
            try
            {
                serverEngine.context(0).endpoint().listen(SERVER_IP, ECHO_PORT, 16);
                final TcpConfig clientConfig = config(s);
                final Engine.Builder clientBuilder = Engine.builder().name(phaseName + "-client").port(pair.b())
                    .address(CLIENT_IP, PREFIX).tcpConfig(() -> clientConfig).counters(false, null)
                    .errorHandler(onError).idleStrategy(idle)
                    .threading(threads == ApiThreads.SHARED ? ThreadingMode.INVOKER : ThreadingMode.DEDICATED);
                if (serverDuty != null)
                {
                    clientBuilder.duties(ctx -> serverDuty);
                }
                try (Wirespeed ws = Wirespeed.launch(clientBuilder))
                {
                    if (threads == ApiThreads.SHARED)
                    {
                        sharedRunner = new AgentRunner(idle.get(), onError, null,
                            new BothInvoked(serverEngine, ws.engine(), false));
                        AgentRunner.startOnThread(sharedRunner);
                    }
                    else if (threads == ApiThreads.A_THREAD_PER_SHARD)
                    {
                        serverEngine.start();
                    }
                    client = new ApiPingClient(ws.client(), s.messageSize);
                    client.run(SERVER_IP, ECHO_PORT, s.warmupNs, s.measureNs, () -> 0);
                    if (sharedRunner != null)
                    {
                        sharedRunner.close();
                    }
                    if (serverDuty != null)
                    {
                        serverDuty.closeAndWait();
                    }
                    clientEngine = ws.engine();
                }
            }
            finally
            {
                if (sharedRunner != null)
                {
                    sharedRunner.close();
                }
                serverEngine.close();
            }
            drainPort(pair.a());
            drainPort(pair.b());
            leftover = clientEngine.context(0).endpoint().liveConnectionCount() + pair.a().mempool().inUseCount() +
                pair.b().mempool().inUseCount();
        }
        client.describe(sb);
        sb.append("; ");
        server.describe(sb);
        sb.append("; ").append(threads.text).append(", leftover ").append(leftover);
        if (agentErrors.get() > 0)
        {
            sb.append(", ").append(agentErrors.get()).append(" exceptions on shard threads");
        }
        return PhaseResult.latency(threads.stack, client.histogram, s.measureNs,
            client.errors + client.badBytes + agentErrors.get(), leftover, -1, sb.toString());
    }

    /**
     * An INVOKER engine run as a duty of another engine's shard thread: started on that thread at its first cycle,
     * and closed there too when asked ({@link #closeAndWait()}), so that its shard only ever runs on that thread.
     */
    private static final class InvokedOnShardThread implements ShardDuty
    {
        private final Engine engine;
        private boolean started;
        private volatile boolean closeRequested;
        private volatile boolean closed;

        InvokedOnShardThread(final Engine engine)
        {
            this.engine = engine;
        }

        public int doWork(final long nowNs)
        {
            if (closed)
            {
                return 0;
            }
            if (closeRequested)
            {
                try
                {
                    engine.close();
                }
                finally
                {
                    closed = true;
                }
                return 1;
            }
            if (!started)
            {
                started = true;
                engine.start();
            }
            return engine.doWork();
        }

        /** Has the shard thread close the engine, and waits (up to 10 s) until it has. */
        void closeAndWait()
        {
            closeRequested = true;
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (!closed && System.nanoTime() - deadline < 0)
            {
                Thread.onSpinWait();
            }
            if (!closed)
            {
                throw new IllegalStateException("the server engine was not closed on the client's shard thread");
            }
        }
    }

    /** One connection, one direction, as fast as it goes, for the window. */
    public PhaseResult bulk(final E2eSettings s)
    {
        final long warmupEnd = System.nanoTime() + s.warmupNs;
        final long end = warmupEnd + s.measureNs;
        final BulkServer server = new BulkServer(warmupEnd, end, s.verifyBulk);
        final BulkClient client = new BulkClient(warmupEnd, end, CLIENT_IP, SERVER_IP, DISCARD_PORT);
        final TcpConfig serverConfig = config(s);
        serverConfig.receiveBufferSize = s.engineBulkBufferBytes;
        serverConfig.sendBufferSize = 4096;
        final TcpConfig clientConfig = config(s);
        clientConfig.sendBufferSize = s.engineBulkBufferBytes;
        clientConfig.receiveBufferSize = 4096;
        final Outcome run = run(s, server, serverConfig, client, clientConfig, DISCARD_PORT, 4);
        final StringBuilder sb = new StringBuilder();
        client.describe(sb);
        sb.append("; ");
        server.describe(sb);
        sb.append("; ").append(run.text());
        final long lost = client.sentBytes - server.receivedBytes;
        if (lost != 0)
        {
            sb.append("; sent - received = ").append(lost).append(" B");
        }
        return PhaseResult.bulk("engine", server.bytesInWindow, s.measureNs,
            client.errors() + server.errors() + (lost != 0 ? 1 : 0) + run.errors(), run.leftover(), run.allocated(),
            sb.toString());
    }

    /**
     * Many concurrent connections ({@link HoldClient}): the client engine, with {@code addresses} local addresses
     * from 192.0.2.10 up, ramps to {@code n} established connections to the server engine's echo port, holds them
     * for {@code holdNs} with keepalives on every connection (idle {@code keepAliveNs}, then probes every
     * {@code keepAliveNs}) and {@code sample} of them ping-ponging 64 B, then closes them all. Heap used after a
     * full GC is taken with no connection and with all of them up (the client waits for it before the hold).
     *
     * @return one {@code RESULT} line (ramp rate, bytes per connection, echo latency, close time, lost) and the
     * detail; {@code ok=true} when every connection was established, held and closed with nothing lost and both
     * engines ended with no TCB and no mbuf outstanding.
     */
    public String hold(final int n, final int addresses, final long holdNs, final int sample, final long keepAliveNs,
        final long drainTimeoutNs)
    {
        final E2eSettings s = new E2eSettings();
        s.engineTimeWaitNs = 4_000_000_000L; // longer than a starved peer's FIN retransmission takes
        final TcpConfig serverConfig = config(s);
        final TcpConfig clientConfig = config(s);
        for (final TcpConfig c : new TcpConfig[] {serverConfig, clientConfig})
        {
            c.keepAlive = true;
            c.keepAliveIdleNs = keepAliveNs;
            c.keepAliveIntervalNs = keepAliveNs;
            c.halfOpenBound = 4096;
            c.maxConnections = Math.max(c.maxConnections, n + 1024);
        }
        clientConfig.ephemeralLow = 1024;
        clientConfig.ephemeralHigh = 65535;
        final int[] localIps = new int[addresses];
        for (int i = 0; i < addresses; i++)
        {
            localIps[i] = HOLD_CLIENT_IP_BASE + i;
        }
        final long unset = Long.MAX_VALUE;
        final EchoServer server = new EchoServer(0, unset);
        final HoldClient client = new HoldClient(localIps, SERVER_IP, ECHO_PORT, n, 2048, sample, holdNs, 16);
        final AtomicLong agentErrors = new AtomicLong();
        final AtomicReference<Throwable> firstError = new AtomicReference<>();
        final ErrorHandler onError = counting(agentErrors, firstError);
        final String phaseName = name + "_" + (phases++);
        final java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        final StringBuilder sb = new StringBuilder();
        try (RingPair pair = RingPair.create(phaseName, 8192))
        {
            final Engine serverEngine = engine(phaseName + "-server", pair.a(), SERVER_IP, server, serverConfig, 1024,
                onError).build();
            final Engine clientEngine = engine(phaseName + "-client", pair.b(), localIps[0], client, clientConfig,
                1024, onError).addresses(LocalAddresses.of(PREFIX, localIps)).build();
            final TcpEndpoint serverEndpoint = serverEngine.context(0).endpoint();
            final TcpEndpoint clientEndpoint = clientEngine.context(0).endpoint();
            long heapBase = 0;
            long heapHeld = 0;
            boolean drained = false;
            AgentRunner sharedRunner = null;
            final long runStart = System.nanoTime();
            try
            {
                serverEndpoint.listen(SERVER_IP, ECHO_PORT, 4096);
                heapBase = heapAfterGc(memory);
                if (sharedThread)
                {
                    sharedRunner = new AgentRunner(idle.get(), onError, null,
                        new BothInvoked(serverEngine, clientEngine));
                    AgentRunner.startOnThread(sharedRunner);
                }
                else
                {
                    serverEngine.start();
                    clientEngine.start();
                }
                long lastPrint = System.nanoTime();
                long rampDeadline = System.nanoTime() + drainTimeoutNs + n * 500_000L; // at least 2k/s
                while (client.phase() == HoldClient.RAMP && System.nanoTime() - rampDeadline < 0 &&
                    agentErrors.get() == 0)
                {
                    LockSupport.parkNanos(10_000_000L);
                    if (System.nanoTime() - lastPrint >= 1_000_000_000L)
                    {
                        lastPrint = System.nanoTime();
                        System.out.printf(java.util.Locale.ROOT, "ramp: %.1f s, TCBs client %d server %d%n",
                            (lastPrint - runStart) / 1e9, client.tcbs(), server.tcbs());
                    }
                }
                if (client.phase() == HoldClient.WAITING)
                {
                    heapHeld = heapAfterGc(memory);
                    client.release();
                    final long deadline = System.nanoTime() + holdNs + drainTimeoutNs + n * 200_000L;
                    while (System.nanoTime() - deadline < 0 && agentErrors.get() == 0)
                    {
                        if (client.finished() && client.tcbs() == 0 && server.tcbs() == 0)
                        {
                            drained = true;
                            break;
                        }
                        LockSupport.parkNanos(10_000_000L);
                        if (System.nanoTime() - lastPrint >= 1_000_000_000L)
                        {
                            lastPrint = System.nanoTime();
                            System.out.printf(java.util.Locale.ROOT, "%s: %.1f s, TCBs client %d server %d, " +
                                "echoes %d%n", client.phase() == HoldClient.HOLD ? "hold" : "close",
                                (lastPrint - runStart) / 1e9, client.tcbs(), server.tcbs(),
                                client.histogram.getTotalCount());
                        }
                    }
                }
            }
            finally
            {
                if (sharedRunner != null)
                {
                    sharedRunner.close();
                }
                clientEngine.close(true, 0);
                serverEngine.close(true, 0);
            }
            final long stray = drainPort(pair.a()) + drainPort(pair.b());
            final int leak = pair.a().mempool().inUseCount() + pair.b().mempool().inUseCount();
            // a server-side reset in the close phase (its FIN retransmitted after the client's TIME-WAIT ended, on
            // a box that lost frames) is shown with the server's counters, but no connection was lost by it
            final boolean ok = drained && agentErrors.get() == 0 && leak == 0 && client.errors() == 0;
            final double rampS = (client.rampEndNs - client.startNs) / 1e9;
            final double closeS = client.closeEndNs == 0 ? -1 : (client.closeEndNs - client.closeStartNs) / 1e9;
            final long perPair = n == 0 ? 0 : (heapHeld - heapBase) / n;
            sb.append(String.format(java.util.Locale.ROOT,
                "RESULT ok=%s n=%d addresses=%d ramp_s=%.2f ramp_per_s=%.0f heap_B_per_conn_both_sides=%d " +
                "heap_B_per_conn_per_side=%d echo_p50_us=%.1f echo_p99_us=%.1f echo_max_us=%.1f echoes=%d " +
                "hold_s=%.0f close_s=%.2f close_per_s=%.0f lost=%d keepalive_probes_c/s=%d/%d threads=%s",
                ok, n, addresses, rampS, rampS > 0 ? n / rampS : 0, perPair, perPair / 2,
                client.histogram.getValueAtPercentile(50) / 1e3, client.histogram.getValueAtPercentile(99) / 1e3,
                client.histogram.getMaxValue() / 1e3, client.histogram.getTotalCount(), holdNs / 1e9,
                closeS, closeS > 0 ? n / closeS : 0, client.lost,
                counter(clientEndpoint, TcpCounters.KEEPALIVE_PROBES),
                counter(serverEndpoint, TcpCounters.KEEPALIVE_PROBES), sharedThread ? "shared" : "one_per_shard"));
            sb.append("\n  ");
            client.describe(sb);
            sb.append("; ");
            server.describe(sb);
            sb.append("; heap after GC: ").append(heapBase >> 20).append(" MiB before, ").append(heapHeld >> 20)
                .append(" MiB with all connections up; retransmits c/s ")
                .append(counter(clientEndpoint, TcpCounters.RETRANSMITS)).append('/')
                .append(counter(serverEndpoint, TcpCounters.RETRANSMITS))
                .append(", SYN cookies sent ").append(counter(serverEndpoint, TcpCounters.SYN_COOKIES_SENT))
                .append(", TCBs left c/s ").append(clientEndpoint.connectionCount()).append('/')
                .append(serverEndpoint.connectionCount()).append(", mbufs not returned ").append(leak)
                .append(", stray frames ").append(stray).append(", tx dropped c/s ")
                .append(clientEngine.shard(0).txDropped()).append('/').append(serverEngine.shard(0).txDropped())
                .append(", tx no-mbuf c/s ").append(clientEngine.shard(0).txNoMbuf()).append('/')
                .append(serverEngine.shard(0).txNoMbuf());
            if (!drained)
            {
                sb.append(", NOT DRAINED (phase ").append(client.phase()).append(')');
            }
            if (agentErrors.get() > 0)
            {
                sb.append(", ").append(agentErrors.get()).append(" exceptions on shard threads, first: ")
                    .append(firstError.get());
            }
            if (verbose)
            {
                sb.append("\n    client TCP counters: ").append(clientEndpoint.counters())
                    .append("\n    server TCP counters: ").append(serverEndpoint.counters());
            }
        }
        return sb.toString();
    }

    /** An error handler for shard threads that counts the exceptions and keeps the first. */
    private static ErrorHandler counting(final AtomicLong errors, final AtomicReference<Throwable> first)
    {
        return t ->
        {
            errors.incrementAndGet();
            first.compareAndSet(null, t);
        };
    }

    private static long heapAfterGc(final java.lang.management.MemoryMXBean memory)
    {
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private TcpConfig config(final E2eSettings s)
    {
        final TcpConfig c = new TcpConfig();
        c.seed = seed++;
        c.mslNs = s.engineTimeWaitNs / 2;
        c.noDelay = true;
        if (s.engineMtu > maxMtu)
        {
            throw new IllegalArgumentException("MTU " + s.engineMtu + " is more than the ports were opened for (" +
                maxMtu + ")");
        }
        c.mtu = s.engineMtu;
        return c;
    }

    /**
     * Runs one phase to its end: both shards on their own threads until the client has finished and neither
     * endpoint holds a TCB, or until the drain timeout. Returns "ok ..." or what went wrong, with the shard and
     * TCP counters that matter (retransmits, drops, mbufs).
     */
    private Outcome run(final E2eSettings s, final EngineSide server, final TcpConfig serverConfig,
        final EngineSide client, final TcpConfig clientConfig, final int listenPort, final int preallocate)
    {
        final AtomicLong agentErrors = new AtomicLong();
        final AtomicReference<Throwable> firstError = new AtomicReference<>();
        final ErrorHandler onError = counting(agentErrors, firstError);
        final String phaseName = name + "_" + (phases++);
        try (RingPair pair = RingPair.create(phaseName, 4096))
        {
            final Engine serverEngine = engine(phaseName + "-server", pair.a(), SERVER_IP, server, serverConfig,
                preallocate, onError).build();
            final Engine clientEngine;
            try
            {
                clientEngine = engine(phaseName + "-client", pair.b(), CLIENT_IP, client, clientConfig, preallocate,
                    onError).build();
            }
            catch (final RuntimeException ex)
            {
                serverEngine.close();
                throw ex;
            }
            try
            {
                serverEngine.context(0).endpoint().listen(SERVER_IP, listenPort, 1024);
                // the window starts once everything is set up (ports, mempools, engines), just before the threads
                final long warmupEnd = System.nanoTime() + s.warmupNs;
                final long end = warmupEnd + s.measureNs;
                server.window(warmupEnd, end);
                client.window(warmupEnd, end);
                return runEngines(s, pair, serverEngine, server, clientEngine, client, end, agentErrors, firstError);
            }
            finally
            {
                clientEngine.close();
                serverEngine.close();
            }
        }
    }

    private Engine.Builder engine(final String engineName, final EthPort port, final int ip, final EngineSide side,
        final TcpConfig config, final int preallocate, final ErrorHandler onError)
    {
        final Engine.Builder b = Engine.builder().name(engineName).port(port).address(ip, PREFIX)
            .tcpConfig(() -> config).handlers(ctx -> side)
            .duties(ctx ->
            {
                side.attach(ctx.endpoint(), ctx.shard());
                return side::step;
            })
            .preallocate(preallocate).counters(false, null).errorHandler(onError)
            .threading(sharedThread ? ThreadingMode.INVOKER : ThreadingMode.DEDICATED).idleStrategy(idle);
        if (maxMtu > 1500)
        {
            b.mempoolSize(8191).mbufDataRoom(NativeLayout.PKTMBUF_HEADROOM + EthernetFrame.HEADER_LENGTH + maxMtu);
        }
        return b;
    }

    /**
     * Runs one phase to its end: both engines (on their own threads, or both invoked from one) until the client
     * has finished and neither endpoint holds a TCB, or until the drain timeout. Returns "ok ..." or what went
     * wrong, with the shard and TCP counters that matter (retransmits, drops, mbufs).
     */
    private Outcome runEngines(final E2eSettings s, final RingPair pair, final Engine serverEngine,
        final EngineSide server, final Engine clientEngine, final EngineSide client, final long endNs,
        final AtomicLong agentErrors, final AtomicReference<Throwable> firstError)
    {
        final EthPort serverPort = pair.a();
        final EthPort clientPort = pair.b();
        final TcpEndpoint serverEndpoint = serverEngine.context(0).endpoint();
        final TcpEndpoint clientEndpoint = clientEngine.context(0).endpoint();
        final ShardView serverShard = serverEngine.shard(0);
        final ShardView clientShard = clientEngine.shard(0);
        AgentRunner sharedRunner = null;
        if (sharedThread)
        {
            sharedRunner = new AgentRunner(idle.get(), t ->
            {
                agentErrors.incrementAndGet();
                firstError.compareAndSet(null, t);
            }, null, new BothInvoked(serverEngine, clientEngine));
            AgentRunner.startOnThread(sharedRunner);
        }
        else
        {
            serverEngine.start();
            clientEngine.start();
        }

        final long deadline = endNs + s.drainTimeoutNs;
        boolean drained = false;
        while (System.nanoTime() - deadline < 0)
        {
            if (client.finished() && client.tcbs() == 0 && server.tcbs() == 0)
            {
                drained = true;
                break;
            }
            LockSupport.parkNanos(2_000_000L);
        }
        if (sharedRunner != null)
        {
            sharedRunner.close();
        }
        final boolean clientClean = clientEngine.close(true, 0);
        final boolean serverClean = serverEngine.close(true, 0);
        // the shard threads are joined: their plain fields are visible here
        final long strayFrames = drainPort(serverPort) + drainPort(clientPort);
        final int serverLeak = serverPort.mempool().inUseCount();
        final int clientLeak = clientPort.mempool().inUseCount();

        final StringBuilder sb = new StringBuilder();
        final boolean ok = drained && agentErrors.get() == 0 && serverLeak == 0 && clientLeak == 0;
        sb.append(ok ? "ok" : "FAILED");
        if (!drained)
        {
            sb.append(" (not drained ").append(s.drainTimeoutNs / 1_000_000).append(" ms after the window: client ")
                .append(client.finished() ? "finished" : "still running").append(", TCBs client ")
                .append(clientEndpoint.connectionCount()).append(" server ").append(serverEndpoint.connectionCount())
                .append(clientClean && serverClean ? "" : ", live connections reset at the end").append(')');
        }
        if (agentErrors.get() > 0)
        {
            sb.append(" (").append(agentErrors.get()).append(" exceptions on shard threads, first: ")
                .append(firstError.get()).append(')');
        }
        if (serverLeak != 0 || clientLeak != 0)
        {
            sb.append(" (mbufs not returned: server pool ").append(serverLeak).append(", client pool ")
                .append(clientLeak).append(')');
        }
        sb.append(", retransmits c/s ").append(counter(clientEndpoint, TcpCounters.RETRANSMITS)).append('/')
            .append(counter(serverEndpoint, TcpCounters.RETRANSMITS))
            .append(", RTO expiries c/s ").append(counter(clientEndpoint, TcpCounters.RTO_EXPIRIES)).append('/')
            .append(counter(serverEndpoint, TcpCounters.RTO_EXPIRIES))
            .append(", RSTs sent c/s ").append(counter(clientEndpoint, TcpCounters.RSTS_SENT)).append('/')
            .append(counter(serverEndpoint, TcpCounters.RSTS_SENT));
        if (verbose)
        {
            sb.append("\n    client TCP counters: ").append(clientEndpoint.counters())
                .append("\n    server TCP counters: ").append(serverEndpoint.counters());
        }
        sb.append(", allocated in the window: client thread ").append(client.allocatedInWindow)
            .append(" B, server thread ").append(server.allocatedInWindow).append(" B");
        sb.append(", frames c->s ").append(clientShard.txPackets()).append(" s->c ").append(serverShard.txPackets());
        final long txDrops = clientShard.txDropped() + serverShard.txDropped() + clientShard.txNoMbuf() +
            serverShard.txNoMbuf();
        if (txDrops > 0)
        {
            sb.append(", tx dropped/no-mbuf ").append(txDrops);
        }
        for (int r = 1; r < FrameParser.DROP_REASON_COUNT; r++)
        {
            if (clientShard.drops(r) + serverShard.drops(r) > 0)
            {
                sb.append(", rx drop ").append(FrameParser.dropReasonName(r)).append(" c/s ").append(clientShard.drops(r))
                    .append('/').append(serverShard.drops(r));
            }
        }
        if (strayFrames > 0)
        {
            sb.append(", stray frames ").append(strayFrames);
        }
        final int leftover = clientEndpoint.connectionCount() + serverEndpoint.connectionCount() +
            Math.abs(serverLeak) + Math.abs(clientLeak);
        return new Outcome(ok, leftover, sharedThread, client.allocatedInWindow, server.allocatedInWindow,
            sb.toString());
    }

    /** Both engines invoked from one thread (their invokers started and closed on it). */
    private static final class BothInvoked implements Agent
    {
        private final Engine server;
        private final Engine client;
        private final boolean startClient;

        BothInvoked(final Engine server, final Engine client)
        {
            this(server, client, true);
        }

        /** @param startClient false if the client engine was started already (by {@link Wirespeed#launch}). */
        BothInvoked(final Engine server, final Engine client, final boolean startClient)
        {
            this.server = server;
            this.client = client;
            this.startClient = startClient;
        }

        public void onStart()
        {
            Eal.registerThread();
            server.start();
            if (startClient)
            {
                client.start();
            }
        }

        public int doWork()
        {
            return server.doWork() + client.doWork();
        }

        public void onClose()
        {
            try
            {
                client.invoker().close();
                server.invoker().close();
            }
            finally
            {
                Eal.unregisterThread();
            }
        }

        public String roleName()
        {
            return "e2e-both";
        }
    }

    private static long counter(final TcpEndpoint endpoint, final int counter)
    {
        return endpoint.counters().get(counter);
    }

    /**
     * Runs both shards on one thread (a {@link org.agrona.concurrent.CompositeAgent}) instead of one thread each: on
     * a machine with too few free cores for two busy-polling threads, this shows the engine's cost without the
     * scheduler's.
     */
    public EngineE2e sharedThread(final boolean shared)
    {
        this.sharedThread = shared;
        return this;
    }

    /**
     * How an idle shard thread waits: {@code busy} spins (lowest latency, needs a free core per shard),
     * {@code yield} calls {@code Thread.yield()} (lets another runnable thread, perhaps the peer shard, have the core),
     * {@code backoff} spins, yields, then parks up to 100 µs.
     */
    public EngineE2e idle(final String name)
    {
        idle = switch (name)
        {
            case "busy" -> BusySpinIdleStrategy::new;
            case "yield" -> YieldingIdleStrategy::new;
            case "backoff" -> () -> new BackoffIdleStrategy(100, 10, 1_000, 100_000);
            default -> throw new IllegalArgumentException("idle strategy must be busy, yield or backoff: " + name);
        };
        return this;
    }

    /** Adds every non-zero TCP counter of both endpoints to each phase's detail. */
    public EngineE2e verbose(final boolean verbose)
    {
        this.verbose = verbose;
        return this;
    }

    private long drainPort(final EthPort port)
    {
        long frames = 0;
        for (int idle = 0; idle < 3; )
        {
            final int n = port.rxBurst(0, drain);
            drain.freeAll();
            frames += n;
            idle = n == 0 ? idle + 1 : 0;
        }
        return frames;
    }

    public void close()
    {
        arena.close();
    }
}
