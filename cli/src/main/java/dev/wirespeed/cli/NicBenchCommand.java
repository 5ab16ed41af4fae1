package dev.wirespeed.cli;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.wirespeed.apps.nic.IoForwarder;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.PortSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * NIC benchmarks: {@code fwd} (io forwarding, like testpmd), {@code gen} (line-rate UDP generator), {@code reflect}
 * (the far end: macswap, optionally a rate-limited device with a known answer), {@code rfc2544} (the four RFC 2544
 * tests) and {@code check} (the frame-path self-checks the demo runs).
 */
@Command(name = "nicbench", mixinStandardHelpOptions = true,
    description = "NIC benchmarks: fwd, gen, reflect, rfc2544, check ('wirespeed nicbench MODE --help').",
    subcommands = {NicBenchCommand.Fwd.class, NicGenCommand.class, NicReflectCommand.class, NicRfc2544Command.class,
        NicCheckCommand.class})
public final class NicBenchCommand implements Runnable
{
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    public void run()
    {
        throw new ParameterException(spec.commandLine(), "missing mode: fwd, gen, reflect, rfc2544 or check");
    }

    /** {@code nicbench fwd}: testpmd-style io forwarding between two ports, one core. */
    @Command(name = "fwd", mixinStandardHelpOptions = true,
        description = "io forwarding between two ports on one core (like testpmd --forward-mode=io).")
    public static final class Fwd implements Callable<Integer>
    {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        PortOptions portOptions;

        @Option(names = "--seconds", defaultValue = "5", description = "measured run time (default ${DEFAULT-VALUE})")
        int seconds;

        @Option(names = "--warmup", defaultValue = "2", description = "warm-up seconds, not measured (default ${DEFAULT-VALUE})")
        int warmupSeconds;

        @Option(names = "--burst", defaultValue = "32", description = "burst size (default ${DEFAULT-VALUE})")
        int burst;

        public Integer call()
        {
            if (seconds < 1 || seconds > 3600 || warmupSeconds < 0 || warmupSeconds > 600)
            {
                throw new ParameterException(spec.commandLine(), "--seconds must be 1..3600 and --warmup 0..600");
            }
            List<PortSpec> ports = portOptions.ports();
            if (ports.isEmpty())
            {
                ports = List.of(PortSpec.vdev("net_null0,copy=1"), PortSpec.vdev("net_null1,copy=1"));
            }
            if (ports.size() != 2)
            {
                throw new ParameterException(spec.commandLine(), "fwd needs exactly two ports, got " + ports.size());
            }
            final Result r = forward(portOptions, ports.get(0), ports.get(1), warmupSeconds, seconds, burst, true);
            System.out.printf(Locale.ROOT, "result: java io-forward %.3f Mpps over %d s (%d packets, %d dropped), " +
                "allocated %.4f B/packet%n", r.mpps(), seconds, r.packets(), r.dropped(), r.bytesPerPacket());
            return 0;
        }
    }

    /** What one forwarding run measured. */
    public record Result(long packets, long dropped, long elapsedNs, long allocatedBytes)
    {
        public double mpps()
        {
            return packets * 1e3 / elapsedNs;
        }

        public double bytesPerPacket()
        {
            return packets == 0 ? 0 : (double)allocatedBytes / packets;
        }
    }

    static Result forward(final PortOptions options, final PortSpec a, final PortSpec b, final int warmupSeconds,
        final int seconds, final int burst, final boolean progress)
    {
        if (Eal.current() == null)
        {
            Eal.init(options.ealOptions());
        }
        Eal.registerThread();
        try (Arena arena = Arena.ofShared();
            EthPort p0 = EthPort.open(a);
            EthPort p1 = EthPort.open(b))
        {
            p0.start(new PortConfig().mempool(8191, 256));
            p1.start(new PortConfig().mempool(8191, 256));
            System.out.println("forwarding " + a + " <-> " + b + " [" + p0.info().describe() + "]");
            final IoForwarder fwd = new IoForwarder(arena, p0, p1, burst);
            fwd.runFor(warmupSeconds * 1_000_000_000L);

            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long startPackets = fwd.forwarded();
            final long startDropped = fwd.dropped();
            long allocated = 0;
            long elapsed = 0;
            long lastPackets = startPackets;
            for (int s = 0; s < seconds; s++)
            {
                // Allocation is read around the forwarding loop only, not around the progress printing.
                final long alloc0 = threads.getCurrentThreadAllocatedBytes();
                final long t0 = System.nanoTime();
                fwd.runFor(1_000_000_000L);
                final long t1 = System.nanoTime();
                allocated += threads.getCurrentThreadAllocatedBytes() - alloc0;
                elapsed += t1 - t0;
                if (progress)
                {
                    final long p = fwd.forwarded();
                    System.out.printf(Locale.ROOT, "  %2d s  %.3f Mpps%n", s + 1, (p - lastPackets) * 1e3 / (t1 - t0));
                    lastPackets = p;
                }
            }
            return new Result(fwd.forwarded() - startPackets, fwd.dropped() - startDropped, elapsed, allocated);
        }
    }
}
