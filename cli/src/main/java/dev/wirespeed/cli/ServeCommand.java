package dev.wirespeed.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.wirespeed.apps.serve.Services;
import dev.wirespeed.apps.serve.StallingHandler;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.engine.runtime.Engine;
import dev.wirespeed.engine.runtime.Impairment;
import dev.wirespeed.engine.runtime.ShardDrops;
import dev.wirespeed.engine.runtime.ShardView;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.wire.FrameParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code wirespeed serve}: the engine on one port, with echo (RFC 862), discard (RFC 863) and a small HTTP/1.1
 * server, answering ARP and ping. Prints one line starting with {@code ready} once the port is up and the
 * listeners are open; SIGINT/SIGTERM shut it down cleanly and print a summary.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Runs the TCP engine on one port with echo, discard and HTTP servers.")
public final class ServeCommand implements Callable<Integer>
{
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    EngineOptions engineOptions;

    @Option(names = "--echo", paramLabel = "PORT", description = "echo service (RFC 862) on this TCP port")
    Integer echoPort;

    @Option(names = "--discard", paramLabel = "PORT", description = "discard service (RFC 863) on this TCP port")
    Integer discardPort;

    @Option(names = "--http", paramLabel = "PORT", description = "HTTP/1.1 fixed-response server on this TCP port")
    Integer httpPort;

    @Option(names = "--rto-min-ms", defaultValue = "200", description = "lower bound of the retransmission timeout (default ${DEFAULT-VALUE}, like Linux; RFC 6298 says 1000)")
    long rtoMinMs;

    @Option(names = "--buffer-kib", defaultValue = "64", description = "send and receive buffer per connection, KiB, a power of two (default ${DEFAULT-VALUE})")
    int bufferKib;

    @Option(names = "--max-connections", defaultValue = "1048576", paramLabel = "N", description = "connection budget per shard, TIME-WAIT included; past it SYNs get cookies whose ACKs are refused (default ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--buffer-budget-mib", defaultValue = "256", paramLabel = "MIB", description = "send and receive buffer memory per shard, MiB; past it windows shrink, writes are accepted partly and SYNs are refused (default ${DEFAULT-VALUE})")
    int bufferBudgetMib;

    @Option(names = "--shutdown", defaultValue = "abort", description = "on SIGINT/SIGTERM: abort (RST every connection) or close (FIN, wait up to --shutdown-ms for peers); default ${DEFAULT-VALUE}")
    String shutdown;

    @Option(names = "--idle-timeout-ms", defaultValue = "60000", description = "close an HTTP connection that sends no complete request head (or no body bytes) for this long; slowloris defence (default ${DEFAULT-VALUE})")
    long idleTimeoutMs;

    @Option(names = "--shutdown-ms", defaultValue = "2000", description = "longest wait for peers during a close shutdown (default ${DEFAULT-VALUE})")
    long shutdownMs;

    @Option(names = "--test-stall", hidden = true, paramLabel = "AFTER_MS:FOR_MS",
        description = "for tests: every service stops reading for FOR_MS milliseconds, AFTER_MS after the first connection")
    String testStall;

    public Integer call() throws Exception
    {
        engineOptions.validate();
        final int shards = engineOptions.shards();
        if (bufferKib < 4 || bufferKib > 16384 || Integer.bitCount(bufferKib) != 1)
        {
            throw new ParameterException(spec.commandLine(), "--buffer-kib must be a power of two 4..16384, got " + bufferKib);
        }
        if (maxConnections < 1)
        {
            throw new ParameterException(spec.commandLine(), "--max-connections must be at least 1, got " + maxConnections);
        }
        if (bufferBudgetMib < 1 || bufferBudgetMib > 65536)
        {
            throw new ParameterException(spec.commandLine(), "--buffer-budget-mib must be 1..65536, got " + bufferBudgetMib);
        }
        if (rtoMinMs < 1 || rtoMinMs > 60_000)
        {
            throw new ParameterException(spec.commandLine(), "--rto-min-ms must be 1..60000, got " + rtoMinMs);
        }
        if (idleTimeoutMs < 1 || idleTimeoutMs > 86_400_000L)
        {
            throw new ParameterException(spec.commandLine(), "--idle-timeout-ms must be 1..86400000, got " + idleTimeoutMs);
        }
        if (!"abort".equals(shutdown) && !"close".equals(shutdown))
        {
            throw new ParameterException(spec.commandLine(), "--shutdown must be abort or close");
        }
        final Services[] services = new Services[shards];
        for (int i = 0; i < shards; i++)
        {
            services[i] = new Services().idleTimeoutNs(idleTimeoutMs * 1_000_000L);
            try
            {
                addService(services[i], echoPort, Services.ECHO, "--echo");
                addService(services[i], discardPort, Services.DISCARD, "--discard");
                addService(services[i], httpPort, Services.HTTP, "--http");
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ParameterException(spec.commandLine(), ex.getMessage());
            }
        }
        if (services[0].ports().length == 0)
        {
            throw new ParameterException(spec.commandLine(), "nothing to serve: give --echo, --discard and/or --http");
        }

        final Eal eal = engineOptions.startEal();
        final long seed = System.nanoTime();
        final StallingHandler[] stalls = new StallingHandler[services.length];
        final long[] stall = testStall();
        final Engine engine = engineOptions.builder(() ->
            {
                final TcpConfig tcp = new TcpConfig();
                tcp.seed = seed;
                tcp.minRtoNs = rtoMinMs * 1_000_000L;
                tcp.sendBufferSize = bufferKib * 1024;
                tcp.receiveBufferSize = bufferKib * 1024;
                tcp.maxConnections = maxConnections;
                tcp.bufferBudgetBytes = (long)bufferBudgetMib << 20;
                return tcp;
            })
            .handlers(ctx -> testStall == null ? services[ctx.shardIndex()] :
                (stalls[ctx.shardIndex()] = new StallingHandler(ctx, services[ctx.shardIndex()])))
            .duties(ctx -> services[ctx.shardIndex()])
            .duties(ctx -> testStall == null ? nowNs -> 0 : stalls[ctx.shardIndex()])
            .build();
        final int address = engine.addresses().primary();
        for (int i = 0; i < shards; i++)
        {
            services[i].attach(engine.context(i).endpoint(), address, 1024);
        }

        // SIGINT/SIGTERM end the wait below; the teardown then runs on this thread and the exit code is 0.
        final CountDownLatch stop = new CountDownLatch(1);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> stop.countDown());
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> stop.countDown());
        engine.start();
        for (final StallingHandler s : stalls)
        {
            if (s != null)
            {
                s.stallAfterFirstConnection(stall[0] * 1_000_000L, stall[1] * 1_000_000L);
            }
        }
        final EthPort port = engine.port();
        System.out.println("budgets per shard: connections=" + maxConnections + " buffers=" + bufferBudgetMib +
            "MiB (chunks of " + engine.context(0).endpoint().bufferChunkSize() + " B; " + shards + " shard(s))");
        System.out.println("ready ip=" + engineOptions.ip + " mac=" + EthPort.formatMac(port.macAddress()) +
            " port=" + engineOptions.port() + " shards=" + shards + " rx-queues=" + engine.rxQueues() + " services=" + describe() +
            (engineOptions.pcap() == null ? "" : " pcap=" + engineOptions.pcap()) +
            (engineOptions.impair() == null ? "" : " impair=" + engineOptions.impair()) +
            (engine.counters() == null ? "" : " counters=" + engine.counters().file()));
        System.out.flush();
        stop.await();
        final boolean abort = "abort".equals(shutdown);
        final boolean drained = engine.close(abort, TimeUnit.MILLISECONDS.toNanos(abort ? 1000 : shutdownMs));
        eal.close();
        System.out.println(summary(engine, services) + (drained ? "" : ", shutdown: peers did not finish in time"));
        System.out.flush();
        return 0;
    }

    /** {@code --test-stall AFTER_MS:FOR_MS}, checked; null without it. */
    private long[] testStall()
    {
        if (testStall == null)
        {
            return null;
        }
        final int colon = testStall.indexOf(':');
        try
        {
            final long after = Long.parseLong(testStall.substring(0, colon));
            final long length = Long.parseLong(testStall.substring(colon + 1));
            if (after >= 0 && length > 0)
            {
                return new long[] {after, length};
            }
        }
        catch (final RuntimeException ex)
        {
            // below
        }
        throw new ParameterException(spec.commandLine(), "--test-stall must look like 2000:1000 (AFTER_MS:FOR_MS)");
    }

    private String describe()
    {
        final StringBuilder sb = new StringBuilder();
        if (echoPort != null)
        {
            sb.append("echo:").append(echoPort).append(' ');
        }
        if (discardPort != null)
        {
            sb.append("discard:").append(discardPort).append(' ');
        }
        if (httpPort != null)
        {
            sb.append("http:").append(httpPort).append(' ');
        }
        return sb.toString().trim().replace(' ', ',');
    }

    private static String summary(final Engine engine, final Services[] services)
    {
        long rxFrames = 0, rxBytes = 0, txFrames = 0, txBytes = 0, txDropped = 0, txNoMbuf = 0, handedOff = 0;
        long handOffDropped = 0, requests = 0, echoed = 0, discarded = 0, httpErrors = 0, httpTimeouts = 0;
        long headerBuffersLent = 0, headerBuffersSpare = 0;
        final long[] shardDrops = new long[ShardDrops.COUNT];
        final long[] drops = new long[FrameParser.DROP_REASON_COUNT];
        for (int i = 0; i < engine.shardCount(); i++)
        {
            final ShardView shard = engine.shard(i);
            rxFrames += shard.rxPackets();
            rxBytes += shard.rxBytes();
            txFrames += shard.txPackets();
            txBytes += shard.txBytes();
            txDropped += shard.txDropped();
            txNoMbuf += shard.txNoMbuf();
            handedOff += shard.handedOff();
            handOffDropped += shard.handOffDropped();
            requests += services[i].requests();
            httpErrors += services[i].errors();
            httpTimeouts += services[i].timeouts();
            headerBuffersLent += services[i].headerBuffersLent();
            headerBuffersSpare += services[i].headerBuffersSpare();
            for (int r = 0; r < shardDrops.length; r++)
            {
                shardDrops[r] += shard.shardDrops(r);
            }
            echoed += services[i].echoedBytes();
            discarded += services[i].discardedBytes();
            for (int r = 1; r < drops.length; r++)
            {
                drops[r] += shard.drops(r);
            }
        }
        final StringBuilder sb = new StringBuilder("summary: rx ").append(rxFrames).append(" frames/")
            .append(rxBytes).append(" B, tx ").append(txFrames).append(" frames/").append(txBytes)
            .append(" B, tx dropped ").append(txDropped).append(", tx no-mbuf ").append(txNoMbuf)
            .append(", http requests ").append(requests).append(" (errors ").append(httpErrors).append(", idle timeouts ")
            .append(httpTimeouts).append(", header buffers lent ").append(headerBuffersLent).append(" spare ")
            .append(headerBuffersSpare).append("), echoed ").append(echoed)
            .append(" B, discarded ").append(discarded).append(" B");
        if (engine.shardCount() > 1)
        {
            sb.append(", handed between shards ").append(handedOff).append(" (lost ").append(handOffDropped).append(')');
        }
        for (int r = 1; r < drops.length; r++)
        {
            if (drops[r] > 0)
            {
                sb.append(", drop ").append(FrameParser.dropReasonName(r)).append(' ').append(drops[r]);
            }
        }
        for (int r = 0; r < shardDrops.length; r++)
        {
            if (shardDrops[r] > 0)
            {
                sb.append(", drop ").append(ShardDrops.name(r)).append(' ').append(shardDrops[r]);
            }
        }
        for (int i = 0; i < engine.shardCount(); i++)
        {
            final String tcp = engine.shard(i).endpoint().counters().toString().trim();
            if (!tcp.isEmpty())
            {
                sb.append(", shard-").append(i).append(" tcp ").append(tcp.replace(' ', ','));
            }
        }
        for (int i = 0; i < engine.shardCount(); i++)
        {
            sb.append(", shard-").append(i).append(" memory ")
                .append(engine.shard(i).endpoint().memoryReport().replace(' ', ','));
        }
        for (int i = 0; i < engine.shardCount(); i++)
        {
            final Impairment rx = engine.shard(i).rxImpairment();
            final Impairment tx = engine.shard(i).txImpairment();
            if (rx != null)
            {
                sb.append(", shard-").append(i).append(" impaired rx ").append(impairSummary(rx)).append(" tx ")
                    .append(impairSummary(tx));
            }
        }
        return sb.toString();
    }

    private static String impairSummary(final Impairment impairment)
    {
        return "lost " + impairment.dropped() + "/dup " + impairment.duplicated() + "/reordered " +
            impairment.reordered() + "/corrupted " + impairment.corrupted() + " of " + impairment.packetsIn();
    }

    private void addService(final Services services, final Integer port, final int kind, final String flag)
    {
        if (port != null)
        {
            if (port < 1 || port > 65535)
            {
                throw new IllegalArgumentException(flag + " port must be 1..65535, got " + port);
            }
            services.add(port, kind);
        }
    }
}
