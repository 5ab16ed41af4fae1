package dev.wirespeed.engine.runtime;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import dev.wirespeed.bindings.DeviceInfo;
import dev.wirespeed.bindings.DpdkException;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.PortSpec;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The engine on one port: N shards, each a thread with its own {@link TcpEndpoint}, TX queue and ARP cache.
 * <p>
 * RX distribution: when the port has at least N RX queues, shard i polls queue i (with the port's symmetric RSS
 * key when it has RSS; {@code --iface} ports get {@code qpairs=N} so the kernel fans frames out over N sockets);
 * otherwise shard 0 polls the single queue. Wherever a frame arrives, it is handled by the shard its
 * {@link dev.wirespeed.engine.tcp.FlowHash} names, through a one-to-one ring of mbuf addresses between every pair
 * of shards (see {@link Shard}); outgoing connections pick local ports that hash back to their own shard.
 * <p>
 * Lifecycle: build, set up listeners on each {@link #shard(int)}'s endpoint, {@link #start}, and
 * {@link #close(boolean, long)}: connections are aborted or closed, the threads stop, every mbuf is returned and
 * the port is closed. EAL stays up (once per process): the caller closes it.
 */
public final class Engine implements AutoCloseable
{
    /** Bytes of each shard-to-shard ring (plus its trailer): about 200 bursts of 32 mbuf addresses. */
    public static final int HAND_OFF_RING_BYTES = 64 * 1024;

    private final EthPort port;
    private final Shard[] shards;
    private final PcapWriter[] captures;
    private final EngineCounters counters;
    private final Arena arena = Arena.ofShared();
    private final AgentRunner[] runners;
    private final int rxQueues;
    private boolean started;
    private boolean closed;

    private Engine(final Builder b)
    {
        if (b.shards < 1 || b.shards > 64)
        {
            throw new IllegalArgumentException("shards must be 1..64: " + b.shards);
        }
        final int n = b.shards;
        final PortSpec spec = n > 1 && b.portSpec.kind() == PortSpec.Kind.IFACE ?
            withQueuePairs(b.portSpec, n) : b.portSpec;
        b.portSpec.validate();
        port = EthPort.open(spec);
        EngineCounters engineCounters = null;
        captures = new PcapWriter[n];
        try
        {
            final DeviceInfo info = port.info();
            if (info.maxTxQueues() < n)
            {
                throw new DpdkException("port " + b.portSpec + " (" + info.driverName() + ") has at most " +
                    info.maxTxQueues() + " TX queue(s); " + n + " shards need one each", 22);
            }
            rxQueues = info.maxRxQueues() >= n ? n : 1;
            port.start(new PortConfig().queues(rxQueues, n).mempool(b.mempoolSize, 256));
            final int maxCounters = Math.max(EngineCounters.DEFAULT_MAX_COUNTERS, n * ShardCounters.countPerShard() + 64);
            engineCounters = b.counters ? EngineCounters.create(
                b.countersFile == null ? EngineCounters.defaultFile() : b.countersFile, maxCounters, true) : null;
            final PortCounters portCounters = engineCounters == null ? null : engineCounters.port();
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
            runners = new AgentRunner[n];
            for (int i = 0; i < n; i++)
            {
                final TcpConfig tcp = b.tcpConfig.get();
                tcp.shardCount = n;
                tcp.shardIndex = i;
                final TcpEndpoint endpoint = new TcpEndpoint(tcp, b.handlers.apply(i), b.clock.nanoTime());
                endpoint.addLocalAddress(b.ip, b.prefixLength);
                endpoint.preallocate(b.preallocate);
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
                final Shard.Context ctx = new Shard.Context().shardId(i).shardCount(n).port(port).rxQueues(queues)
                    .txQueue(i).ourIp(b.ip).prefixLength(b.prefixLength).endpoint(endpoint).clock(b.clock)
                    .portCounters(i == 0 ? portCounters : null)
                    .rxBurst(new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY))
                    .txBurst(new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY))
                    .pcap(captures[i]).counters(engineCounters == null ? null : engineCounters.shard(i))
                    .impairment(b.impairment, arena).inboxes(n > 1 ? inboxes : null)
                    .outboxes(n > 1 ? rings[i] : null);
                shards[i] = new Shard(ctx);
                runners[i] = new AgentRunner(b.idleStrategy.get(), Throwable::printStackTrace, null, shards[i]);
            }
        }
        catch (final RuntimeException ex)
        {
            for (final PcapWriter capture : captures)
            {
                if (capture != null)
                {
                    capture.close();
                }
            }
            if (engineCounters != null)
            {
                engineCounters.close();
            }
            port.close();
            arena.close();
            throw ex;
        }
        counters = engineCounters;
    }

    private static PortSpec withQueuePairs(final PortSpec spec, final int n)
    {
        return PortSpec.vdev(spec.devargs() + ",qpairs=" + n);
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /** Starts one thread per shard. */
    public Engine start()
    {
        if (started)
        {
            throw new IllegalStateException("engine already started");
        }
        started = true;
        for (final AgentRunner runner : runners)
        {
            AgentRunner.startOnThread(runner);
        }
        return this;
    }

    public int shardCount()
    {
        return shards.length;
    }

    public Shard shard(final int i)
    {
        return shards[i];
    }

    public EthPort port()
    {
        return port;
    }

    /** RX queues the port was started with: the shard count, or 1 when the shards share one queue. */
    public int rxQueues()
    {
        return rxQueues;
    }

    /** The live counters file, or null. */
    public EngineCounters counters()
    {
        return counters;
    }

    /**
     * Ends every connection, stops the shards, returns every mbuf and closes the port.
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
        if (started)
        {
            for (final Shard shard : shards)
            {
                shard.requestShutdown(abort);
            }
            final long deadline = System.nanoTime() + timeoutNs;
            for (final Shard shard : shards)
            {
                while (!shard.drained() && System.nanoTime() - deadline < 0)
                {
                    sleepBriefly();
                }
                drained &= shard.drained();
            }
            // a few more cycles so that the last RSTs/ACKs leave the TX batches
            sleepBriefly();
        }
        for (final AgentRunner runner : runners)
        {
            if (started)
            {
                runner.close();
            }
            else
            {
                runner.agent().onClose();
            }
        }
        for (final Shard shard : shards)
        {
            shard.freeInboxes();
        }
        port.close();
        if (counters != null)
        {
            counters.close();
        }
        arena.close();
        return drained;
    }

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

    /** Options of an {@link Engine}; {@link #build()} opens and starts the port. */
    public static final class Builder
    {
        private PortSpec portSpec;
        private int ip;
        private int prefixLength = 24;
        private int shards = 1;
        private Supplier<TcpConfig> tcpConfig = TcpConfig::new;
        private IntFunction<TcpHandler> handlers = i -> new TcpHandler()
        {
        };
        private Supplier<IdleStrategy> idleStrategy = org.agrona.concurrent.BusySpinIdleStrategy::new;
        private NanoClock clock = SystemNanoClock.INSTANCE;
        private Path pcap;
        private String impairment;
        private boolean counters = true;
        private Path countersFile;
        private int mempoolSize = 16383;
        private int preallocate = 1024;

        public Builder port(final PortSpec portSpec)
        {
            this.portSpec = portSpec;
            return this;
        }

        public Builder address(final int ip, final int prefixLength)
        {
            this.ip = ip;
            this.prefixLength = prefixLength;
            return this;
        }

        public Builder shards(final int shards)
        {
            this.shards = shards;
            return this;
        }

        /** A fresh TcpConfig per shard (the engine sets its shard fields). */
        public Builder tcpConfig(final Supplier<TcpConfig> tcpConfig)
        {
            this.tcpConfig = tcpConfig;
            return this;
        }

        /** The handler of shard i's endpoint, called on shard i's thread. */
        public Builder handlers(final IntFunction<TcpHandler> handlers)
        {
            this.handlers = handlers;
            return this;
        }

        public Builder idleStrategy(final Supplier<IdleStrategy> idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        public Builder clock(final NanoClock clock)
        {
            this.clock = clock;
            return this;
        }

        /** Capture file of shard 0; shard i writes {@link PcapWriter#shardFile}. Null for none. */
        public Builder pcap(final Path pcap)
        {
            this.pcap = pcap;
            return this;
        }

        /** {@link Impairment} spec applied on every shard's RX and TX, or null. */
        public Builder impairment(final String spec)
        {
            this.impairment = spec;
            return this;
        }

        /** Live counters in a mapped file ({@link EngineCounters#defaultFile()} unless given); on by default. */
        public Builder counters(final boolean on, final Path file)
        {
            this.counters = on;
            this.countersFile = file;
            return this;
        }

        public Builder mempoolSize(final int mbufs)
        {
            this.mempoolSize = mbufs;
            return this;
        }

        public Builder preallocate(final int connectionsPerShard)
        {
            this.preallocate = connectionsPerShard;
            return this;
        }

        public Engine build()
        {
            if (portSpec == null)
            {
                throw new IllegalArgumentException("no port given");
            }
            if (impairment != null)
            {
                Impairment.parse(impairment, null); // a bad spec fails here, before any port is touched
            }
            return new Engine(this);
        }
    }
}
