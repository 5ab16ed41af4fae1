package dev.wirespeed.bench.cli;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.wirespeed.bench.serve.Services;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.PortSpec;
import dev.wirespeed.engine.runtime.PcapWriter;
import dev.wirespeed.engine.runtime.Shard;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.wire.FrameParser;
import dev.wirespeed.engine.wire.Ipv4Header;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
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
    PortOptions portOptions;

    @Option(names = "--ip", required = true, paramLabel = "ADDR/LEN", description = "our IPv4 address and prefix, e.g. 192.0.2.1/24")
    String ip;

    @Option(names = "--echo", paramLabel = "PORT", description = "echo service (RFC 862) on this TCP port")
    Integer echoPort;

    @Option(names = "--discard", paramLabel = "PORT", description = "discard service (RFC 863) on this TCP port")
    Integer discardPort;

    @Option(names = "--http", paramLabel = "PORT", description = "HTTP/1.1 fixed-response server on this TCP port")
    Integer httpPort;

    @Option(names = "--shards", defaultValue = "1", description = "shard threads (default ${DEFAULT-VALUE}; only 1 is supported so far)")
    int shards;

    @Option(names = "--pcap", paramLabel = "FILE", description = "capture every frame sent and received (pcap)")
    Path pcap;

    @Option(names = "--idle", defaultValue = "busy", description = "idle strategy: busy (lowest latency) or backoff (spares the CPU)")
    String idle;

    @Option(names = "--time-wait-ms", defaultValue = "60000", description = "TIME-WAIT length, 2*MSL (default ${DEFAULT-VALUE})")
    long timeWaitMs;

    public Integer call() throws Exception
    {
        final int slash = ip.indexOf('/');
        final long address = Ipv4Header.parseAddress(slash < 0 ? ip : ip.substring(0, slash));
        final int prefix = slash < 0 ? 32 : parseInt(ip.substring(slash + 1), "--ip prefix");
        if (address == Ipv4Header.INVALID_ADDRESS || prefix < 1 || prefix > 32)
        {
            throw new ParameterException(spec.commandLine(), "--ip must look like 192.0.2.1/24, got '" + ip + "'");
        }
        final List<PortSpec> ports = portOptions.ports();
        if (ports.size() != 1)
        {
            throw new ParameterException(spec.commandLine(), "serve needs exactly one port (--iface, --vdev or --pci), got " + ports.size());
        }
        if (shards != 1)
        {
            throw new ParameterException(spec.commandLine(), "--shards " + shards + ": only one shard is supported so far");
        }
        if (!"busy".equals(idle) && !"backoff".equals(idle))
        {
            throw new ParameterException(spec.commandLine(), "--idle must be busy or backoff");
        }
        final Services services = new Services();
        try
        {
            addService(services, echoPort, Services.ECHO, "--echo");
            addService(services, discardPort, Services.DISCARD, "--discard");
            addService(services, httpPort, Services.HTTP, "--http");
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
        if (services.ports().length == 0)
        {
            throw new ParameterException(spec.commandLine(), "nothing to serve: give --echo, --discard and/or --http");
        }

        final Eal eal = Eal.init(portOptions.ealOptions());
        final Arena arena = Arena.ofShared();
        final EthPort port = EthPort.open(ports.get(0));
        port.start(new PortConfig().mempool(16383, 256));
        final TcpConfig tcp = new TcpConfig();
        tcp.seed = System.nanoTime();
        tcp.mslNs = timeWaitMs * 500_000L;
        final SystemNanoClock clock = SystemNanoClock.INSTANCE;
        final TcpEndpoint endpoint = new TcpEndpoint(tcp, services, clock.nanoTime());
        endpoint.addLocalAddress((int)address, prefix);
        endpoint.preallocate(1024);
        services.attach(endpoint, (int)address, 1024);
        final PcapWriter capture = pcap == null ? null : new PcapWriter(pcap);
        final Shard shard = new Shard(0, port, 0, 0, (int)address, endpoint, clock,
            new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY), new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY), capture);
        final IdleStrategy idleStrategy = "busy".equals(idle) ? new BusySpinIdleStrategy() :
            new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
        final AgentRunner runner = new AgentRunner(idleStrategy, Throwable::printStackTrace, null, shard);

        // SIGINT/SIGTERM end the wait below; the teardown then runs on this thread and the exit code is 0.
        final CountDownLatch stop = new CountDownLatch(1);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> stop.countDown());
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> stop.countDown());
        AgentRunner.startOnThread(runner);
        System.out.println("ready ip=" + ip + " mac=" + EthPort.formatMac(port.macAddress()) + " port=" +
            ports.get(0) + " services=" + describe() + (pcap == null ? "" : " pcap=" + pcap));
        System.out.flush();
        stop.await();
        runner.close();
        final String summary = summary(shard, services);
        port.close();
        eal.close();
        arena.close();
        System.out.println(summary);
        System.out.flush();
        return 0;
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

    private static String summary(final Shard shard, final Services services)
    {
        final StringBuilder sb = new StringBuilder("summary: rx ").append(shard.rxPackets()).append(" frames/")
            .append(shard.rxBytes()).append(" B, tx ").append(shard.txPackets()).append(" frames/")
            .append(shard.txBytes()).append(" B, tx dropped ").append(shard.txDropped()).append(", tx no-mbuf ")
            .append(shard.txNoMbuf()).append(", http requests ").append(services.requests()).append(", echoed ")
            .append(services.echoedBytes()).append(" B, discarded ").append(services.discardedBytes()).append(" B");
        for (int r = 1; r < FrameParser.DROP_REASON_COUNT; r++)
        {
            if (shard.drops(r) > 0)
            {
                sb.append(", drop ").append(FrameParser.dropReasonName(r)).append(' ').append(shard.drops(r));
            }
        }
        return sb.toString();
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

    private int parseInt(final String s, final String what)
    {
        try
        {
            return Integer.parseInt(s);
        }
        catch (final NumberFormatException ex)
        {
            throw new ParameterException(spec.commandLine(), what + " is not a number: '" + s + "'");
        }
    }
}
