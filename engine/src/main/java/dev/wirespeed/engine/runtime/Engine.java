package dev.wirespeed.engine.runtime;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.wirespeed.bindings.DeviceInfo;
import dev.wirespeed.bindings.DpdkException;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.Mbuf;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.PortSpec;
import dev.wirespeed.engine.runtime.internal.HostSecret;
import dev.wirespeed.engine.runtime.internal.PcapWriter;
import dev.wirespeed.engine.runtime.internal.Shard;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.ErrorHandler;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The engine on one port: N shards, each with its own {@link TcpEndpoint}, TX queue and ARP cache. This is the one
 * place an engine is assembled: {@code serve}, {@code client}, {@code e2e} and embedding applications all go
 * through {@link #builder()}.
 * <pre>{@code
 *   Engine engine = Engine.builder()
 *       .port(PortSpec.iface("veth0"))                         // or .port(ringPair.a()): a port someone else owns
 *       .addresses(LocalAddresses.parse("192.0.2.1/24", null))
 *       .shards(2)
 *       .handlers(ctx -> new MyHandler(ctx))                   // ctx.endpoint() is valid once build() returns
 *       .duties(ctx -> nowNs -> myWork(ctx.endpoint(), nowNs)) // run every duty cycle on the shard's thread
 *       .threading(ThreadingMode.DEDICATED)
 *       .build();
 *   engine.start();
 *   ...
 *   engine.close();
 * }</pre>
 * RX distribution: when the port has at least N RX queues, shard i polls queue i (with the port's symmetric RSS
 * key when it has RSS; {@code --iface} ports get {@code qpairs=N} so the kernel fans frames out over N sockets);
 * otherwise shard 0 polls the single queue. Wherever a frame arrives, it is handled by the shard its
 * {@link dev.wirespeed.engine.tcp.FlowHash} names, through a one-to-one ring of mbuf addresses between every pair
 * of shards (see {@link Shard}); outgoing connections pick local ports that hash back to their own shard.
 * <p>
 * <b>Ownership.</b> A port given as a {@link PortSpec} is opened by the engine and closed by {@link #close()}. A
 * port given as an {@link EthPort} (e.g. a side of an in-process {@link dev.wirespeed.bindings.RingPair}) belongs
 * to its creator: the engine starts it if needed and {@linkplain EthPort#claim claims} it while it runs; its close
 * drains the port's RX queues and releases it, and the creator closes the port (or the pair) afterwards. The
 * counters file and the captures are the engine's own. EAL is started by the caller (once per process) and stays
 * up: the caller closes it. A {@link Builder#build()} that fails closes whatever it had opened.
 * <p>
 * <b>Errors</b> thrown on a shard's thread go to the {@link Builder#errorHandler ErrorHandler}; every one is
 * counted ({@link #errorCount()}, and the "engine errors" counter). Without a handler of its own, the engine prints
 * one line for the first error to stderr and keeps it for {@link #firstError()}.
 */
public final class Engine implements AutoCloseable
{
    /** Bytes of each shard-to-shard ring (plus its trailer): about 200 bursts of 32 mbuf addresses. */
    public static final int HAND_OFF_RING_BYTES = 64 * 1024;
    /** Most shards an engine has. */
    public static final int MAX_SHARDS = 64;

    private static final AtomicInteger ENGINES_BUILT = new AtomicInteger();
    private static final Set<String> NAMES_IN_USE = ConcurrentHashMap.newKeySet();

    private final String name;
    private final ThreadingMode threading;
    private final ThreadFactory threadFactory;
    private final ErrorHandler userErrorHandler;
    private final AtomicLong errors = new AtomicLong();
    private final Arena arena = Arena.ofShared();
    private final LocalAddresses addresses;
    private volatile Throwable firstError;
    private EthPort port;
    private boolean ownsPort;
    private Shard[] shards;
    private ShardContext[] contexts;
    private PcapWriter[] captures;
    private EngineCounters counters;
    private AtomicCounter errorCounter;
    private AgentRunner[] runners;
    private AgentInvoker invoker;
    private int rxQueues;
    private boolean started;
    private boolean closed;

    private Engine(final Builder b)
    {
        this.name = b.name != null ? b.name : defaultName();
        if (!NAMES_IN_USE.add(name))
        {
            arena.close();
            throw new IllegalStateException("an engine named '" + name + "' is already open in this process: " +
                "give each engine its own name (Engine.Builder.name)");
        }
        this.threading = b.threading;
        this.threadFactory = b.threadFactory;
        this.userErrorHandler = b.errorHandler;
        this.addresses = b.addresses;
        try
        {
            assemble(b);
        }
        catch (final Throwable t)
        {
            releaseAll(t);
            throw t;
        }
    }

    private static String defaultName()
    {
        final int k = ENGINES_BUILT.incrementAndGet();
        final long pid = ProcessHandle.current().pid();
        return k == 1 ? Long.toString(pid) : pid + "-" + k;
    }

    private void assemble(final Builder b)
    {
        final int n = b.shards;
        captures = new PcapWriter[n];
        if (b.borrowedPort != null)
        {
            port = b.borrowedPort;
            port.claim("engine " + name);
        }
        else
        {
            final PortSpec spec = n > 1 && b.portSpec.kind() == PortSpec.Kind.IFACE ?
                withQueuePairs(b.portSpec, n) : b.portSpec;
            port = EthPort.open(spec);
            ownsPort = true;
            port.claim("engine " + name);
        }
        final DeviceInfo info = port.info();
        if ("net_ring".equals(info.driverName()) && info.maxRxQueues() != n)
        {
            throw new IllegalArgumentException("port " + port.name() + " is a ring pair side with " +
                info.maxRxQueues() + " queue(s): the engines on both sides need that many shards, got " + n);
        }
        if (info.maxTxQueues() < n)
        {
            throw new DpdkException("port " + port.name() + " (" + info.driverName() + ") has at most " +
                info.maxTxQueues() + " TX queue(s); " + n + " shards need one each" +
                ("net_ring".equals(info.driverName()) ? " (create the RingPair with " + n + " queues)" : ""), 22);
        }
        if (port.isStarted())
        {
            throw new IllegalStateException("port " + port.name() + " is already started: the engine configures " +
                "its queues and mempool itself; give it a port that is attached but not started");
        }
        rxQueues = info.maxRxQueues() >= n ? n : 1;
        final PortConfig portConfig = new PortConfig().queues(rxQueues, n).mempool(b.mempoolSize, 256);
        if (b.mbufDataRoom > 0)
        {
            portConfig.dataRoom(b.mbufDataRoom);
        }
        port.start(portConfig);
        if (b.counters)
        {
            final int maxCounters = Math.max(EngineCounters.DEFAULT_MAX_COUNTERS,
                n * ShardCounters.countPerShard() + 64);
            final Path file = b.countersFile != null ? b.countersFile :
                b.countersDir.resolve(EngineCounters.FILE_PREFIX + name + EngineCounters.FILE_SUFFIX);
            refuseIfLiveElsewhere(file);
            counters = EngineCounters.create(file, maxCounters, true);
            errorCounter = counters.newCounter("engine errors", EngineCounters.TYPE_GENERIC);
        }
        final RingBuffer[][] rings = new RingBuffer[n][n]; // rings[from][to]
        for (int from = 0; from < n; from++)
        {
            for (int to = 0; to < n; to++)
            {
                if (from != to)
                {
                    rings[from][to] = new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(
                        HAND_OFF_RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
                }
            }
        }
        shards = new Shard[n];
        contexts = new ShardContext[n];
        for (int i = 0; i < n; i++)
        {
            final ShardContext ctx = new ShardContext(name, i, n, addresses);
            contexts[i] = ctx;
            final TcpConfig tcp = b.tcpConfig.get();
            tcp.shardCount = n;
            tcp.shardIndex = i;
            if (tcp.isnKey0 == 0 && tcp.isnKey1 == 0 && tcp.fixedIsnForTests == -1)
            {
                // one secret per host and boot, as Linux's: a 4-tuple reused by a later run (or another shard)
                // still gets a higher ISN and timestamp than the peer's TIME-WAIT remembers
                final long[] secret = HostSecret.load();
                tcp.isnKey0 = secret[0];
                tcp.isnKey1 = secret[1];
            }
            final TcpHandler handler = b.handlers.apply(ctx);
            if (handler == null)
            {
                throw new IllegalArgumentException("the handler factory returned null for shard " + i);
            }
            final TcpEndpoint endpoint = new TcpEndpoint(tcp, handler, b.clock.nanoTime());
            for (int a = 0; a < addresses.size(); a++)
            {
                endpoint.addLocalAddress(addresses.get(a), addresses.prefixLength());
            }
            endpoint.preallocate(b.preallocate);
            for (int p = 0; p < b.listenPorts.size(); p++)
            {
                endpoint.listen(0, b.listenPorts.getInt(p), b.listenBacklog);
            }
            ctx.endpoint(endpoint);
            if (b.pcap != null)
            {
                captures[i] = new PcapWriter(i == 0 ? b.pcap : PcapWriter.shardFile(b.pcap, i));
            }
            final RingBuffer[] inboxes = new RingBuffer[n];
            for (int from = 0; from < n; from++)
            {
                inboxes[from] = rings[from][i];
            }
            final int[] queues = rxQueues == n ? new int[] {i} : (i == 0 ? new int[] {0} : new int[0]);
            final Shard.Context shardCtx = new Shard.Context().shardId(i).shardCount(n).port(port).rxQueues(queues)
                .txQueue(i).addresses(addresses).endpoint(endpoint).clock(b.clock)
                .portCounters(i == 0 && counters != null ? counters.port() : null)
                .rxBurst(new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY))
                .txBurst(new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY))
                .pcap(captures[i]).counters(counters == null ? null : counters.shard(i))
                .impairment(b.impairment, arena).inboxes(n > 1 ? inboxes : null)
                .outboxes(n > 1 ? rings[i] : null);
            shards[i] = new Shard(shardCtx);
            ctx.shard(shards[i]);
        }
        for (int i = 0; i < n; i++)
        {
            for (final Function<ShardContext, ShardDuty> factory : b.duties)
            {
                final ShardDuty duty = factory.apply(contexts[i]);
                if (duty == null)
                {
                    throw new IllegalArgumentException("a duty factory returned null for shard " + i);
                }
                shards[i].addDuty(duty);
            }
        }
        final ErrorHandler onError = this::onError;
        switch (threading)
        {
            case DEDICATED ->
            {
                runners = new AgentRunner[n];
                for (int i = 0; i < n; i++)
                {
                    runners[i] = new AgentRunner(b.idleStrategy.get(), onError, null,
                        new ThreadAgent(shards[i], "wirespeed-" + name + "-shard-" + i));
                }
            }
            case SHARED ->
            {
                final Agent all = n == 1 ? shards[0] : new CompositeAgent(shards);
                runners = new AgentRunner[] {new AgentRunner(b.idleStrategy.get(), onError, null,
                    new ThreadAgent(all, "wirespeed-" + name + "-shards"))};
            }
            case INVOKER ->
            {
                runners = new AgentRunner[0];
                invoker = new AgentInvoker(onError, null, n == 1 ? shards[0] : new CompositeAgent(shards));
            }
        }
    }

    /** Another running process's counters file is never replaced: the name is taken. */
    private void refuseIfLiveElsewhere(final Path file)
    {
        if (!java.nio.file.Files.exists(file))
        {
            return;
        }
        long pid = -1;
        boolean alive = false;
        try (CountersReader reader = CountersReader.open(file))
        {
            pid = reader.pid();
            alive = reader.isEngineAlive();
        }
        catch (final RuntimeException ex)
        {
            // not a counters file we can read: replaced below
        }
        if (alive && pid != ProcessHandle.current().pid())
        {
            throw new IllegalStateException("engine name '" + name + "' is taken: " + file + " belongs to the " +
                "running process " + pid + "; give this engine another name (--name, Engine.Builder.name)");
        }
    }

    /** Undoes a failed assembly: whatever was opened is closed; failures while doing so are suppressed into t. */
    private void releaseAll(final Throwable t)
    {
        if (captures != null)
        {
            for (final PcapWriter capture : captures)
            {
                if (capture != null)
                {
                    attempt(t, capture::close);
                }
            }
        }
        if (counters != null)
        {
            attempt(t, counters::close);
        }
        if (port != null)
        {
            attempt(t, () -> port.release("engine " + name));
            if (ownsPort)
            {
                attempt(t, port::close);
            }
        }
        attempt(t, arena::close);
        NAMES_IN_USE.remove(name);
    }

    private static void attempt(final Throwable primary, final Runnable step)
    {
        try
        {
            step.run();
        }
        catch (final Throwable t)
        {
            primary.addSuppressed(t);
        }
    }

    private void onError(final Throwable t)
    {
        if (firstError == null)
        {
            firstError = t;
            if (userErrorHandler == null)
            {
                System.err.println("wirespeed: engine " + name + ": error on a shard thread (later ones are only " +
                    "counted): " + t);
            }
        }
        if (userErrorHandler != null)
        {
            userErrorHandler.onError(t);
        }
        // counted last: whoever sees the count also sees the error and what the handler did with it
        if (errorCounter != null)
        {
            errorCounter.increment();
        }
        errors.incrementAndGet();
    }

    private static PortSpec withQueuePairs(final PortSpec spec, final int n)
    {
        return PortSpec.vdev(spec.devargs() + ",qpairs=" + n);
    }

    /**
     * A builder with the defaults; every option is on {@link Builder}.
     *
     * @return a fresh builder.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Starts the shards: one thread each ({@link ThreadingMode#DEDICATED}), one thread for all
     * ({@link ThreadingMode#SHARED}), or none ({@link ThreadingMode#INVOKER}: this registers the calling thread
     * with DPDK, and that thread then calls {@link #doWork()}).
     *
     * @return this engine.
     * @throws IllegalStateException if it is closed or already started.
     */
    public Engine start()
    {
        if (closed)
        {
            throw new IllegalStateException("engine " + name + " is closed");
        }
        if (started)
        {
            throw new IllegalStateException("engine " + name + " already started");
        }
        started = true;
        if (invoker != null)
        {
            invoker.start();
        }
        for (final AgentRunner runner : runners)
        {
            AgentRunner.startOnThread(runner, threadFactory);
        }
        return this;
    }

    /**
     * One duty cycle of every shard, on the calling thread ({@link ThreadingMode#INVOKER} only).
     *
     * @return work done, for the caller's idle strategy.
     */
    public int doWork()
    {
        if (invoker == null)
        {
            throw new IllegalStateException("engine " + name + " runs " + threading + ": doWork() is for " +
                "ThreadingMode.INVOKER");
        }
        return invoker.invoke();
    }

    /**
     * The invoker of an {@link ThreadingMode#INVOKER} engine (to compose into an agent of one's own), or null.
     *
     * @return the invoker, or null in the other modes.
     */
    public AgentInvoker invoker()
    {
        return invoker;
    }

    /**
     * The engine's name, unique in the process; it names the threads and the counters file.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Which threads run the shards.
     *
     * @return the mode the engine was built with.
     */
    public ThreadingMode threading()
    {
        return threading;
    }

    /**
     * Shards of the engine, each a {@link TcpEndpoint} with its own TX queue.
     *
     * @return 1..64.
     */
    public int shardCount()
    {
        return shards.length;
    }

    /**
     * What an application sees of shard {@code i}: its endpoint, frame counters, impairment and neighbour table (read
     * its counters on the shard thread, or after the engine stopped).
     *
     * @param i the shard index, 0..{@link #shardCount()} - 1.
     * @return the shard's view.
     */
    public ShardView shard(final int i)
    {
        return shards[i];
    }

    /**
     * The context shard i's handler and duties were given.
     *
     * @param i the shard index, 0..{@link #shardCount()} - 1.
     * @return the context.
     */
    public ShardContext context(final int i)
    {
        return contexts[i];
    }

    /**
     * The engine's local addresses; every shard answers ARP and ICMP echo for each.
     *
     * @return the addresses, fixed for the engine's life.
     */
    public LocalAddresses addresses()
    {
        return addresses;
    }

    /**
     * The DPDK port the shards run on, opened by the engine or borrowed from the caller.
     *
     * @return the port.
     */
    public EthPort port()
    {
        return port;
    }

    /**
     * RX queues the port was started with: the shard count, or 1 when the shards share one queue.
     *
     * @return the number of RX queues.
     */
    public int rxQueues()
    {
        return rxQueues;
    }

    /**
     * The live counters file, or null.
     *
     * @return the counters, or null when built with {@code counters(false, null)}.
     */
    public EngineCounters counters()
    {
        return counters;
    }

    /**
     * Exceptions thrown on the shards' threads so far (each was given to the error handler).
     *
     * @return the count so far, from any thread.
     */
    public long errorCount()
    {
        return errors.get();
    }

    /**
     * The first exception thrown on a shard's thread, or null.
     *
     * @return the exception, or null if none was thrown.
     */
    public Throwable firstError()
    {
        return firstError;
    }

    /**
     * Ends every connection, stops the shards, returns every mbuf, closes the port if the engine opened it (or
     * drains and releases it if not), and deletes the counters file. Idempotent. In {@link ThreadingMode#INVOKER}
     * call it on the invoking thread: it runs the duty cycles of the shutdown itself.
     *
     * @param abort     reset connections (RST) rather than close them (FIN).
     * @param timeoutNs how long an orderly close may wait for peers before the shards stop anyway.
     * @return true if every shard finished its connections in time.
     */
    public boolean close(final boolean abort, final long timeoutNs)
    {
        if (closed)
        {
            return true;
        }
        closed = true;
        boolean drained = true;
        try
        {
            if (started)
            {
                drained = shutdownConnections(abort, timeoutNs);
            }
            stopShards();
            for (final Shard shard : shards)
            {
                shard.freeInboxes();
            }
            if (!ownsPort)
            {
                drainRx();
            }
        }
        finally
        {
            port.release("engine " + name);
            try
            {
                if (ownsPort)
                {
                    port.close();
                }
            }
            finally
            {
                if (counters != null)
                {
                    counters.close();
                }
                arena.close();
                NAMES_IN_USE.remove(name);
            }
        }
        return drained;
    }

    private boolean shutdownConnections(final boolean abort, final long timeoutNs)
    {
        for (final Shard shard : shards)
        {
            shard.requestShutdown(abort);
        }
        final long deadline = System.nanoTime() + timeoutNs;
        if (invoker != null)
        {
            if (invoker.isClosed())
            {
                return allDrained();
            }
            while (!allDrained() && System.nanoTime() - deadline < 0)
            {
                invoker.invoke();
            }
            // a few more cycles so that the last RSTs/ACKs leave the TX batches
            for (int i = 0; i < 16; i++)
            {
                invoker.invoke();
            }
            return allDrained();
        }
        for (final Shard shard : shards)
        {
            while (!shard.drained() && System.nanoTime() - deadline < 0)
            {
                sleepBriefly();
            }
        }
        // a few more cycles so that the last RSTs/ACKs leave the TX batches
        sleepBriefly();
        return allDrained();
    }

    private boolean allDrained()
    {
        for (final Shard shard : shards)
        {
            if (!shard.drained())
            {
                return false;
            }
        }
        return true;
    }

    private void stopShards()
    {
        if (invoker != null)
        {
            invoker.close(); // runs the shards' onClose once, started or not
            return;
        }
        if (started)
        {
            for (final AgentRunner runner : runners)
            {
                runner.close();
            }
        }
        else
        {
            for (final Shard shard : shards)
            {
                shard.onClose();
            }
        }
    }

    /** Frees what waits in the RX queues of a port we do not own (its mbufs belong to the sender's pool). */
    private void drainRx()
    {
        final MbufBurst burst = new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY);
        for (int q = 0; q < rxQueues; q++)
        {
            while (port.rxBurst(q, burst) > 0)
            {
                for (int i = 0; i < burst.size(); i++)
                {
                    Mbuf.free(burst.get(i));
                }
                burst.clear();
            }
        }
    }

    /** {@link #close(boolean, long)} aborting every connection, waiting at most a second. */
    public void close()
    {
        close(true, TimeUnit.SECONDS.toNanos(1));
    }

    private static void sleepBriefly()
    {
        try
        {
            Thread.sleep(5);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    public String toString()
    {
        return "Engine{" + name + ", " + port + ", " + shards.length + " shard(s), " + threading + ", " + addresses +
            "}";
    }

    /** Runs a shard (or all of them) on an engine thread, and gives the thread's DPDK lcore id back at the end. */
    private static final class ThreadAgent implements Agent
    {
        private final Agent delegate;
        private final String roleName;

        ThreadAgent(final Agent delegate, final String roleName)
        {
            this.delegate = delegate;
            this.roleName = roleName;
        }

        public void onStart()
        {
            delegate.onStart();
        }

        public int doWork() throws Exception
        {
            return delegate.doWork();
        }

        public void onClose()
        {
            try
            {
                delegate.onClose();
            }
            finally
            {
                Eal.unregisterThread();
            }
        }

        public String roleName()
        {
            return roleName;
        }
    }

    /** Options of an {@link Engine}; {@link #build()} opens the port and assembles the shards. */
    public static final class Builder
    {
        /**
         * A builder with the defaults (see {@link Engine#builder()}); set the port and the address at least.
         */
        public Builder()
        {
        }

        private PortSpec portSpec;
        private EthPort borrowedPort;
        private LocalAddresses addresses;
        private int shards = 1;
        private Supplier<TcpConfig> tcpConfig = TcpConfig::new;
        private Function<ShardContext, TcpHandler> handlers = ctx -> new TcpHandler()
        {
        };
        private final List<Function<ShardContext, ShardDuty>> duties = new ArrayList<>();
        private ThreadingMode threading = ThreadingMode.DEDICATED;
        private Supplier<IdleStrategy> idleStrategy = BusySpinIdleStrategy::new;
        private ThreadFactory threadFactory = Thread::new;
        private ErrorHandler errorHandler;
        private NanoClock clock = SystemNanoClock.INSTANCE;
        private Path pcap;
        private String impairment;
        private String name;
        private boolean counters = true;
        private Path countersFile;
        private Path countersDir = EngineCounters.DEFAULT_DIR;
        private int mempoolSize = 16383;
        private int mbufDataRoom;
        private int preallocate = 1024;
        private final IntArrayList listenPorts = new IntArrayList();
        private int listenBacklog = 1024;

        /**
         * A port the engine opens and closes: {@code --iface}, {@code --vdev} or {@code --pci}.
         *
         * @param portSpec the device, as the CLI's port options give it.
         * @return this builder.
         */
        public Builder port(final PortSpec portSpec)
        {
            this.portSpec = portSpec;
            this.borrowedPort = null;
            return this;
        }

        /**
         * A port that is attached but not started, owned by the caller: typically a side of an in-process
         * {@link dev.wirespeed.bindings.RingPair} ({@code pair.a()} for one engine, {@code pair.b()} for the other;
         * create the pair with as many queues as shards). The engine starts it, claims it while it runs, drains
         * and releases it on close; the caller closes the pair after both engines.
         *
         * @param port the attached, not started, port; the caller keeps ownership.
         * @return this builder.
         */
        public Builder port(final EthPort port)
        {
            this.borrowedPort = port;
            this.portSpec = null;
            return this;
        }

        /**
         * One local address and its network's prefix length, written as {@code --ip} takes it:
         * {@code address("192.0.2.1/24")}.
         *
         * @param ipWithPrefix dotted quad and prefix length, e.g. {@code "192.0.2.1/24"}.
         * @return this builder.
         * @throws IllegalArgumentException naming what is wrong with it.
         */
        public Builder address(final String ipWithPrefix)
        {
            this.addresses = LocalAddresses.parse(ipWithPrefix, null);
            return this;
        }

        /**
         * One local address and its network's prefix length (like {@code --ip 192.0.2.1/24}).
         *
         * @param ip           the IPv4 address, host-order int ({@code 0xC0000201} for 192.0.2.1).
         * @param prefixLength the network's prefix length, 1..32.
         * @return this builder.
         */
        public Builder address(final int ip, final int prefixLength)
        {
            this.addresses = LocalAddresses.of(prefixLength, ip);
            return this;
        }

        /**
         * Every local address (one or more, in one network): each shard answers ARP and ICMP echo for each of
         * them, and each endpoint accepts and connects on each.
         *
         * @param addresses the addresses.
         * @return this builder.
         */
        public Builder addresses(final LocalAddresses addresses)
        {
            this.addresses = addresses;
            return this;
        }

        /**
         * Shards (1..64), each a {@link TcpEndpoint} with its own TX queue; default 1.
         *
         * @param shards the number of shards, 1..64.
         * @return this builder.
         */
        public Builder shards(final int shards)
        {
            this.shards = shards;
            return this;
        }

        /**
         * A fresh TcpConfig per shard (the engine sets its shard fields).
         *
         * @param tcpConfig called once per shard.
         * @return this builder.
         */
        public Builder tcpConfig(final Supplier<TcpConfig> tcpConfig)
        {
            this.tcpConfig = tcpConfig;
            return this;
        }

        /**
         * Creates shard i's endpoint handler, called on shard i's thread. It is created before its endpoint: keep
         * the {@link ShardContext} and call {@link ShardContext#endpoint()} from the callbacks.
         *
         * @param handlers called once per shard with its context.
         * @return this builder.
         */
        public Builder handlers(final Function<ShardContext, TcpHandler> handlers)
        {
            this.handlers = handlers;
            return this;
        }

        /**
         * Adds work to every shard's duty cycle (after RX and timers, before dispatch; see {@link ShardDuty}),
         * created per shard once its endpoint exists. May be called several times: the duties run in that order.
         *
         * @param duty called once per shard with its context.
         * @return this builder.
         */
        public Builder duties(final Function<ShardContext, ShardDuty> duty)
        {
            this.duties.add(duty);
            return this;
        }

        /**
         * Which threads run the shards; {@link ThreadingMode#DEDICATED} by default.
         *
         * @param threading the mode.
         * @return this builder.
         */
        public Builder threading(final ThreadingMode threading)
        {
            this.threading = threading;
            return this;
        }

        /**
         * How an engine thread waits when a duty cycle found nothing to do (a fresh one per thread); busy-spinning
         * by default (lowest latency, a whole core per thread). Not used in {@link ThreadingMode#INVOKER}.
         *
         * @param idleStrategy called once per engine thread.
         * @return this builder.
         */
        public Builder idleStrategy(final Supplier<IdleStrategy> idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * Makes the engine's threads (they are named after the engine and shard); {@code Thread::new} by default.
         *
         * @param threadFactory makes each engine thread.
         * @return this builder.
         */
        public Builder threadFactory(final ThreadFactory threadFactory)
        {
            this.threadFactory = threadFactory;
            return this;
        }

        /**
         * Gets every exception thrown on a shard's thread (the shard carries on with its next duty cycle). Each is
         * counted in any case ({@link Engine#errorCount()}); without a handler the first one is printed as one
         * line on stderr.
         *
         * @param errorHandler called on the shard thread that caught the exception.
         * @return this builder.
         */
        public Builder errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * The clock every shard reads once per duty cycle (its {@code nowNs}); {@link
         * org.agrona.concurrent.SystemNanoClock} by default. A test may pass a clock of its own to make time
         * deterministic.
         *
         * @param clock nanosecond clock.
         * @return this builder.
         */
        public Builder clock(final NanoClock clock)
        {
            this.clock = clock;
            return this;
        }

        /**
         * Capture file of shard 0; shard i writes {@link PcapWriter#shardFile}. Null for none.
         *
         * @param pcap the capture file of shard 0, or null.
         * @return this builder.
         */
        public Builder pcap(final Path pcap)
        {
            this.pcap = pcap;
            return this;
        }

        /**
         * {@link Impairment} spec applied on every shard's RX and TX, or null.
         *
         * @param spec the spec, as {@link Impairment#parse(String, MbufOps)} reads it, or null.
         * @return this builder.
         */
        public Builder impairment(final String spec)
        {
            this.impairment = spec;
            return this;
        }

        /**
         * The engine's name, unique in the process: it names the threads and the counters file
         * ({@code wirespeed-NAME.counters} in {@link #countersDir}). Default: the process id, then
         * {@code PID-2}, {@code PID-3}... for further engines of the process.
         *
         * @param name 1..64 of {@code [A-Za-z0-9_.-]}, or null for the default.
         * @return this builder.
         * @throws IllegalArgumentException for any other name.
         */
        public Builder name(final String name)
        {
            if (name != null && !name.matches("[A-Za-z0-9_.-]{1,64}"))
            {
                throw new IllegalArgumentException("engine name must be 1..64 of [A-Za-z0-9_.-], got '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * Live counters in a mapped file (in {@link #countersDir} unless {@code file} is given); on by default.
         *
         * @param on   false for no counters file at all.
         * @param file the file, or null for {@code wirespeed-NAME.counters} in {@link #countersDir}.
         * @return this builder.
         */
        public Builder counters(final boolean on, final Path file)
        {
            this.counters = on;
            this.countersFile = file;
            return this;
        }

        /**
         * Where the counters file goes, like {@code aeron.dir}; {@code /dev/shm} by default.
         *
         * @param dir the directory.
         * @return this builder.
         */
        public Builder countersDir(final Path dir)
        {
            this.countersDir = dir;
            return this;
        }

        /**
         * Mbufs in the engine's mempool, shared by every shard's RX queue and TX; 16383 by default.
         *
         * @param mbufs the pool size (DPDK works best with 2^n - 1).
         * @return this builder.
         */
        public Builder mempoolSize(final int mbufs)
        {
            this.mempoolSize = mbufs;
            return this;
        }

        /**
         * Data room of each mbuf (headroom plus the largest frame); DPDK's default (2048 + headroom) if 0.
         *
         * @param bytes the data room in bytes, or 0 for DPDK's default.
         * @return this builder.
         */
        public Builder mbufDataRoom(final int bytes)
        {
            this.mbufDataRoom = bytes;
            return this;
        }

        /**
         * Accepts connections on {@code port} of every local address, on every shard, from the start (as Netty's
         * {@code ServerBootstrap.bind}): each arrives at the shard's handler as {@code onAccepted}. For engines with
         * shard-thread handlers; an application-thread {@code Client} listens with its own {@code listen}. The same
         * as calling {@code context(i).endpoint().listen(0, port, backlog)} for every shard before
         * {@link Engine#start()}.
         *
         * @param port TCP port, 1..65535.
         * @return this builder.
         * @throws IllegalArgumentException for a port outside 1..65535 or one given twice.
         */
        public Builder listen(final int port)
        {
            if (port < 1 || port > 65535)
            {
                throw new IllegalArgumentException("listen port " + port + " is outside 1..65535");
            }
            if (listenPorts.containsInt(port))
            {
                throw new IllegalArgumentException("listen port " + port + " given twice");
            }
            listenPorts.addInt(port);
            return this;
        }

        /**
         * Half-open connections queued at most per listening port and shard ({@link #listen}); 1024 unless set.
         *
         * @param backlog at least 1.
         * @return this builder.
         */
        public Builder listenBacklog(final int backlog)
        {
            if (backlog < 1)
            {
                throw new IllegalArgumentException("listen backlog must be at least 1, got " + backlog);
            }
            this.listenBacklog = backlog;
            return this;
        }

        /**
         * Connections each shard pools up front at build time, so that steady-state open and close allocate nothing on
         * the shard thread; 1024 by default.
         *
         * @param connectionsPerShard connection slots per shard, 0 for none.
         * @return this builder.
         */
        public Builder preallocate(final int connectionsPerShard)
        {
            this.preallocate = connectionsPerShard;
            return this;
        }

        /**
         * {@link #build()} and {@link Engine#start()}; if the start fails, the engine is closed again.
         *
         * @return the running engine.
         */
        public Engine start()
        {
            final Engine engine = build();
            try
            {
                return engine.start();
            }
            catch (final Throwable t)
            {
                try
                {
                    engine.close();
                }
                catch (final Throwable closing)
                {
                    t.addSuppressed(closing);
                }
                throw t;
            }
        }

        /**
         * Checks the options, opens or claims the port and assembles the shards (not yet running: see
         * {@link Engine#start()}). On any failure, whatever was opened is closed again.
         *
         * @return the engine, not started.
         * @throws IllegalArgumentException for bad options, before any port is touched.
         * @throws IllegalStateException naming a missing JVM flag ({@link JvmFlags}).
         * @throws DpdkException naming the device and DPDK's reason.
         */
        public Engine build()
        {
            JvmFlags.require();
            if (portSpec == null && borrowedPort == null)
            {
                throw new IllegalArgumentException("no port given: port(PortSpec) or port(EthPort)");
            }
            if (addresses == null)
            {
                throw new IllegalArgumentException("no local address given: address(ip, prefixLength) or " +
                    "addresses(LocalAddresses)");
            }
            if (shards < 1 || shards > MAX_SHARDS)
            {
                throw new IllegalArgumentException("shards must be 1.." + MAX_SHARDS + ": " + shards);
            }
            if (threading == null || idleStrategy == null || threadFactory == null || handlers == null ||
                tcpConfig == null || clock == null)
            {
                throw new IllegalArgumentException("threading, idle strategy, thread factory, handlers, TCP " +
                    "config and clock must not be null");
            }
            if (impairment != null)
            {
                Impairment.parse(impairment, null); // a bad spec fails here, before any port is touched
            }
            if (portSpec != null)
            {
                portSpec.validate();
            }
            return new Engine(this);
        }
    }
}
