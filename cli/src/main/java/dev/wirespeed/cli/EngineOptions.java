package dev.wirespeed.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.PortSpec;
import dev.wirespeed.engine.runtime.Engine;
import dev.wirespeed.engine.runtime.Impairment;
import dev.wirespeed.engine.runtime.LocalAddresses;
import dev.wirespeed.engine.tcp.Bbr;
import dev.wirespeed.engine.tcp.CongestionControl;
import dev.wirespeed.engine.tcp.NewReno;
import dev.wirespeed.engine.tcp.TcpConfig;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of every command that runs an engine on a port, declared once: port selection ({@link PortOptions}),
 * {@code --ip}, {@code --shards}, {@code --pcap}, {@code --impair}, {@code --idle}, {@code --time-wait-ms},
 * {@code --cc} and {@code --name}.
 * {@link #builder} checks them (bad input is a {@link ParameterException}: one {@code wirespeed: error:} line,
 * exit 2) and turns them into an {@link Engine.Builder}.
 */
public final class EngineOptions
{
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Mixin
    PortOptions portOptions;

    @Option(names = "--ip", required = true, paramLabel = "ADDR/LEN", description = "our IPv4 address and prefix, e.g. 192.0.2.1/24")
    String ip;

    @Option(names = "--shards", defaultValue = "1", paramLabel = "N",
        description = "shards, each with its own TCP state, timers, ARP cache and TX queue (default ${DEFAULT-VALUE})")
    int shards;

    @Option(names = "--pcap", paramLabel = "FILE", description = "capture every frame sent and received (pcap; shard N>0 writes FILE-shardN.pcap)")
    Path pcap;

    @Option(names = "--impair", paramLabel = "SPEC", description = "fault injection on the port, both directions, e.g. loss=5%%,dup=2%%,reorder=10%%,corrupt=0.5%%,seed=7")
    String impair;

    @Option(names = "--idle", defaultValue = "busy", paramLabel = "busy|yield|backoff",
        description = "idle strategy of the shard threads: busy (lowest latency), yield, or backoff (spares the CPU); default ${DEFAULT-VALUE}")
    String idle;

    @Option(names = "--time-wait-ms", defaultValue = "60000", paramLabel = "MS", description = "TIME-WAIT length, 2*MSL (default ${DEFAULT-VALUE})")
    long timeWaitMs;

    @Option(names = "--cc", defaultValue = "newreno", paramLabel = "newreno|bbr",
        description = "congestion control of every connection: newreno (RFC 5681/6582, halves at each loss) or bbr (model-based, BBR v1 style without a pacer: random loss does not shrink the window); default ${DEFAULT-VALUE}")
    String cc;

    @Option(names = "--name", paramLabel = "NAME",
        description = "engine name, unique on the machine: names the counters file (wirespeed-NAME.counters; 'wirespeed stat --name NAME'); default: the process id")
    String name;

    private LocalAddresses addresses;

    /** The local addresses of {@code --ip}, checked. */
    public LocalAddresses addresses()
    {
        if (addresses == null)
        {
            try
            {
                addresses = LocalAddresses.parse(ip.indexOf('/') < 0 ? ip + "/32" : ip, null);
            }
            catch (final IllegalArgumentException ex)
            {
                throw usage("--ip must look like 192.0.2.1/24, got '" + ip + "': " + ex.getMessage());
            }
        }
        return addresses;
    }

    /** The one port given. */
    public PortSpec port()
    {
        final List<PortSpec> ports = portOptions.ports();
        if (ports.size() != 1)
        {
            throw usage(mixee.name() + " needs exactly one port (--iface, --vdev or --pci), got " + ports.size());
        }
        return ports.get(0);
    }

    public int shards()
    {
        return shards;
    }

    public Path pcap()
    {
        return pcap;
    }

    public String impair()
    {
        return impair;
    }

    /** {@code --time-wait-ms} as TcpConfig's MSL (half of it). */
    public long mslNs()
    {
        return timeWaitMs * 500_000L;
    }

    /** A fresh idle strategy of {@code --idle}'s kind. */
    public Supplier<IdleStrategy> idleStrategy()
    {
        return switch (idle)
        {
            case "busy" -> BusySpinIdleStrategy::new;
            case "yield" -> YieldingIdleStrategy::new;
            case "backoff" -> () -> new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
            default -> throw usage("--idle must be busy, yield or backoff, got '" + idle + "'");
        };
    }

    /** The congestion control of {@code --cc}. */
    public Supplier<CongestionControl> congestionControl()
    {
        return switch (cc)
        {
            case "newreno" -> NewReno::new;
            case "bbr" -> Bbr::new;
            default -> throw usage("--cc must be newreno or bbr, got '" + cc + "'");
        };
    }

    /** Checks every option, before EAL or a port is touched. */
    public void validate()
    {
        addresses();
        port();
        idleStrategy();
        congestionControl();
        final int maxShards = Math.min(64, Runtime.getRuntime().availableProcessors() * 4);
        if (shards < 1 || shards > maxShards)
        {
            throw usage("--shards must be 1.." + maxShards + ", got " + shards);
        }
        if (timeWaitMs < 1)
        {
            throw usage("--time-wait-ms must be at least 1, got " + timeWaitMs);
        }
        if (impair != null)
        {
            try
            {
                Impairment.parse(impair, null);
            }
            catch (final IllegalArgumentException ex)
            {
                throw usage("--impair: " + ex.getMessage());
            }
        }
    }

    /** Starts EAL for the given ports (PCI devices are allowed at start, the others are probed later). */
    public Eal startEal()
    {
        return Eal.init(portOptions.ealOptions());
    }

    /**
     * An engine builder with every option of this mixin applied; {@code tcpConfig} makes each shard's TCP config
     * (its MSL is set from {@code --time-wait-ms} and its congestion control from {@code --cc} here).
     */
    public Engine.Builder builder(final Supplier<TcpConfig> tcpConfig)
    {
        validate();
        final long mslNs = mslNs();
        final Supplier<CongestionControl> congestionControl = congestionControl();
        final Engine.Builder builder;
        try
        {
            builder = Engine.builder().name(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage("--name: " + ex.getMessage());
        }
        return builder
            .port(port())
            .addresses(addresses())
            .shards(shards)
            .tcpConfig(() ->
            {
                final TcpConfig tcp = tcpConfig.get();
                tcp.mslNs = mslNs;
                tcp.congestionControl = congestionControl;
                return tcp;
            })
            .idleStrategy(idleStrategy())
            .pcap(pcap)
            .impairment(impair);
    }

    ParameterException usage(final String message)
    {
        return new ParameterException(mixee.commandLine(), message);
    }
}
